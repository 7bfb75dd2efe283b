// The top eigenvalues of a loss's Hessian by power iteration on Hessian-vector products (double
// backward), with deflation for each further one, as PyHessian computes them.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <vector>

namespace optbench::core {

struct HessianSpectrum {
  std::vector<double> eigenvalues;  // largest magnitude first
  std::vector<int> iterations;      // power iterations each took
};

// `loss_of(i)` is the loss on fixed batch i of `batches`, a graph over `params`; the Hessian is that
// of the mean loss over the batches. Iterates until the eigenvalue changes by less than
// `tolerance` (relative) or `max_iterations`; the start vector is drawn from `seed`.
HessianSpectrum top_hessian_eigenvalues(const std::vector<torch::Tensor>& params,
                                        const std::function<torch::Tensor(std::size_t)>& loss_of,
                                        std::size_t batches, int top_k, int max_iterations, double tolerance,
                                        std::uint64_t seed);

}  // namespace optbench::core
