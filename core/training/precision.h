// [training] precision, channels_last, cudnn_benchmark and deterministic: the numeric formats and
// kernel choices of a run. LibTorch keeps most of them process-wide (one experiment per process);
// autocast is per thread and scoped to forward passes.
#pragma once

#include <torch/torch.h>

#include <string>

#include "experiment/experiment.h"

namespace optbench::core {

// TF32 for CUDA matmuls and convolutions ("tf32" only: "fp32" means IEEE fp32 everywhere, though
// PyTorch's own default lets cuDNN convolutions use TF32), cuDNN autotuning, and deterministic
// algorithms with cuDNN's deterministic kernels and a fixed cuBLAS workspace
// (CUBLAS_WORKSPACE_CONFIG, set before the first cuBLAS call unless the user set it).
void apply_kernel_choices(const TrainingSpec& training);

// One line for details.txt, e.g. "precision bf16 (autocast on cuda), channels_last on, ...".
std::string kernel_choices_text(const TrainingSpec& training, const torch::Device& device);

// precision = "bf16": while alive, this thread's operators on `device` run under autocast to
// bfloat16 (matmuls and convolutions in bf16; reductions, softmax and losses in fp32, by
// LibTorch's autocast lists). Nothing otherwise. Backward passes run outside it, as in PyTorch.
class AutocastScope {
 public:
  AutocastScope(const TrainingSpec& training, const torch::Device& device);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  c10::DeviceType type_;
  bool on_;
  bool was_enabled_ = false;
  at::ScalarType previous_dtype_ = at::kFloat;
};

// The model's 4-D parameters and buffers (convolution weights) stored channels-last (NHWC).
void to_channels_last(torch::nn::Module& model);

// True when the model has a 4-D parameter, i.e. a 2-D convolution that channels_last speeds up.
bool has_convolutions(torch::nn::Module& model);

// Disables cuDNN while alive: double backward through cuDNN's RNN kernels is not implemented
// (Hessian-vector products of recurrent models on CUDA).
class CudnnDisabledScope {
 public:
  CudnnDisabledScope();
  ~CudnnDisabledScope();
  CudnnDisabledScope(const CudnnDisabledScope&) = delete;
  CudnnDisabledScope& operator=(const CudnnDisabledScope&) = delete;

 private:
  bool was_enabled_;
};

}  // namespace optbench::core
