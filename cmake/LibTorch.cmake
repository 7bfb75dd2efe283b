# Finds LibTorch (>= 2.4, one supported line) and, where it was built with CUDA, the CUDA toolkit.
#
# By default LibTorch is the torch wheel that scripts/install-deps.sh installs into .venv/ (its
# CMake package is where torch.utils.cmake_prefix_path says). Any other LibTorch, a libtorch zip or
# another environment's wheel, is taken instead when given with -DCMAKE_PREFIX_PATH=... or
# -DTorch_DIR=...: those are searched before the .venv/ default.
#
# Sets OPTBENCH_CUDA (ON when LibTorch has CUDA and nvcc was found): the CUDA-only sources are built
# then, also on machines without a GPU, so that CI compiles and links them. A CPU-only LibTorch
# leaves them out.
set(OPTBENCH_PYTHON "${PROJECT_SOURCE_DIR}/.venv/bin/python3" CACHE FILEPATH
    "Python whose torch package provides LibTorch when neither Torch_DIR nor CMAKE_PREFIX_PATH names one")
if(EXISTS "${OPTBENCH_PYTHON}")
  execute_process(COMMAND "${OPTBENCH_PYTHON}" -c "import torch.utils; print(torch.utils.cmake_prefix_path)"
    OUTPUT_VARIABLE torch_prefix OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE torch_rc ERROR_QUIET)
  if(torch_rc EQUAL 0)
    list(APPEND CMAKE_PREFIX_PATH "${torch_prefix}")
  endif()
endif()

# LibTorch's config finds the CUDA toolkit itself when LibTorch has CUDA; nvcc is often not on PATH.
if(NOT CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX} AND EXISTS /usr/local/cuda/bin/nvcc)
  set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
endif()
# Without a GPU to detect, LibTorch's config would guess the architectures and warn; the GPU this
# project measures on is an H200 (sm_90). Set TORCH_CUDA_ARCH_LIST for other GPUs.
if(NOT DEFINED TORCH_CUDA_ARCH_LIST AND NOT DEFINED ENV{TORCH_CUDA_ARCH_LIST})
  set(TORCH_CUDA_ARCH_LIST "9.0")
endif()

# LibTorch's config warns about two things of its own, which need no action: it ignores
# CMAKE_CUDA_ARCHITECTURES (TORCH_CUDA_ARCH_LIST rules), and a pip wheel has no separate kineto.
find_package(Torch 2.4 QUIET)
if(NOT Torch_FOUND)
  set(considered "")
  if(Torch_CONSIDERED_VERSIONS)  # e.g. a build directory configured earlier against LibTorch 1.13
    set(considered " (considered: ${Torch_CONSIDERED_CONFIGS}, versions ${Torch_CONSIDERED_VERSIONS}; a build "
      "directory configured against another LibTorch keeps its Torch_DIR: configure a fresh one)")
  endif()
  message(FATAL_ERROR "LibTorch >= 2.4 was not found${considered}. Run scripts/install-deps.sh (it installs "
    "the torch wheel into .venv/), or point CMake at another LibTorch with "
    "-DCMAKE_PREFIX_PATH=/path/to/libtorch or -DTorch_DIR=/path/to/share/cmake/Torch.")
endif()
message(STATUS "LibTorch ${Torch_VERSION}: ${Torch_DIR}")

# LibTorch's config enables CUDA itself (nvcc, the toolkit) when LibTorch was built with it.
if(CAFFE2_USE_CUDA)
  set(OPTBENCH_CUDA ON)
  message(STATUS "LibTorch has CUDA (toolkit ${CUDAToolkit_VERSION}): building the CUDA sources")
elseif(DEFINED ENV{CI})
  message(FATAL_ERROR "CI builds the CUDA sources: LibTorch ${Torch_VERSION} at ${Torch_DIR} has no CUDA, or "
    "LibTorch's config did not find the CUDA toolkit (see its messages above)")
else()
  set(OPTBENCH_CUDA OFF)
  message(STATUS "LibTorch without CUDA: the CUDA sources are left out")
endif()

# The torch wheels' libtorch.so is built with a newer GCC toolset against an older libstdc++, and
# carries and exports its own copies of libstdc++'s std::filesystem functions. Found before
# libstdc++.so.6 in a program's libraries, they interpose the system's for the whole process, and
# crash (std::filesystem::remove_all jumps to address 0 with Debian 12's GCC 12 libstdc++). With
# libstdc++ first among each program's needed libraries, the dynamic linker resolves them there.
add_link_options("LINKER:--push-state,--no-as-needed" -lstdc++ "LINKER:--pop-state")
