// A host built against a LibTorch with CUDA: the CUDA, cuDNN and NCCL versions it was built with,
// and the devices visible here (none on a machine without a GPU or driver, which is no error).
#include <ATen/cuda/CUDAContext.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <c10/cuda/CUDAFunctions.h>
#include <cuda_runtime_api.h>
#include <torch/csrc/cuda/nccl.h>

#include <cstdint>
#include <cstdio>

#include "training/device_info.h"

namespace optbench::core {
namespace {

// cuDNN 9 encodes its version as MAJOR*10000 + MINOR*100 + PATCH (CUDA as MAJOR*1000 + MINOR*10).
std::string cudnn_version(long v) {
  return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." + std::to_string(v % 100);
}

std::string nccl_version() {
  // LibTorch packs it as MAJOR << 32 | MINOR << 16 | PATCH.
  const std::uint64_t v = torch::cuda::nccl::version();
  return std::to_string(v >> 32) + "." + std::to_string(v >> 16 & 0xffff) + "." + std::to_string(v & 0xffff);
}

std::string device_list() {
  const int count = c10::cuda::device_count();  // 0, without an error, where no driver or GPU is
  if (count == 0) return "none visible";
  std::string out = std::to_string(count);
  for (int i = 0; i < count; ++i) {
    const cudaDeviceProp* p = at::cuda::getDeviceProperties(i);
    char memory[32];
    std::snprintf(memory, sizeof memory, "%.1f GiB", p->totalGlobalMem / 1073741824.0);
    out += std::string(i == 0 ? ", " : "; ") + p->name + " (sm_" + std::to_string(p->major) +
           std::to_string(p->minor) + ", " + memory + ")";
  }
  return out;
}

}  // namespace

std::string accelerator_description() {
  const auto& hooks = at::detail::getCUDAHooks();
  const long cuda = hooks.versionCUDART();
  return "CUDA " + std::to_string(cuda / 1000) + "." + std::to_string(cuda / 10 % 100) + " (cuDNN " +
         cudnn_version(hooks.versionCuDNN()) + ", NCCL " + nccl_version() + "); devices: " + device_list();
}

}  // namespace optbench::core
