#include "training/precision.h"

#include <ATen/autocast_mode.h>

#include <cstdlib>

namespace optbench::core {

namespace {

// cuBLAS's documented setting for reproducible results (4 MiB buffers, 8 of them).
constexpr const char* kCublasWorkspace = ":4096:8";

const char* on_off(bool b) { return b ? "on" : "off"; }

}  // namespace

void apply_kernel_choices(const TrainingSpec& t) {
  auto& context = at::globalContext();
  // The older setters: they keep LibTorch's old and new TF32 flags in step (setting only the new
  // ones, setFloat32Precision, makes the old getters that kernels still call throw).
  const bool tf32 = t.precision == "tf32";
  context.setAllowTF32CuBLAS(tf32);
  context.setAllowTF32CuDNN(tf32);
  context.setBenchmarkCuDNN(t.cudnn_benchmark);
  context.setDeterministicCuDNN(t.deterministic);
  context.setDeterministicAlgorithms(t.deterministic, /*warn_only=*/false);
  if (t.deterministic) setenv("CUBLAS_WORKSPACE_CONFIG", kCublasWorkspace, /*overwrite=*/0);
}

std::string kernel_choices_text(const TrainingSpec& t, const torch::Device& device) {
  std::string precision = "precision " + t.precision;
  if (t.precision == "fp32") precision += " (TF32 off)";
  if (t.precision == "tf32") precision += device.is_cuda() ? " (TF32 matmuls and convolutions)" : " (no effect on CPU)";
  if (t.precision == "bf16") precision += std::string(" (autocast to bfloat16 on ") + (device.is_cuda() ? "cuda" : "cpu") + ")";
  std::string deterministic = std::string("deterministic ") + on_off(t.deterministic);
  if (t.deterministic) {
    const char* workspace = std::getenv("CUBLAS_WORKSPACE_CONFIG");
    deterministic += std::string(" (deterministic algorithms and cuDNN, CUBLAS_WORKSPACE_CONFIG=") +
                     (workspace ? workspace : "") + ")";
  }
  return precision + ", channels_last " + on_off(t.channels_last) + ", cuDNN benchmark " +
         on_off(t.cudnn_benchmark) + ", " + deterministic;
}

AutocastScope::AutocastScope(const TrainingSpec& training, const torch::Device& device)
    : type_(device.type()), on_(training.precision == "bf16") {
  if (!on_) return;
  was_enabled_ = at::autocast::is_autocast_enabled(type_);
  previous_dtype_ = at::autocast::get_autocast_dtype(type_);
  at::autocast::set_autocast_dtype(type_, at::kBFloat16);
  at::autocast::set_autocast_enabled(type_, true);
  at::autocast::increment_nesting();
}

AutocastScope::~AutocastScope() {
  if (!on_) return;
  // The bf16 copies of the weights cached for this forward pass are stale after the step.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  at::autocast::set_autocast_enabled(type_, was_enabled_);
  at::autocast::set_autocast_dtype(type_, previous_dtype_);
}

void to_channels_last(torch::nn::Module& model) {
  torch::NoGradGuard no_grad;
  for (auto& p : model.parameters())
    if (p.dim() == 4) p.set_data(p.data().contiguous(at::MemoryFormat::ChannelsLast));
  for (auto& b : model.buffers())
    if (b.dim() == 4) b.set_data(b.data().contiguous(at::MemoryFormat::ChannelsLast));
}

bool has_convolutions(torch::nn::Module& model) {
  for (const auto& p : model.parameters())
    if (p.dim() == 4) return true;
  return false;
}

CudnnDisabledScope::CudnnDisabledScope() : was_enabled_(at::globalContext().userEnabledCuDNN()) {
  at::globalContext().setUserEnabledCuDNN(false);
}

CudnnDisabledScope::~CudnnDisabledScope() { at::globalContext().setUserEnabledCuDNN(was_enabled_); }

}  // namespace optbench::core
