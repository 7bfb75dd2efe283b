// Writes safetensors files (huggingface/safetensors layout) for checkpoint-loading tests.
#pragma once

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace optbench::testing {

struct StoredTensor {
  std::string dtype;
  std::vector<std::int64_t> shape;
  std::string bytes;
};

// Writes the safetensors layout; the header is padded with spaces to 8 bytes as the reference writer does.
inline void write_safetensors(const std::filesystem::path& path, const std::map<std::string, StoredTensor>& tensors) {
  nlohmann::json header = {{"__metadata__", {{"format", "pt"}}}};
  std::string data;
  for (const auto& [name, t] : tensors) {
    header[name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {data.size(), data.size() + t.bytes.size()}}};
    data += t.bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::string length(8, '\0');
  for (int i = 0; i < 8; ++i) length[i] = static_cast<char>((text.size() >> (8 * i)) & 0xFF);
  std::ofstream(path, std::ios::binary) << length << text << data;
}

inline StoredTensor stored(const torch::Tensor& t, const std::string& dtype = "F32") {
  static const std::map<std::string, torch::Dtype> types = {{"F32", torch::kFloat32}, {"F16", torch::kFloat16},
                                                            {"I32", torch::kInt32}, {"I64", torch::kInt64}};
  const auto c = t.to(types.at(dtype)).contiguous();
  return {dtype, t.sizes().vec(), std::string(static_cast<const char*>(c.data_ptr()), c.nbytes())};
}

}  // namespace optbench::testing
