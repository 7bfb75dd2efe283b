// Where plugins are looked for, in order: --plugin-dir flags, OPTBENCH_PLUGIN_PATH,
// the host config's [plugins] enabled list, then the build/install default.
// The config's [plugins] disabled list switches whole directories off.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace optbench::core {

struct PluginSearch {
  struct Dir {
    std::filesystem::path path;
    std::string origin;  // "--plugin-dir", "OPTBENCH_PLUGIN_PATH", "config FILE", "default"
  };
  std::vector<Dir> directories;
  std::vector<std::filesystem::path> disabled;
  std::string config_file;  // the host config that was read, if any
  bool allow_insecure = false;  // --allow-insecure-plugins
};

// `config_file` empty: OPTBENCH_HOST_CONFIG, then $XDG_CONFIG_HOME/optbench/host.toml
// (or ~/.config/optbench/host.toml) if it exists. Throws ConfigError for a bad config.
PluginSearch resolve_plugin_search(const std::vector<std::string>& flag_dirs,
                                   const std::string& config_file,
                                   const std::filesystem::path& executable_dir);

}  // namespace optbench::core
