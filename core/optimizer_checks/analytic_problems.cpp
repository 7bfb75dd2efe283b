#include "optimizer_checks/analytic_problems.h"

namespace optbench::core {

torch::Tensor Problem::loss(const std::vector<torch::Tensor>& p) const {
  if (type == "rosenbrock") {
    auto x0 = p[0][0], x1 = p[0][1];
    return (1 - x0).pow(2) + 100 * (x1 - x0.pow(2)).pow(2);
  }
  if (type == "beale") {  // minimum 0 at (3, 0.5)
    auto x = p[0][0], y = p[0][1];
    return (1.5 - x + x * y).pow(2) + (2.25 - x + x * y.pow(2)).pow(2) + (2.625 - x + x * y.pow(3)).pow(2);
  }
  if (type == "mlp") {
    namespace F = torch::nn::functional;
    auto h = torch::tanh(F::linear(X, p[0], p[1]));
    return F::cross_entropy(F::linear(h, p[2], p[3]), y);
  }
  if (type == "quadratic") {
    auto x = torch::cat(p);
    return 0.5 * x.dot(A.mv(x)) - b.dot(x);
  }
  throw std::invalid_argument("unknown problem type '" + type + "'");
}

}  // namespace optbench::core
