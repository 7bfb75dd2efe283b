// What the host uses of an accelerator beyond tensors on it: a description for --version, the
// device a process trains on, its peak memory, and its generators' states for checkpoints.
// Implemented by cuda/device.cpp when LibTorch has CUDA, else by without_cuda.cpp (CPU only).
#pragma once

#include <torch/torch.h>

#include <optional>
#include <string>
#include <vector>

namespace optbench::core {

// e.g. "CUDA 13.0 (cuDNN 9.19.0, NCCL 2.28.9); devices: 1, NVIDIA H200 (sm_90, 139.8 GiB)"
// or "CPU only".
std::string accelerator_description();

// The GPUs visible to this process (0 without CUDA, a driver or a GPU).
int cuda_device_count();

// Peak device memory since the last reset_peak_memory, in MB (10^6 bytes): what the caching
// allocator handed to tensors, and what it held from the driver (tensors plus its cache).
struct DeviceMemory {
  double peak_allocated_mb = 0, peak_reserved_mb = 0, total_mb = 0;
};
void reset_peak_memory(const torch::Device& device);
// nullopt for the CPU, whose figure is the process's peak resident set.
std::optional<DeviceMemory> peak_memory(const torch::Device& device);
// Returns the allocator's cached blocks to the driver: after an out-of-memory, the next run
// starts from what its tensors need.
void release_cached_memory(const torch::Device& device);

// The state of every CUDA device's default generator, in device order (empty without CUDA), for
// checkpoints: a resumed run draws the same dropout masks and augmentations as an uninterrupted one.
std::vector<torch::Tensor> cuda_generator_states();
void set_cuda_generator_states(const std::vector<torch::Tensor>& states);

}  // namespace optbench::core
