#include "cli/commands.h"

#include <algorithm>
#include <cstdio>

#include "cli/host_options.h"
#include "common/diagnostics.h"
#include "data/data_fetch.h"
#include "data/data_sources.h"

using namespace optbench::core;

namespace optbench::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

Options data_options() {
  po::options_description o("data options");
  o.add_options()
      ("root", po::value<std::string>(), "put the files here instead of the dataset's usual directory")
      ("sources", po::value<std::string>()->default_value(""),
       "a sources file of your own (format: share/optbench/data_sources.toml) instead of the built-in one")
      ("help,h", "show this help");
  return o;
}

int cmd_data(const VariablesMap& vm, const Arguments& args) {
  const std::vector<std::string> subcommands = {"fetch", "list"};
  if (args.empty() || std::find(subcommands.begin(), subcommands.end(), args[0]) == subcommands.end())
    throw UsageError("data needs a subcommand (accepted: " + join(subcommands) + ")" +
                     (args.empty() ? "" : did_you_mean(args[0], subcommands)));
  const std::string file = vm["sources"].as<std::string>().empty() ? default_data_sources_path()
                                                                   : vm["sources"].as<std::string>();
  const std::vector<DataSource> sources = load_data_sources(file);
  if (args[0] == "list") {
    if (args.size() > 1) throw UsageError("data list takes no arguments");
    std::fputs(data_sources_table(sources).c_str(), stdout);
    return 0;
  }
  const std::vector<std::string> names(args.begin() + 1, args.end());
  if (names.empty()) throw UsageError("data fetch needs dataset names (see optbench-host data list)");
  if (vm.count("root") && names.size() > 1) throw UsageError("--root takes one dataset at a time");
  std::vector<const DataSource*> chosen;
  for (const auto& name : names) {
    try {
      chosen.push_back(&find_data_source(sources, name));
    } catch (const std::invalid_argument& e) {
      throw UsageError(file + ": " + e.what());
    }
  }
  for (const DataSource* source : chosen)
    fetch_dataset(*source, vm.count("root") ? vm["root"].as<std::string>() : source->root);
  return 0;
}

}  // namespace optbench::cli
