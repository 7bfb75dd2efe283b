#include "plugins/plugin_search.h"

#include <toml++/toml.h>

#include <cstdlib>
#include <sstream>

#include "common/diagnostics.h"
#include "common/toml_params.h"

namespace fs = std::filesystem;

namespace optbench::core {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

fs::path default_config_path() {
  if (auto explicit_path = env("OPTBENCH_HOST_CONFIG"); !explicit_path.empty()) return explicit_path;
  fs::path base = env("XDG_CONFIG_HOME");
  if (base.empty() && !env("HOME").empty()) base = fs::path(env("HOME")) / ".config";
  if (base.empty()) return {};
  fs::path candidate = base / "optbench" / "host.toml";
  return fs::exists(candidate) ? candidate : fs::path{};
}

std::vector<fs::path> path_list(const toml::table& plugins, const char* key, const fs::path& file) {
  std::vector<fs::path> out;
  const toml::node* node = plugins.get(key);
  if (!node) return out;
  const toml::array* array = node->as_array();
  if (!array)
    throw ConfigError(location_of(*node, file.string()),
                      std::string("[plugins] ") + key + " must be an array of directory paths");
  for (const auto& element : *array) {
    auto s = element.value<std::string>();
    if (!element.is_string())
      throw ConfigError(location_of(element, file.string()),
                        std::string("[plugins] ") + key + ": expected directory paths (strings)");
    fs::path p = *s;
    if (p.is_relative()) p = file.parent_path() / p;  // relative to the config file
    out.push_back(fs::weakly_canonical(p));
  }
  return out;
}

}  // namespace

PluginSearch resolve_plugin_search(const std::vector<std::string>& flag_dirs,
                                   const std::string& config_file, const fs::path& executable_dir) {
  PluginSearch search;
  for (const auto& d : flag_dirs) search.directories.push_back({fs::weakly_canonical(d), "--plugin-dir"});
  std::stringstream env_path(env("OPTBENCH_PLUGIN_PATH"));
  for (std::string d; std::getline(env_path, d, ':');)
    if (!d.empty()) search.directories.push_back({fs::weakly_canonical(d), "OPTBENCH_PLUGIN_PATH"});

  const fs::path config = config_file.empty() ? default_config_path() : fs::path(config_file);
  if (!config.empty()) {
    if (!fs::is_regular_file(config))
      throw ConfigError({config.string()}, "host config file does not exist");
    search.config_file = config.string();
    toml::table root;
    try {
      root = toml::parse_file(config.string());
    } catch (const toml::parse_error& e) {
      throw ConfigError({config.string(), static_cast<int>(e.source().begin.line),
                         static_cast<int>(e.source().begin.column)},
                        "invalid TOML: " + std::string(e.description()));
    }
    for (const auto& [key, node] : root) {
      if (key.str() != "plugins")
        throw ConfigError(location_of(key, config.string()),
                          "unknown key '" + std::string(key.str()) + "' in host config" +
                              did_you_mean(std::string(key.str()), {"plugins"}) + " (accepted: plugins)");
    }
    if (const toml::node* node = root.get("plugins")) {
      const toml::table* plugins = node->as_table();
      if (!plugins) throw ConfigError(location_of(*node, config.string()), "'plugins' must be a table");
      for (const auto& [key, value] : *plugins) {
        const std::string k(key.str());
        if (k != "enabled" && k != "disabled")
          throw ConfigError(location_of(key, config.string()),
                            "unknown key '" + k + "' in [plugins]" + did_you_mean(k, {"enabled", "disabled"}) +
                                " (accepted: enabled, disabled)");
      }
      for (const auto& p : path_list(*plugins, "enabled", config))
        search.directories.push_back({p, "config " + config.string()});
      search.disabled = path_list(*plugins, "disabled", config);
    }
  }

  // Build and install trees alike: bin/optbench-host beside lib/optbench/plugins/.
  const fs::path builtin = executable_dir / ".." / "lib" / "optbench" / "plugins";
  if (fs::is_directory(builtin)) search.directories.push_back({fs::weakly_canonical(builtin), "default"});
  return search;
}

}  // namespace optbench::core
