// Batch-norm statistics recomputed at other weights (schedule-free's x): the exact average over the
// batches run, whatever the layers had gathered before.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "training/batch_norm_statistics.h"

namespace {

namespace nn = torch::nn;
using optbench::core::has_batch_norm;
using optbench::core::recompute_batch_norm_statistics;

TEST(BatchNormStatistics, AreTheAverageOverTheBatchesRunWhateverCameBefore) {
  torch::manual_seed(3);
  nn::Sequential model(nn::Conv2d(nn::Conv2dOptions(2, 3, 1)), nn::BatchNorm2d(3));
  model->train();
  {
    torch::NoGradGuard no_grad;  // statistics of other weights, to be forgotten
    model->forward(torch::randn({4, 2, 5, 5}) * 10 + 3);
  }
  const std::vector<torch::Tensor> batches{torch::randn({8, 2, 5, 5}), torch::randn({8, 2, 5, 5}) * 2 + 1,
                                           torch::randn({6, 2, 5, 5}) - 1};
  std::size_t next = 0;
  recompute_batch_norm_statistics(*model, [&] {
    if (next == batches.size()) return false;
    model->forward(batches[next++]);
    return true;
  });

  // Each batch weighs the same: the mean of the batches' means and unbiased variances of the
  // convolution's outputs, per channel.
  torch::Tensor mean = torch::zeros({3}), var = torch::zeros({3});
  {
    torch::NoGradGuard no_grad;
    for (const auto& b : batches) {
      const auto y = model[0]->as<nn::Conv2d>()->forward(b);
      mean += y.mean({0, 2, 3}) / 3;
      var += y.var({0, 2, 3}, /*unbiased=*/true) / 3;
    }
  }
  auto* bn = model[1]->as<nn::BatchNorm2d>();
  EXPECT_TRUE(torch::allclose(bn->running_mean, mean, 1e-5, 1e-6)) << bn->running_mean << mean;
  EXPECT_TRUE(torch::allclose(bn->running_var, var, 1e-5, 1e-6)) << bn->running_var << var;
  EXPECT_EQ(bn->num_batches_tracked.item<std::int64_t>(), 3);
  EXPECT_EQ(bn->options.momentum(), 0.1);  // the layer's own momentum again
  EXPECT_FALSE(model->is_training());
}

TEST(BatchNormStatistics, FindsBatchNormLayersOnly) {
  nn::Sequential with_bn(nn::Linear(4, 4), nn::BatchNorm1d(4)), layer_norm(nn::Linear(4, 4), nn::LayerNorm(nn::LayerNormOptions({4})));
  EXPECT_TRUE(has_batch_norm(*with_bn));
  EXPECT_FALSE(has_batch_norm(*layer_norm));
}

}  // namespace
