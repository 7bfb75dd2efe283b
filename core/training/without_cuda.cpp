// A host built against a LibTorch without CUDA: what it has instead of cuda/.
#include <stdexcept>

#include "training/device_info.h"
#include "training/step_timer.h"

namespace optbench::core {

std::string accelerator_description() { return "CPU only (this LibTorch has no CUDA)"; }

std::unique_ptr<StepTimer> make_cuda_event_timer() {
  throw std::logic_error("CUDA step timing in a host built against a LibTorch without CUDA");
}

}  // namespace optbench::core
