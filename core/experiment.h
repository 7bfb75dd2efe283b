// An experiment file (TOML) parsed and validated against the loaded plugins'
// schemas. Everything a run needs is checked here, before any training starts.
#pragma once

#include <optbench/params.h>

#include <optional>
#include <string>
#include <vector>

#include "catalog.h"

namespace optbench::core {

struct Selection {
  std::string name;
  Params params;  // complete: every schema parameter has a value
};

struct TrainingSpec {
  std::int64_t epochs = 0;
  std::int64_t batch_size = 0;
  std::int64_t eval_batch_size = 0;
  std::vector<std::int64_t> seeds;
  std::int64_t threads = 0;  // 0: one per core
  std::string device;
  std::int64_t num_workers = 0;
  std::int64_t log_every_steps = 0;
  std::vector<std::string> exclude_from_weight_decay;
};

// Set only where the experiment overrides the task's default policy.
struct PolicyOverrides {
  std::optional<std::string> scheduler;
  std::optional<double> warmup_epochs;
  std::optional<std::int64_t> early_stopping_patience;
  std::optional<double> max_grad_norm;
  std::optional<double> label_smoothing;
};

struct Experiment {
  std::string file;
  std::string name;
  std::string output_dir;
  Selection task, dataset, model;
  std::int64_t max_samples = 0;  // 0: all
  double validation_fraction = 0;
  TrainingSpec training;
  PolicyOverrides policy;
  std::vector<Selection> optimizers;  // in the order given
};

// Command-line overrides of the common keys, applied before validation.
struct Overrides {
  std::optional<std::int64_t> epochs, max_samples, batch_size, threads;
  std::optional<std::vector<std::string>> optimizers;
  std::optional<std::vector<std::int64_t>> seeds;
  std::optional<std::string> output_dir, device;
};

// Throws ConfigError (all problems found, one per line) naming file, line, column and key.
Experiment load_experiment(const std::string& path, const Catalog& catalog,
                           const Overrides& overrides = {});

// Sets an optimizer's learning rate: its `lr`, or for a wrapper without one (SAM) its base
// optimizer's `lr`. Returns false if neither exists. `lr` is checked against the bounds.
bool set_learning_rate(Params& params, const Schema& schema, double lr, const Catalog& catalog);

// The host's own schema of [training] (shared with `describe` and the docs).
const Schema& training_schema();

}  // namespace optbench::core
