// What this host's LibTorch can compute on, for `optbench-host --version`: CPU only, or CUDA with
// its library versions and the devices visible here. Implemented by cuda/device_info.cpp when
// LibTorch has CUDA, else by device_info_cpu.cpp.
#pragma once

#include <string>

namespace optbench::core {

// e.g. "CUDA 13.0 (cuDNN 9.19.0, NCCL 2.28.9); devices: 1, NVIDIA H200 (sm_90, 139.8 GiB)"
// or "CPU only".
std::string accelerator_description();

}  // namespace optbench::core
