// For tests that load the in-tree plugins into their own process and call components directly:
// one registry of every plugin built (OPTBENCH_PLUGIN_DIR), and parameters resolved from TOML
// exactly as the host resolves an experiment's tables.
#pragma once

#include <toml++/toml.h>

#include <stdexcept>
#include <string>

#include "common/toml_params.h"
#include "plugins/plugin_registry.h"

namespace optbench::testing {

inline const core::PluginRegistry& in_tree_plugins() {
  static core::PluginRegistry* registry = [] {
    auto* r = new core::PluginRegistry;  // never unloaded: components may outlive static destruction
    for (const char* kind : {"/datasets", "/models", "/tasks", "/optimizers"})
      r->load_directory(std::string(OPTBENCH_PLUGIN_DIR) + kind, {});
    return r;
  }();
  return *registry;
}

// `toml_text` holds the component's table, e.g. "width = 4\n".
inline Params params_of(Kind kind, const std::string& name, const std::string& toml_text) {
  const core::CatalogEntry* entry = in_tree_plugins().find(kind, name);
  if (entry == nullptr) throw std::runtime_error("no in-tree plugin component '" + name + "'");
  const auto table = toml::parse(toml_text);
  core::ResolveOptions options;
  options.file = "test";
  options.section = "[" + name + "]";
  options.catalog = &in_tree_plugins();
  return core::resolve_params(&table, *entry->schema, options);
}

}  // namespace optbench::testing
