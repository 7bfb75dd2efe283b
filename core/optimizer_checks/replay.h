// `optbench-host replay FILE.json`: runs an optimizer plugin on a golden problem
// (../shared/golden/README.md) and compares every step with the reference trajectory.
#pragma once

#include <string>

#include "plugins/plugin_registry.h"

namespace optbench::core {

// Prints the worst deviation per case; returns the number of failing cases.
int replay_golden(const std::string& path, const PluginRegistry& registry);

}  // namespace optbench::core
