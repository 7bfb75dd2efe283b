// What several commands share: their option groups, the experiment overrides of the command line,
// loading the plugins on the search path, and how to start this host again (workers, array tasks).
#pragma once

#include <boost/program_options.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "experiment/experiment.h"
#include "plugins/plugin_registry.h"
#include "plugins/plugin_search.h"
#include "scale/run_jobs.h"

namespace optbench::cli {

// A mistake on the command line: optbench-host says so with a pointer to --help, exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

boost::program_options::options_description plugin_options();
boost::program_options::options_description override_options();
std::vector<std::string> split_commas(const std::string& s);
// The command line's overrides of the experiment file; --optimizers all names every loaded one.
core::Overrides overrides_from(const boost::program_options::variables_map& vm, const core::PluginRegistry& registry);
core::PluginSearch plugin_search(const boost::program_options::variables_map& vm);
// Loads every plugin on the search path; refusals are logged, one line each.
std::unique_ptr<core::PluginRegistry> load_plugins(const core::PluginSearch& search, bool log_refusals = true);
std::unique_ptr<core::PluginRegistry> load_plugins(const boost::program_options::variables_map& vm);
// This host with the same plugin options: how workers and array tasks start.
core::HostCommand host_command(const boost::program_options::variables_map& vm);

}  // namespace optbench::cli
