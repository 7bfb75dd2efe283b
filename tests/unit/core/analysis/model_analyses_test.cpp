// The analyses that look inside models, on cases with known answers: the Hessian spectrum of a
// quadratic with chosen eigenvalues, and linear CKA's defining properties.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "analysis/cka.h"
#include "training/hessian.h"

using namespace optbench::core;

namespace {

// A = Q diag(eigenvalues) Q^T with a random orthogonal Q.
torch::Tensor symmetric_with_eigenvalues(const std::vector<double>& eigenvalues, std::uint64_t seed) {
  const auto n = static_cast<std::int64_t>(eigenvalues.size());
  auto generator = at::detail::createCPUGenerator(seed);
  const auto q = std::get<0>(torch::linalg_qr(torch::randn({n, n}, generator, torch::kFloat64)));
  return q.matmul(torch::diag(torch::tensor(eigenvalues, torch::kFloat64))).matmul(q.t());
}

}  // namespace

TEST(HessianSpectrum, QuadraticWithKnownEigenvalues) {
  // f(x) = 1/2 x^T A x + b^T x has Hessian A everywhere, split over two parameter tensors and
  // two "batches" whose mean is f.
  const auto a = symmetric_with_eigenvalues({5.0, -3.5, 2.0, 1.0, 0.5, 0.1}, 7);
  const auto b = torch::arange(6, torch::kFloat64);
  auto x1 = torch::randn({2}, torch::kFloat64).requires_grad_(), x2 = torch::randn({4}, torch::kFloat64).requires_grad_();
  auto loss_of = [&](std::size_t batch) {
    const auto x = torch::cat({x1, x2});
    const auto f = 0.5 * x.dot(a.matmul(x)) + b.dot(x);
    return batch == 0 ? 0.5 * f : 1.5 * f;  // mean over the two batches: f
  };
  const auto spectrum = top_hessian_eigenvalues({x1, x2}, loss_of, 2, 3, 500, 1e-10, 1);
  ASSERT_EQ(spectrum.eigenvalues.size(), 3u);
  EXPECT_NEAR(spectrum.eigenvalues[0], 5.0, 1e-6);   // largest magnitude first
  EXPECT_NEAR(spectrum.eigenvalues[1], -3.5, 1e-6);  // negative curvature is found too
  EXPECT_NEAR(spectrum.eigenvalues[2], 2.0, 1e-6);
  EXPECT_LT(spectrum.iterations[0], 500);
}

TEST(LinearCka, IdentityInvariancesAndOneDimensionalCorrelation) {
  auto generator = at::detail::createCPUGenerator(3);
  const auto x = torch::randn({50, 8}, generator, torch::kFloat64);
  EXPECT_NEAR(linear_cka(x, x), 1.0, 1e-12);
  const auto q = std::get<0>(torch::linalg_qr(torch::randn({8, 8}, generator, torch::kFloat64)));
  EXPECT_NEAR(linear_cka(x, x.matmul(q)), 1.0, 1e-12);     // orthogonal transform
  EXPECT_NEAR(linear_cka(x, 3.5 * x + 2.0), 1.0, 1e-12);    // isotropic scaling and translation
  const auto scale = torch::tensor({1.0, 10.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0}, torch::kFloat64);
  EXPECT_LT(linear_cka(x, x * scale), 0.9);                 // not invariant to anisotropic scaling
  EXPECT_NEAR(linear_cka(x, x.view({50, 2, 4})), 1.0, 1e-12);  // further dimensions are flattened

  // One feature each: CKA is the squared Pearson correlation. x = (1, 2, 3), y = (1, 0, 2): r = 0.5.
  const auto a = torch::tensor({1.0, 2.0, 3.0}, torch::kFloat64).view({3, 1});
  const auto b = torch::tensor({1.0, 0.0, 2.0}, torch::kFloat64).view({3, 1});
  EXPECT_NEAR(linear_cka(a, b), 0.25, 1e-12);
  EXPECT_THROW(linear_cka(a, torch::ones({4, 1})), std::invalid_argument);
}
