// The fused CPU kernels of the optimizer plugins against their own tensor-op paths. An optimizer
// takes the fused path for dense contiguous CPU tensors and the op-by-op reference path otherwise,
// so the same values held in non-contiguous tensors run the reference path. Shapes span several
// kernel chunks and both ways Adafactor splits matrices; float64, where only summation order
// differs between the paths.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "in_tree_plugins.h"

using namespace optbench;
using namespace optbench::core;

namespace {

const PluginRegistry& registry() { return optbench::testing::in_tree_plugins(); }

// The same values in a layout the fused path refuses (reversed strides, or every other element).
torch::Tensor non_contiguous_copy(const torch::Tensor& t) {
  torch::Tensor holder;
  if (t.dim() == 1) {
    holder = torch::empty({2 * t.numel()}, t.options()).slice(0, 0, 2 * t.numel(), 2);
  } else {
    std::vector<std::int64_t> reversed(t.sizes().rbegin(), t.sizes().rend()), order;
    for (std::int64_t d = t.dim() - 1; d >= 0; --d) order.push_back(d);
    holder = torch::empty(reversed, t.options()).permute(order);
  }
  holder.copy_(t);
  EXPECT_FALSE(holder.is_contiguous());
  return holder;
}

// Largest |fused - reference| / (1e-12 + |reference|) after `steps` steps with the same gradients.
double fused_vs_reference(const std::string& name, const std::string& toml_params, int steps) {
  const std::vector<std::vector<std::int64_t>> shapes = {
      {70000}, {10}, {300, 200}, {64, 16, 3, 3}, {3, 40, 1500}, {128, 64, 1, 1}};
  torch::manual_seed(1);
  std::vector<torch::Tensor> fused, reference;
  for (const auto& shape : shapes) {
    auto w = torch::randn(shape, torch::kFloat64);
    fused.push_back(w.clone().requires_grad_(true));
    reference.push_back(non_contiguous_copy(w).requires_grad_(true));
  }
  const Params params = optbench::testing::params_of(Kind::kOptimizer, name, toml_params);
  ParamGroup fused_group, reference_group;
  fused_group.params = fused;
  reference_group.params = reference;
  auto fused_opt = registry().make_optimizer(name, {fused_group}, params);
  auto reference_opt = registry().make_optimizer(name, {reference_group}, params);
  for (int s = 0; s < steps; ++s) {
    for (std::size_t i = 0; i < fused.size(); ++i) {
      auto g = torch::randn(fused[i].sizes(), torch::kFloat64);
      fused[i].mutable_grad() = g;
      reference[i].mutable_grad() = non_contiguous_copy(g);
    }
    torch::NoGradGuard no_grad;
    fused_opt->step({});
    reference_opt->step({});
  }
  double worst = 0;
  for (std::size_t i = 0; i < fused.size(); ++i) {
    EXPECT_TRUE(fused[i].is_contiguous());
    const auto rel = (fused[i] - reference[i]).abs() / (reference[i].abs() + 1e-12);
    worst = std::max(worst, rel.max().item<double>());
  }
  return worst;
}

struct Case {
  std::string optimizer, params;
};

class FusedPath : public ::testing::TestWithParam<Case> {};

TEST_P(FusedPath, AgreesWithTheTensorOpPath) {
  const double worst = fused_vs_reference(GetParam().optimizer, GetParam().params, 4);
  EXPECT_LT(worst, 1e-9) << GetParam().optimizer << " " << GetParam().params;
}

INSTANTIATE_TEST_SUITE_P(
    Kernels, FusedPath,
    ::testing::Values(Case{"adam", "amsgrad = true\nweight_decay = 0.01"}, Case{"adamw", ""}, Case{"radam", ""},
                      Case{"adabelief", ""}, Case{"yogi", ""}, Case{"lion", "weight_decay = 0.1"},
                      Case{"adadelta", "weight_decay = 0.01"}, Case{"lars", "weight_decay = 0.01"},
                      Case{"lamb", "weight_decay = 0.01"}, Case{"lamb", "adam = true\ndebias = true"},
                      Case{"adafactor", ""},
                      Case{"adafactor", "lr = 0.01\nrelative_step = false\nbeta1 = 0.9\nweight_decay = 0.01"}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.optimizer + "_" + std::to_string(info.index); });

}  // namespace
