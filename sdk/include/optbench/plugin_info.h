// The plugin entry point: one extern "C" function returning a plain struct
// (the shape of LLVM's PassPluginLibraryInfo). Torch-free on purpose: the host
// reads it before it trusts anything else in the library.
#pragma once

#include <cstdint>

// Bump when any SDK type that crosses the plugin boundary changes layout or
// meaning. The host refuses plugins built against another value.
// 2: DataSpec gained vocabulary and pad_id. 3: parameter roles (ParamGroup::roles,
// Model::output_parameters), the optimizer's train()/eval() hooks and planned steps,
// Capabilities::evaluation_weights.
#define OPTBENCH_SDK_ABI_VERSION 3u

// The one symbol every plugin exports.
#define OPTBENCH_ENTRY_SYMBOL "optbench_plugin_info"

namespace optbench {
inline namespace v1 {
class Registrar;
}  // namespace v1
}  // namespace optbench

extern "C" {
struct OptbenchPluginInfo {
  std::uint32_t struct_size;      // sizeof(OptbenchPluginInfo) as the plugin saw it
  std::uint32_t sdk_abi_version;  // OPTBENCH_SDK_ABI_VERSION at plugin build time
  const char* name;               // plugin (family) name, e.g. "adam_family"
  const char* version;            // plugin version, e.g. "1.0.0"
  const char* torch_version;      // TORCH_VERSION the plugin was compiled against
  std::int32_t cxx11_abi;         // _GLIBCXX_USE_CXX11_ABI at plugin build time
  void (*register_components)(optbench::Registrar&);
};
}
