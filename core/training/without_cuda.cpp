// A host built against a LibTorch without CUDA: what it has instead of cuda/.
#include <stdexcept>

#include "training/device.h"
#include "training/step_timer.h"

namespace optbench::core {

std::string accelerator_description() { return "CPU only (this LibTorch has no CUDA)"; }

int cuda_device_count() { return 0; }

void reset_peak_memory(const torch::Device&) {}

std::optional<DeviceMemory> peak_memory(const torch::Device&) { return std::nullopt; }

void release_cached_memory(const torch::Device&) {}

std::vector<torch::Tensor> cuda_generator_states() { return {}; }

void set_cuda_generator_states(const std::vector<torch::Tensor>& states) {
  if (!states.empty())
    throw std::runtime_error("the checkpoint holds CUDA generator states, and this host's LibTorch has no CUDA");
}

std::unique_ptr<StepTimer> make_cuda_event_timer() {
  throw std::logic_error("CUDA step timing in a host built against a LibTorch without CUDA");
}

}  // namespace optbench::core
