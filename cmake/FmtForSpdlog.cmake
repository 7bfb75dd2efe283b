# LibTorch 2.x ships fmt 11's headers in its include directory, which comes before the system's on
# the compiler's command line; Debian's spdlog 1.10 is compiled against (and links) its own fmt 9,
# and does not compile against fmt 11 ('basic_runtime' is not a member of 'fmt'). Even where a
# spdlog would compile against LibTorch's fmt, its library would still call the fmt it was built
# with. So the fmt that spdlog was built for must win: a directory holding only a link to that
# fmt's headers goes first on every target's include path. LibTorch's public headers that we
# include do not use fmt (only its CUDA tunable-GEMM and MPS internals do), so they see no change.
# A spdlog with its own bundled fmt (SPDLOG_FMT_EXTERNAL off) needs nothing.
if(TARGET fmt::fmt)
  get_target_property(fmt_include_dirs fmt::fmt INTERFACE_INCLUDE_DIRECTORIES)
  find_path(OPTBENCH_SPDLOG_FMT_DIR fmt/format.h HINTS ${fmt_include_dirs} NO_CMAKE_PATH NO_CMAKE_ENVIRONMENT_PATH)
  if(NOT OPTBENCH_SPDLOG_FMT_DIR)
    message(FATAL_ERROR "spdlog uses an external fmt, whose fmt/format.h was not found")
  endif()
  set(fmt_first_dir ${CMAKE_BINARY_DIR}/include-spdlog-fmt)
  file(MAKE_DIRECTORY ${fmt_first_dir})
  file(CREATE_LINK ${OPTBENCH_SPDLOG_FMT_DIR}/fmt ${fmt_first_dir}/fmt SYMBOLIC)
  include_directories(BEFORE SYSTEM ${fmt_first_dir})
  message(STATUS "fmt for spdlog: ${OPTBENCH_SPDLOG_FMT_DIR}/fmt (${fmt_VERSION}), ahead of LibTorch's")
endif()
