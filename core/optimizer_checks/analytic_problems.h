// Small analytic losses for checking optimizers: the golden problems (rosenbrock, mlp,
// quadratic; ../shared/golden/README.md) and Beale's function for `conformance`.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

namespace optbench::core {

struct Problem {
  std::string type;  // rosenbrock, beale, mlp, quadratic
  torch::Dtype dtype = torch::kFloat64;
  torch::Tensor X, y;  // mlp
  torch::Tensor A, b;  // quadratic: 0.5 xᵀAx − bᵀx over the concatenated parameters

  torch::Tensor loss(const std::vector<torch::Tensor>& params) const;
};

}  // namespace optbench::core
