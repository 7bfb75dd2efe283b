// Expands an experiment into runs (optimizers x sweep points x seeds), lays them out on disk,
// trains them, and writes the experiment's tables.
#pragma once

#include <nlohmann/json.hpp>

#include "experiment/experiment.h"
#include "experiment/run_plan.h"
#include "plugins/plugin_registry.h"
#include "training/trainer.h"

namespace optbench::core {

// The runs of an experiment and where each goes: OUTPUT_DIR/NAME/ID_HASH, the hash of its
// resolved configuration (a changed configuration is a new run, never a resumed one).
struct ExperimentPlan {
  std::filesystem::path root;  // absolute
  std::vector<PlannedRun> runs;
  std::vector<std::string> configs;  // each run's config.toml
  std::vector<std::filesystem::path> dirs;
  RunSpec spec(std::size_t index) const;
};
ExperimentPlan plan_experiment(const Experiment& experiment, const PluginRegistry& registry);

// experiment.json (what the report reads, and how to rebuild the experiment: a copy of the file in
// source/ and the command-line overrides), and manifest.jsonl, one line per run.
void write_experiment_files(const Experiment& experiment, const Overrides& overrides, const Task& task,
                            const ExperimentPlan& plan);

// Trains run `index` unless it already completed; a failure becomes a "failed" summary.json
// (Interrupted is rethrown). Returns the run's summary.
nlohmann::json run_planned(const Assembly& assembly, const ExperimentPlan& plan, std::size_t index);

// summary.csv, epochs.csv and (with [analysis] cka_samples) cka.json. Returns the number of runs
// that did not complete (failed, diverged or not run).
int finish_experiment(const Assembly& assembly, const ExperimentPlan& plan);

// Every run in this process, one after the other; returns the number not completed. With
// collectives, each run trains data-parallel with the other ranks and only rank 0 writes files.
int run_experiment(const Experiment& experiment, const Overrides& overrides, const PluginRegistry& registry,
                   std::shared_ptr<Collectives> collectives = nullptr);

// The resolved configuration of one run, as TOML (written as the run's config.toml).
std::string resolved_config(const Experiment& experiment, const Selection& optimizer, std::int64_t seed,
                            const PluginRegistry& registry);

nlohmann::json to_json(const Overrides& overrides);
Overrides overrides_from_json(const nlohmann::json& json);

}  // namespace optbench::core
