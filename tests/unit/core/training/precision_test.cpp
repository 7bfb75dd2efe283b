// [training] precision and kernel choices: what each setting does to LibTorch's state, and the
// line details.txt gets.
#include <gtest/gtest.h>

#include <ATen/autocast_mode.h>

#include "training/precision.h"

using namespace optbench::core;

namespace {

TrainingSpec training(const std::string& precision) {
  TrainingSpec t;
  t.precision = precision;
  return t;
}

}  // namespace

TEST(Precision, Bf16AutocastHoldsOnlyInsideItsScope) {
  const torch::Tensor a = torch::randn({4, 8}), b = torch::randn({8, 3});
  {
    const AutocastScope autocast(training("bf16"), torch::kCPU);
    EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kBFloat16);  // matmuls in bf16
    const torch::Tensor labels = torch::tensor({0, 2, 1, 0});
    EXPECT_EQ(torch::cross_entropy_loss(torch::mm(a, b), labels).scalar_type(), torch::kFloat32);  // losses in fp32
    {
      const AutocastScope nested(training("bf16"), torch::kCPU);
      EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kBFloat16);
    }
    EXPECT_TRUE(at::autocast::is_autocast_enabled(at::kCPU)) << "the inner scope restores the outer one";
  }
  EXPECT_FALSE(at::autocast::is_autocast_enabled(at::kCPU));
  EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kFloat32);
  for (const char* other : {"fp32", "tf32"}) {
    const AutocastScope autocast(training(other), torch::kCPU);
    EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kFloat32) << other;
  }
}

TEST(Precision, KernelChoicesSetLibTorchsFlags) {
  auto& context = at::globalContext();
  TrainingSpec t = training("tf32");
  t.cudnn_benchmark = true;
  apply_kernel_choices(t);
  EXPECT_TRUE(context.allowTF32CuBLAS());
  EXPECT_TRUE(context.allowTF32CuDNN());
  EXPECT_TRUE(context.benchmarkCuDNN());
  EXPECT_FALSE(context.deterministicAlgorithms());
  t = training("fp32");
  t.deterministic = true;
  apply_kernel_choices(t);
  EXPECT_FALSE(context.allowTF32CuBLAS());
  EXPECT_FALSE(context.allowTF32CuDNN());
  EXPECT_FALSE(context.benchmarkCuDNN());
  EXPECT_TRUE(context.deterministicAlgorithms());
  EXPECT_TRUE(context.deterministicCuDNN());
  ASSERT_NE(std::getenv("CUBLAS_WORKSPACE_CONFIG"), nullptr);
  EXPECT_STREQ(std::getenv("CUBLAS_WORKSPACE_CONFIG"), ":4096:8");
  EXPECT_EQ(kernel_choices_text(t, torch::kCPU),
            "precision fp32 (TF32 off), channels_last off, cuDNN benchmark off, deterministic on (deterministic "
            "algorithms and cuDNN, CUBLAS_WORKSPACE_CONFIG=:4096:8)");
  apply_kernel_choices(training("fp32"));
  EXPECT_FALSE(context.deterministicAlgorithms());
  t = training("bf16");
  t.channels_last = true;
  EXPECT_EQ(kernel_choices_text(t, torch::Device(torch::kCUDA, 0)),
            "precision bf16 (autocast to bfloat16 on cuda), channels_last on, cuDNN benchmark off, deterministic off");
  EXPECT_EQ(kernel_choices_text(training("tf32"), torch::kCPU),
            "precision tf32 (no effect on CPU), channels_last off, cuDNN benchmark off, deterministic off");
}

TEST(Precision, ChannelsLastStoresConvolutionWeightsNhwc) {
  torch::nn::Sequential model(torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 4, 3)), torch::nn::Flatten(),
                              torch::nn::Linear(4 * 6 * 6, 2));
  EXPECT_TRUE(has_convolutions(*model));
  to_channels_last(*model);
  for (const auto& p : model->parameters()) {
    if (p.dim() == 4) EXPECT_TRUE(p.is_contiguous(at::MemoryFormat::ChannelsLast));
    else EXPECT_TRUE(p.is_contiguous());
  }
  torch::nn::Linear mlp(8, 2);
  EXPECT_FALSE(has_convolutions(*mlp));
}

TEST(Precision, CudnnDisabledScopeRestoresTheSetting) {
  auto& context = at::globalContext();
  ASSERT_TRUE(context.userEnabledCuDNN());
  {
    const CudnnDisabledScope no_cudnn;
    EXPECT_FALSE(context.userEnabledCuDNN());
  }
  EXPECT_TRUE(context.userEnabledCuDNN());
}
