// `optbench-host conformance NAME`: the checks any optimizer plugin should pass
// (convergence on analytic problems, exact checkpoint round trip, zero gradients,
// frozen parameters, lr changes, declared gradient evaluations).
#pragma once

#include <string>

#include "plugins/plugin_registry.h"

namespace optbench::core {

// Prints a pass/fail table; returns the number of failed checks.
int run_conformance(const std::string& optimizer, const PluginRegistry& registry);

}  // namespace optbench::core
