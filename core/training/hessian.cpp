#include "training/hessian.h"

#include <cmath>

namespace optbench::core {

namespace {

using Vectors = std::vector<torch::Tensor>;  // one tensor per parameter

torch::Tensor dot(const Vectors& a, const Vectors& b) {
  torch::Tensor sum = torch::zeros({}, a.front().options().dtype(torch::kFloat64));
  for (std::size_t i = 0; i < a.size(); ++i) sum += (a[i].to(torch::kFloat64) * b[i].to(torch::kFloat64)).sum();
  return sum;
}

void normalize(Vectors& v) {
  const double norm = std::sqrt(dot(v, v).item<double>());
  for (auto& t : v) t.div_(norm + 1e-30);
}

// v -= (v . u) u for every found eigenvector u: the next power iteration finds the next one.
void deflate(Vectors& v, const std::vector<Vectors>& found) {
  for (const auto& u : found) {
    const double projection = dot(v, u).item<double>();
    for (std::size_t i = 0; i < v.size(); ++i) v[i].sub_(u[i] * projection);
  }
}

// H v, averaged over the batches: the gradient of (grad L . v).
Vectors hessian_vector_product(const std::vector<torch::Tensor>& params,
                               const std::function<torch::Tensor(std::size_t)>& loss_of, std::size_t batches,
                               const Vectors& v) {
  Vectors hv;
  for (const auto& p : params) hv.push_back(torch::zeros_like(p));
  for (std::size_t b = 0; b < batches; ++b) {
    const torch::Tensor loss = loss_of(b);
    const auto grads = torch::autograd::grad({loss}, params, {}, /*retain_graph=*/true, /*create_graph=*/true);
    torch::Tensor grad_dot_v = torch::zeros({}, loss.options());
    for (std::size_t i = 0; i < params.size(); ++i) grad_dot_v = grad_dot_v + (grads[i] * v[i]).sum();
    const auto h = torch::autograd::grad({grad_dot_v}, params, {}, /*retain_graph=*/false, /*create_graph=*/false,
                                         /*allow_unused=*/true);
    for (std::size_t i = 0; i < params.size(); ++i)
      if (h[i].defined()) hv[i].add_(h[i].detach(), 1.0 / static_cast<double>(batches));
  }
  return hv;
}

}  // namespace

HessianSpectrum top_hessian_eigenvalues(const std::vector<torch::Tensor>& params,
                                        const std::function<torch::Tensor(std::size_t)>& loss_of,
                                        std::size_t batches, int top_k, int max_iterations, double tolerance,
                                        std::uint64_t seed) {
  HessianSpectrum spectrum;
  std::vector<Vectors> found;
  auto generator = at::detail::createCPUGenerator(seed);
  for (int k = 0; k < top_k; ++k) {
    Vectors v;
    for (const auto& p : params)
      v.push_back(torch::randn(p.sizes(), generator, torch::TensorOptions().dtype(p.scalar_type())).to(p.device()));
    deflate(v, found);
    normalize(v);
    double eigenvalue = 0;
    int iteration = 0;
    while (iteration < max_iterations) {
      ++iteration;
      Vectors hv = hessian_vector_product(params, loss_of, batches, v);
      const double next = dot(hv, v).item<double>();  // the Rayleigh quotient, v normalised
      deflate(hv, found);
      normalize(hv);
      v = std::move(hv);
      const bool converged = iteration > 1 && std::abs(next - eigenvalue) <= tolerance * (std::abs(eigenvalue) + 1e-12);
      eigenvalue = next;
      if (converged) break;
    }
    spectrum.eigenvalues.push_back(eigenvalue);
    spectrum.iterations.push_back(iteration);
    found.push_back(std::move(v));
  }
  return spectrum;
}

}  // namespace optbench::core
