// Clipping without a host round trip gives LibTorch's clip_grad_norm_, bit for bit.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "training/gradient_clipping.h"

namespace {

// Two copies of the same parameters with gradients `scale` times standard normal, one without.
std::pair<std::vector<torch::Tensor>, std::vector<torch::Tensor>> parameters(torch::ScalarType dtype, double scale) {
  torch::manual_seed(5);
  std::vector<torch::Tensor> a, b;
  for (const auto& shape : std::vector<std::vector<std::int64_t>>{{300}, {20, 30}, {8, 3, 3, 3}, {7}}) {
    auto w = torch::randn(shape, dtype);
    auto g = torch::randn(shape, dtype) * scale;
    a.push_back(w.clone().requires_grad_(true));
    b.push_back(w.clone().requires_grad_(true));
    a.back().mutable_grad() = g.clone();
    b.back().mutable_grad() = g.clone();
  }
  a[3].mutable_grad() = torch::Tensor();  // a parameter without a gradient is left out
  b[3].mutable_grad() = torch::Tensor();
  return {a, b};
}

TEST(GradientClipping, EqualsLibTorchsClipGradNormBitForBit) {
  for (const auto dtype : {torch::kFloat32, torch::kFloat64})
    for (const double scale : {0.01, 1.0, 100.0}) {  // below, near and above the threshold
      auto [ours, theirs] = parameters(dtype, scale);
      const torch::Tensor norm = optbench::core::clip_grad_norm(ours, 5.0);
      const double expected = torch::nn::utils::clip_grad_norm_(theirs, 5.0);
      EXPECT_EQ(norm.item<double>(), expected);
      for (std::size_t i = 0; i < 3; ++i) EXPECT_TRUE(torch::equal(ours[i].grad(), theirs[i].grad())) << i << " " << scale;
      EXPECT_FALSE(ours[3].grad().defined());
    }
}

TEST(GradientClipping, ScalesToTheMaximumNorm) {
  auto [ours, theirs] = parameters(torch::kFloat64, 100.0);
  optbench::core::clip_grad_norm(ours, 1.0);
  std::vector<torch::Tensor> norms;
  for (std::size_t i = 0; i < 3; ++i) norms.push_back(ours[i].grad().norm());
  EXPECT_NEAR(torch::stack(norms).norm().item<double>(), 1.0, 1e-6);  // 1 / (1 + 1e-6 / ‖g‖)
  EXPECT_FALSE(optbench::core::clip_grad_norm({torch::zeros({2})}, 1.0).defined());  // no gradient at all
}

}  // namespace
