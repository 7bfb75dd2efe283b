# optbench_add_plugin(<name> SOURCES <src>... [KERNELS <src>...]
#                     [KIND <datasets|models|tasks|optimizers>])
#
# Builds one plugin: a MODULE library with hidden visibility linked to the SDK
# and LibTorch, exporting only the OPTBENCH_PLUGIN entry symbol (a version script). Used by the
# in-tree plugins and by third parties (find_package(optbench_sdk)) alike.
#
# KERNELS are torch-free sources of fused update loops over raw pointers: they are
# compiled with -fno-math-errno, so that loops calling std::sqrt vectorise, and
# -fopenmp-simd, so that `#pragma omp simd reduction(...)` vectorises sums (no OpenMP
# runtime), -ffp-contract=off, so that a*b+c rounds twice as in the reference kernels
# (write std::fma where they fuse; see OPTBENCH_FMA_CLONES in optbench/kernel.h), and
# without the precompiled LibTorch header (which those flags invalidate).
#
# In-tree builds set OPTBENCH_PLUGIN_OUTPUT_DIR (plugins land in <dir>/<KIND>/)
# and OPTBENCH_PCH_TARGET (a target whose LibTorch precompiled header is reused).
function(optbench_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "KIND" "SOURCES;KERNELS")
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "optbench_add_plugin(${name}): SOURCES is required")
  endif()
  add_library(${name} MODULE ${arg_SOURCES} ${arg_KERNELS})
  if(arg_KERNELS)
    set_source_files_properties(${arg_KERNELS} PROPERTIES
      SKIP_PRECOMPILE_HEADERS ON COMPILE_OPTIONS "-fno-math-errno;-fopenmp-simd;-ffp-contract=off")
  endif()
  target_link_libraries(${name} PRIVATE optbench::sdk)
  # Export the entry symbol alone. Instantiations of std:: templates keep default visibility even
  # under -fvisibility=hidden, and LibTorch's CUDA libraries export their own copies of some (e.g.
  # cuSPARSELt's std::vector<long>::emplace_back): exported, the plugin's calls would bind to those.
  set(exports "${CMAKE_BINARY_DIR}/optbench_plugin_exports.map")
  file(CONFIGURE OUTPUT "${exports}" CONTENT "{ global: optbench_plugin_info; local: *; };\n")
  target_link_options(${name} PRIVATE "LINKER:--version-script=${exports}")
  set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS "${exports}")
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  if(OPTBENCH_PLUGIN_OUTPUT_DIR)
    set(dir "${OPTBENCH_PLUGIN_OUTPUT_DIR}")
    if(arg_KIND)
      set(dir "${dir}/${arg_KIND}")
    endif()
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${dir}")
  endif()
  if(OPTBENCH_PCH_TARGET)
    target_precompile_headers(${name} REUSE_FROM ${OPTBENCH_PCH_TARGET})
  endif()
  if(COMMAND optbench_install_plugin)
    optbench_install_plugin(${name} "${arg_KIND}")
  endif()
endfunction()
