// Batch-norm running statistics for weights the model did not train at. Schedule-free methods
// train at y and evaluate at the average x, so the running means and variances gathered during
// training belong to y; before x is evaluated they are recomputed at x.
#pragma once

#include <torch/torch.h>

#include <functional>

namespace optbench::core {

// The number of training batches the statistics are recomputed from (the schedule-free authors'
// recipe uses 50).
inline constexpr int kBatchNormStatisticsBatches = 50;

// Whether `model` has batch-norm layers (1-D, 2-D or 3-D).
bool has_batch_norm(torch::nn::Module& model);

// Resets every batch-norm layer's running statistics and recomputes them as the exact average
// over the batches `forward_next()` runs (in training mode, without gradients) until it returns
// false: PreciseBN, independent of the statistics gathered before. Leaves the model in eval mode
// and each layer's momentum as it was.
void recompute_batch_norm_statistics(torch::nn::Module& model, const std::function<bool()>& forward_next);

}  // namespace optbench::core
