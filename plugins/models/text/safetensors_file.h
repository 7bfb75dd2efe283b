// The safetensors format (huggingface/safetensors): an 8-byte little-endian header
// length N, N bytes of JSON {"name": {"dtype", "shape", "data_offsets": [begin, end]},
// "__metadata__": {...}}, then the raw little-endian tensor bytes (offsets count
// from the end of the header). Torch-free: parsing and validation only.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace optbench::text_models {

struct SafetensorsEntry {
  std::string dtype;  // "F32", "F16", "BF16", "I64", ...
  std::vector<std::int64_t> shape;
  std::uint64_t begin = 0, end = 0;  // byte range in the data section
};

// Bytes per element of a safetensors dtype; 0 if the dtype is unknown.
std::size_t safetensors_dtype_size(const std::string& dtype);

// Reads and validates a whole file; every error names the file (and the tensor).
class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::string& path);
  const std::string& path() const { return path_; }
  const std::map<std::string, SafetensorsEntry>& entries() const { return entries_; }
  const std::uint8_t* data(const SafetensorsEntry& entry) const { return bytes_.data() + data_start_ + entry.begin; }

 private:
  std::string path_;
  std::vector<std::uint8_t> bytes_;
  std::size_t data_start_ = 0;
  std::map<std::string, SafetensorsEntry> entries_;
};

// "[2, 3]"
std::string shape_text(const std::vector<std::int64_t>& shape);

}  // namespace optbench::text_models
