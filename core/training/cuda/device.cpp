// A host built against a LibTorch with CUDA: the CUDA, cuDNN and NCCL versions it was built with,
// the devices visible here (none on a machine without a GPU or driver, which is no error), their
// memory statistics and generators.
#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAGeneratorImpl.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <cuda_runtime_api.h>
#include <torch/csrc/cuda/nccl.h>

#include <cstdint>
#include <cstdio>

#include "training/device.h"

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

int cuda_device_count() { return c10::cuda::device_count(); }

namespace {

c10::DeviceIndex index_of(const torch::Device& device) {
  return device.has_index() ? device.index() : c10::cuda::current_device();
}

}  // namespace

void reset_peak_memory(const torch::Device& device) {
  if (device.is_cuda()) c10::cuda::CUDACachingAllocator::resetPeakStats(index_of(device));
}

std::optional<DeviceMemory> peak_memory(const torch::Device& device) {
  if (!device.is_cuda()) return std::nullopt;
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(index_of(device));
  const auto all = static_cast<std::size_t>(c10::CachingAllocator::StatType::AGGREGATE);
  DeviceMemory m;
  m.peak_allocated_mb = stats.allocated_bytes[all].peak / 1e6;
  m.peak_reserved_mb = stats.reserved_bytes[all].peak / 1e6;
  m.total_mb = at::cuda::getDeviceProperties(index_of(device))->totalGlobalMem / 1e6;
  return m;
}

void release_cached_memory(const torch::Device& device) {
  if (device.is_cuda()) c10::cuda::CUDACachingAllocator::emptyCache();
}

std::vector<torch::Tensor> cuda_generator_states() {
  std::vector<torch::Tensor> states;
  for (int i = 0; i < c10::cuda::device_count(); ++i)
    states.push_back(at::cuda::detail::getDefaultCUDAGenerator(static_cast<c10::DeviceIndex>(i)).get_state());
  return states;
}

void set_cuda_generator_states(const std::vector<torch::Tensor>& states) {
  // A checkpoint from a machine with more GPUs: a run draws only from its own device's generator,
  // which is among the first this machine has when it trains on the same index.
  const int n = std::min<int>(static_cast<int>(states.size()), c10::cuda::device_count());
  for (int i = 0; i < n; ++i) {
    at::Generator generator = at::cuda::detail::getDefaultCUDAGenerator(static_cast<c10::DeviceIndex>(i));
    generator.set_state(states[i]);
  }
}

}  // namespace optbench::core
