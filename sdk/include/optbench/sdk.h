// The only header a plugin includes.
//
//   OPTBENCH_PLUGIN("my_family", "1.0.0", [](optbench::Registrar& r) {
//     r.optimizer("my_opt", "what it is; paper").param("lr", 1e-3, "learning rate", optbench::positive)
//         .factory<MyOpt>();
//   })
#pragma once

#include <optbench/fused.h>
#include <optbench/generation.h>
#include <optbench/host.h>
#include <optbench/metrics.h>
#include <optbench/optimizer.h>
#include <optbench/params.h>
#include <optbench/plugin_info.h>
#include <optbench/registrar.h>
#include <optbench/task.h>

#include <torch/version.h>

// Defines the plugin's one exported symbol. The last argument is a captureless
// callable `void(optbench::Registrar&)`; it may contain commas, hence variadic.
#define OPTBENCH_PLUGIN(NAME, VERSION, ...)                                                 \
  extern "C" __attribute__((visibility("default"))) const OptbenchPluginInfo*              \
  optbench_plugin_info() {                                                                 \
    static const OptbenchPluginInfo info{sizeof(OptbenchPluginInfo),                       \
                                         OPTBENCH_SDK_ABI_VERSION,                         \
                                         NAME,                                             \
                                         VERSION,                                          \
                                         TORCH_VERSION,                                    \
                                         _GLIBCXX_USE_CXX11_ABI,                           \
                                         +(__VA_ARGS__)};                                  \
    return &info;                                                                          \
  }
