// Gradient clipping by the global norm without a host round trip, so that the CPU can queue the
// next steps while the GPU works: LibTorch's clip_grad_norm_ with the same ops, but returning the
// norm as a tensor instead of reading it (`.item()` waits for the device).
#pragma once

#include <torch/torch.h>

#include <vector>

namespace optbench::core {

// Scales the gradients of `params` by min(1, max_norm / (‖g‖ + 1e-6)), ‖g‖ the 2-norm of all of
// them together, exactly as torch::nn::utils::clip_grad_norm_; returns ‖g‖ (0-dim, on the device),
// or an undefined tensor when no parameter has a gradient.
torch::Tensor clip_grad_norm(const std::vector<torch::Tensor>& params, double max_norm);

}  // namespace optbench::core
