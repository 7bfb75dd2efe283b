// Rows of different lengths stored end to end (int32), with their offsets; a batch
// gathers rows into one padded int64 tensor.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace optbench::text {

struct Ragged {
  std::vector<std::int32_t> values;
  std::vector<std::int64_t> offsets{0};

  void add(const std::vector<std::int64_t>& row) {
    values.insert(values.end(), row.begin(), row.end());
    offsets.push_back(static_cast<std::int64_t>(values.size()));
  }
  std::int64_t length(std::int64_t row) const { return offsets[static_cast<std::size_t>(row) + 1] - offsets[static_cast<std::size_t>(row)]; }
  // Rows `indices` as int64 [B, longest] (at least one column), padded with `pad`.
  torch::Tensor gather(const torch::Tensor& indices, std::int64_t pad) const {
    const auto* idx = indices.data_ptr<std::int64_t>();
    std::int64_t longest = 1;
    for (std::int64_t i = 0; i < indices.size(0); ++i) longest = std::max(longest, length(idx[i]));
    auto out = torch::full({indices.size(0), longest}, pad, torch::kInt64);
    auto acc = out.accessor<std::int64_t, 2>();
    for (std::int64_t i = 0; i < indices.size(0); ++i) {
      const auto start = offsets[static_cast<std::size_t>(idx[i])];
      for (std::int64_t j = 0; j < length(idx[i]); ++j) acc[i][j] = values[static_cast<std::size_t>(start + j)];
    }
    return out;
  }
};

}  // namespace optbench::text
