// Expands an experiment into runs (optimizers x sweep points x seeds), trains each into its own
// directory, and writes the experiment's experiment.json, summary.csv and epochs.csv.
#pragma once

#include "experiment.h"
#include "plugin_registry.h"

namespace optbench::core {

// Returns the number of runs that did not complete (failed or diverged).
int run_experiment(const Experiment& experiment, const PluginRegistry& registry);

// The resolved configuration of one run, as TOML (written as the run's config.toml).
std::string resolved_config(const Experiment& experiment, const Selection& optimizer, std::int64_t seed,
                            const PluginRegistry& registry);

}  // namespace optbench::core
