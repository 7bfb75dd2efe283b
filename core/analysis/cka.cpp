#include "analysis/cka.h"

namespace optbench::core {

torch::Tensor centred_gram(const torch::Tensor& x) {
  torch::Tensor f = x.flatten(1).to(torch::kFloat64);
  f = f - f.mean(0, /*keepdim=*/true);
  return f.matmul(f.t());
}

double cka_of_grams(const torch::Tensor& k, const torch::Tensor& l) {
  const double denominator = std::sqrt((k * k).sum().item<double>() * (l * l).sum().item<double>());
  return denominator > 0 ? (k * l).sum().item<double>() / denominator : std::nan("");
}

double linear_cka(const torch::Tensor& x, const torch::Tensor& y) {
  if (x.dim() < 2 || y.dim() < 2 || x.size(0) != y.size(0) || x.size(0) < 2)
    throw std::invalid_argument("linear_cka: two representations of the same n >= 2 examples");
  return cka_of_grams(centred_gram(x), centred_gram(y));
}

}  // namespace optbench::core
