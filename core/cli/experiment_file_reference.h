// The generated part of docs/experiment-file.md (`optbench-host describe --markdown`): every table
// and key an experiment file accepts, from the schemas the host validates files against (its own
// tables and every loaded component's), so that the reference cannot drift from the code.
#pragma once

#include <string>

#include "plugins/plugin_registry.h"

namespace optbench::cli {

std::string experiment_file_reference(const core::PluginRegistry& registry);

}  // namespace optbench::cli
