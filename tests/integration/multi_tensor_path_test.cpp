// The multi-tensor (_foreach_) path of the optimizer plugins, the one GPUs take, against
// LibTorch's own torch::optim implementations, which apply the same single-tensor math as
// torch.optim (float64). CTest runs this file with OPTBENCH_FUSED=0, so that the plugins take the
// multi-tensor path on CPU too, and again with OPTBENCH_FUSED=aten, so that SGD, Adam and AdamW
// take ATen's fused kernels, CUDA's path for them. Some parameters go without a gradient on some steps: each counts
// its own steps, as torch.optim's do.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <optbench/fused.h>

#include "in_tree_plugins.h"

using namespace optbench;
using namespace optbench::core;

namespace {

const PluginRegistry& registry() { return optbench::testing::in_tree_plugins(); }

// Largest |ours - torch::optim| / (1e-12 + |torch::optim|) over `steps` steps with the same gradients.
double against_torch_optim(const std::string& name, const std::string& toml_params,
                           const std::function<std::unique_ptr<torch::optim::Optimizer>(std::vector<torch::Tensor>)>& make,
                           int steps = 6) {
  const std::vector<std::vector<std::int64_t>> shapes = {{1000}, {10}, {30, 20}, {16, 4, 3, 3}};
  torch::manual_seed(3);
  std::vector<torch::Tensor> ours, theirs;
  for (const auto& shape : shapes) {
    auto w = torch::randn(shape, torch::kFloat64);
    ours.push_back(w.clone().requires_grad_(true));
    theirs.push_back(w.clone().requires_grad_(true));
  }
  ParamGroup group;
  group.params = ours;
  auto optimizer = registry().make_optimizer(name, {group}, optbench::testing::params_of(Kind::kOptimizer, name, toml_params));
  auto reference = make(theirs);
  for (int s = 0; s < steps; ++s) {
    for (std::size_t i = 0; i < ours.size(); ++i) {
      // The second tensor has a gradient only on even steps.
      const bool has_gradient = i != 1 || s % 2 == 0;
      auto g = torch::randn(ours[i].sizes(), torch::kFloat64);
      ours[i].mutable_grad() = has_gradient ? g : torch::Tensor();
      theirs[i].mutable_grad() = has_gradient ? g.clone() : torch::Tensor();
    }
    torch::NoGradGuard no_grad;
    optimizer->step({});
    reference->step();
  }
  double worst = 0;
  for (std::size_t i = 0; i < ours.size(); ++i)
    worst = std::max(worst, ((ours[i] - theirs[i]).abs() / (theirs[i].abs() + 1e-12)).max().item<double>());
  return worst;
}

TEST(MultiTensorPath, IsTaken) {
  ASSERT_FALSE(optbench::fusable({torch::zeros({4}, torch::kFloat64)}))
      << "run with OPTBENCH_FUSED=0 or aten (CTest does), or the fused CPU path is what this compares";
  const std::vector<torch::Tensor> w = {torch::zeros({4}, torch::kFloat64), torch::zeros({2, 3}, torch::kFloat64)};
  const std::vector<torch::Tensor> g = {torch::ones({4}, torch::kFloat64), torch::ones({2, 3}, torch::kFloat64)};
  EXPECT_EQ(optbench::aten_fusable({w, g}), optbench::fused_kernels() == optbench::FusedKernels::kAten);
  // A gradient laid out unlike its parameter, or of another dtype, keeps the group off ATen's kernels.
  const std::vector<torch::Tensor> transposed = {g[0], torch::ones({3, 2}, torch::kFloat64).t()};
  EXPECT_FALSE(optbench::aten_fusable({w, transposed}));
  const std::vector<torch::Tensor> float32 = {g[0], g[1].to(torch::kFloat32)};
  EXPECT_FALSE(optbench::aten_fusable({w, float32}));
}

TEST(DeviceStepCounts, FollowTheHostCountsAndAdvanceInPlace) {
  ParamGroup group;
  group.params = {torch::zeros({2}), torch::zeros({3})};
  GroupLists both{group, group.params, group.params, {{0, 0}, {0, 1}}};
  GroupLists second{group, {group.params[1]}, {group.params[1]}, {{0, 1}}};
  DeviceStepCounts counts;
  auto first_step = counts.advance(both, {1, 1});
  EXPECT_EQ(first_step[0].item<float>(), 1);
  EXPECT_EQ(first_step[0].scalar_type(), torch::kFloat);
  auto next = counts.advance(second, {2});  // only the second parameter had a gradient
  EXPECT_EQ(next[0].item<float>(), 2);
  EXPECT_TRUE(next[0].is_same(first_step[1]));  // advanced on the device, not made anew
  auto after = counts.advance(both, {2, 3});
  EXPECT_EQ(after[0].item<float>(), 2);
  EXPECT_EQ(after[1].item<float>(), 3);
  // A count that jumps (a step taken on another path, or state loaded) is made afresh.
  auto loaded = counts.advance(both, {7, 4});
  EXPECT_EQ(loaded[0].item<float>(), 7);
  EXPECT_FALSE(loaded[0].is_same(after[0]));
  EXPECT_EQ(loaded[1].item<float>(), 4);
}

TEST(MultiTensorPath, SgdEqualsTorchOptim) {
  namespace O = torch::optim;
  EXPECT_LT(against_torch_optim("sgd", "lr = 0.1\nweight_decay = 0.01", [](auto p) {
              return std::make_unique<O::SGD>(p, O::SGDOptions(0.1).weight_decay(0.01));
            }), 1e-12);
  EXPECT_LT(against_torch_optim("sgd_momentum", "lr = 0.1\ndampening = 0.1", [](auto p) {
              return std::make_unique<O::SGD>(p, O::SGDOptions(0.1).momentum(0.9).dampening(0.1).weight_decay(5e-4));
            }), 1e-12);
  EXPECT_LT(against_torch_optim("sgd_momentum", "lr = 0.1\nnesterov = true\nweight_decay = 0.0", [](auto p) {
              return std::make_unique<O::SGD>(p, O::SGDOptions(0.1).momentum(0.9).nesterov(true));
            }), 1e-12);
}

TEST(MultiTensorPath, AdamAndAdamWEqualTorchOptim) {
  namespace O = torch::optim;
  EXPECT_LT(against_torch_optim("adam", "lr = 0.01\nweight_decay = 0.1\namsgrad = true", [](auto p) {
              return std::make_unique<O::Adam>(p, O::AdamOptions(0.01).weight_decay(0.1).amsgrad(true));
            }), 1e-12);
  EXPECT_LT(against_torch_optim("adamw", "lr = 0.01\nbetas = [0.8, 0.99]\neps = 1e-6", [](auto p) {
              return std::make_unique<O::AdamW>(p, O::AdamWOptions(0.01).betas({0.8, 0.99}).eps(1e-6).weight_decay(1e-2));
            }), 1e-12);
}

TEST(MultiTensorPath, RmspropAndAdagradEqualTorchOptim) {
  namespace O = torch::optim;
  EXPECT_LT(against_torch_optim("rmsprop", "weight_decay = 0.01", [](auto p) {
              return std::make_unique<O::RMSprop>(p, O::RMSpropOptions(1e-2).weight_decay(0.01));
            }), 1e-12);
  EXPECT_LT(against_torch_optim("rmsprop", "centered = true\nmomentum = 0.9\nalpha = 0.9", [](auto p) {
              return std::make_unique<O::RMSprop>(p, O::RMSpropOptions(1e-2).centered(true).momentum(0.9).alpha(0.9));
            }), 1e-12);
  EXPECT_LT(against_torch_optim("adagrad", "lr_decay = 0.1\ninitial_accumulator_value = 0.5\nweight_decay = 0.01",
                                [](auto p) {
                                  return std::make_unique<O::Adagrad>(
                                      p, O::AdagradOptions(1e-2).lr_decay(0.1).initial_accumulator_value(0.5).weight_decay(0.01));
                                }), 1e-12);
}

}  // namespace
