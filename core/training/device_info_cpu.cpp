// A host built against a LibTorch without CUDA.
#include "training/device_info.h"

namespace optbench::core {

std::string accelerator_description() { return "CPU only (this LibTorch has no CUDA)"; }

}  // namespace optbench::core
