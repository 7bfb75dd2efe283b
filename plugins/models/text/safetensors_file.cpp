#include "safetensors_file.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace optbench::text_models {

std::size_t safetensors_dtype_size(const std::string& dtype) {
  static const std::map<std::string, std::size_t> sizes = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E4M3", 1}, {"F8_E5M2", 1}, {"I16", 2}, {"U16", 2}, {"F16", 2},
      {"BF16", 2}, {"I32", 4}, {"U32", 4}, {"F32", 4},     {"I64", 8},     {"U64", 8}, {"F64", 8}};
  auto it = sizes.find(dtype);
  return it == sizes.end() ? 0 : it->second;
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

SafetensorsFile::SafetensorsFile(const std::string& path) : path_(path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open file");
  bytes_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  auto fail = [&](const std::string& what) { throw std::runtime_error(path + ": " + what); };
  if (bytes_.size() < 8) fail("not a safetensors file: shorter than its 8-byte header length");
  std::uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) header_size = (header_size << 8) | bytes_[static_cast<std::size_t>(i)];
  if (header_size > bytes_.size() - 8)
    fail("not a safetensors file: header length " + std::to_string(header_size) + " exceeds the file size " +
         std::to_string(bytes_.size()));
  data_start_ = 8 + static_cast<std::size_t>(header_size);
  const std::uint64_t data_size = bytes_.size() - data_start_;
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(bytes_.begin() + 8, bytes_.begin() + static_cast<std::ptrdiff_t>(data_start_));
  } catch (const nlohmann::json::exception& e) {
    fail(std::string("the safetensors header is not valid JSON: ") + e.what());
  }
  if (!header.is_object()) fail("the safetensors header is not a JSON object");
  for (const auto& [name, value] : header.items()) {
    if (name == "__metadata__") continue;
    const std::string where = "tensor '" + name + "': ";
    if (!value.is_object() || !value.contains("dtype") || !value.contains("shape") || !value.contains("data_offsets"))
      fail(where + "expected an object with dtype, shape and data_offsets");
    SafetensorsEntry e;
    if (!value["dtype"].is_string()) fail(where + "dtype is not a string");
    e.dtype = value["dtype"].get<std::string>();
    const std::size_t item = safetensors_dtype_size(e.dtype);
    if (item == 0) fail(where + "unknown dtype '" + e.dtype + "'");
    std::uint64_t numel = 1;
    if (!value["shape"].is_array()) fail(where + "shape is not an array");
    for (const auto& d : value["shape"]) {
      if (!d.is_number_unsigned()) fail(where + "shape holds " + d.dump() + "; expected non-negative integers");
      e.shape.push_back(d.get<std::int64_t>());
      numel *= d.get<std::uint64_t>();
    }
    const auto& offsets = value["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned())
      fail(where + "data_offsets must be [begin, end] (non-negative integers)");
    e.begin = offsets[0].get<std::uint64_t>();
    e.end = offsets[1].get<std::uint64_t>();
    if (e.begin > e.end || e.end > data_size)
      fail(where + "data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) +
           "] lie outside the data section of " + std::to_string(data_size) + " bytes (truncated file?)");
    if (e.end - e.begin != numel * item)
      fail(where + "data_offsets hold " + std::to_string(e.end - e.begin) + " bytes but shape " + shape_text(e.shape) +
           " of " + e.dtype + " needs " + std::to_string(numel * item));
    entries_.emplace(name, std::move(e));
  }
}

}  // namespace optbench::text_models
