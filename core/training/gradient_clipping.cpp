#include "training/gradient_clipping.h"

namespace optbench::core {

torch::Tensor clip_grad_norm(const std::vector<torch::Tensor>& params, double max_norm) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> grads;
  for (const auto& p : params)
    if (p.grad().defined()) grads.push_back(p.grad());
  if (grads.empty()) return {};
  // One multi-tensor kernel for the per-tensor norms; the same values as LibTorch's per-tensor norm(2).
  const std::vector<torch::Tensor> norms = torch::_foreach_norm(grads, 2);
  const torch::Tensor total = norms.size() == 1 ? norms[0] : torch::stack(norms).norm(2);
  const torch::Tensor coefficient = torch::clamp(max_norm / (total + 1e-6), std::nullopt, 1.0);
  torch::_foreach_mul_(grads, coefficient);
  return total;
}

}  // namespace optbench::core
