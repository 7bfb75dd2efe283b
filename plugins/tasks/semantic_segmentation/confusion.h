// The confusion matrix of one batch: true class x predicted class, pixels labelled
// `ignore` left out. Header-only so that the unit tests check the very code the task runs.
#pragma once

#include <torch/torch.h>

namespace optbench::segmentation {

// `predicted`, `truth`: int64 class ids of the same shape. Returns classes x classes int64 counts (CPU).
inline torch::Tensor confusion_counts(const torch::Tensor& predicted, const torch::Tensor& truth,
                                      std::int64_t classes, std::int64_t ignore) {
  const auto counted = truth != ignore;
  const auto cells = truth.masked_select(counted) * classes + predicted.masked_select(counted);
  return torch::bincount(cells.flatten(), {}, classes * classes).view({classes, classes}).cpu();
}

}  // namespace optbench::segmentation
