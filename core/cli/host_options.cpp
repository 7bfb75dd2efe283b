#include "cli/host_options.h"

#include <spdlog/spdlog.h>

#include <boost/dll/runtime_symbol_info.hpp>

#include <optional>

using namespace optbench::core;

namespace optbench::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

po::options_description plugin_options() {
  po::options_description o("plugin options");
  o.add_options()
      ("plugin-dir", po::value<std::vector<std::string>>()->composing(),
       "search this directory for plugins (repeatable; before OPTBENCH_PLUGIN_PATH, the host config and the default)")
      ("config", po::value<std::string>()->default_value(""),
       "host config file with [plugins] enabled/disabled (default: $OPTBENCH_HOST_CONFIG or ~/.config/optbench/host.toml)")
      ("allow-insecure-plugins", "load plugin files even when users other than you or root could have replaced them")
      ("help,h", "show this help");
  return o;
}

po::options_description override_options() {
  po::options_description o("overrides of the experiment file");
  o.add_options()
      ("epochs", po::value<std::int64_t>(), "[training] epochs")
      ("optimizers", po::value<std::string>(), "comma-separated optimizer names, or all")
      ("seeds", po::value<std::string>(), "comma-separated seeds")
      ("max-samples", po::value<std::int64_t>(), "[dataset] max_samples")
      ("batch-size", po::value<std::int64_t>(), "[training] batch_size")
      ("threads", po::value<std::int64_t>(), "[training] threads (0 = one per core)")
      ("device", po::value<std::string>(), "[training] device")
      ("output-dir", po::value<std::string>(), "output_dir");
  return o;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t end = std::min(s.find(',', start), s.size());
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Overrides overrides_from(const po::variables_map& vm, const PluginRegistry& registry) {
  Overrides o;
  auto count = [&](const char* option, std::int64_t least) -> std::optional<std::int64_t> {
    if (!vm.count(option)) return std::nullopt;
    const auto x = vm[option].as<std::int64_t>();
    if (x < least)
      throw UsageError(std::string("--") + option + ": value " + std::to_string(x) + " is out of range; accepted: [" +
                       std::to_string(least) + ", inf)");
    return x;
  };
  o.epochs = count("epochs", 1);
  o.max_samples = count("max-samples", 0);
  o.batch_size = count("batch-size", 1);
  o.threads = count("threads", 0);
  if (vm.count("device")) o.device = vm["device"].as<std::string>();
  if (vm.count("output-dir")) o.output_dir = vm["output-dir"].as<std::string>();
  if (vm.count("optimizers")) {
    const std::string v = vm["optimizers"].as<std::string>();
    o.optimizers = v == "all" ? registry.names(Kind::kOptimizer) : split_commas(v);
  }
  if (vm.count("seeds")) {
    std::vector<std::int64_t> seeds;
    for (const auto& s : split_commas(vm["seeds"].as<std::string>())) {
      try {
        std::size_t used = 0;
        seeds.push_back(std::stoll(s, &used));
        if (used != s.size()) throw std::invalid_argument(s);
      } catch (const std::exception&) {
        throw UsageError("--seeds: '" + s + "' is not an integer");
      }
    }
    o.seeds = seeds;
  }
  return o;
}

PluginSearch plugin_search(const po::variables_map& vm) {
  std::vector<std::string> dirs;
  if (vm.count("plugin-dir")) dirs = vm["plugin-dir"].as<std::vector<std::string>>();
  const fs::path exe_dir = boost::dll::program_location().parent_path();
  PluginSearch search = resolve_plugin_search(dirs, vm["config"].as<std::string>(), exe_dir);
  search.allow_insecure = vm.count("allow-insecure-plugins") > 0;
  return search;
}

std::unique_ptr<PluginRegistry> load_plugins(const PluginSearch& search, bool log_refusals) {
  auto registry = std::make_unique<PluginRegistry>();
  registry->allow_insecure_plugins(search.allow_insecure);
  for (const auto& d : search.directories) registry->load_directory(d.path, search.disabled);
  if (log_refusals)
    for (const auto& r : registry->refusals()) spdlog::warn("plugin refused: {}: {}", r.path, r.reason);
  return registry;
}

HostCommand host_command(const po::variables_map& vm) {
  HostCommand host{boost::dll::program_location().string(), {}};
  if (vm.count("plugin-dir"))
    for (const auto& d : vm["plugin-dir"].as<std::vector<std::string>>()) {
      host.plugin_args.push_back("--plugin-dir");
      host.plugin_args.push_back(fs::absolute(d).string());
    }
  if (!vm["config"].as<std::string>().empty()) {
    host.plugin_args.push_back("--config");
    host.plugin_args.push_back(fs::absolute(vm["config"].as<std::string>()).string());
  }
  if (vm.count("allow-insecure-plugins")) host.plugin_args.push_back("--allow-insecure-plugins");
  return host;
}

std::unique_ptr<PluginRegistry> load_plugins(const po::variables_map& vm) { return load_plugins(plugin_search(vm)); }

}  // namespace optbench::cli
