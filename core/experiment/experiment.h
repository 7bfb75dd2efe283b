// An experiment file (TOML) parsed and validated against the loaded plugins'
// schemas. Everything a run needs is checked here, before any training starts.
#pragma once

#include <optbench/params.h>

#include <optional>
#include <string>
#include <vector>

#include "common/catalog.h"
#include "experiment/host_tables.h"

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
  std::int64_t checkpoint_every_steps = 0;  // 0: at each epoch's end only
  std::vector<std::string> exclude_from_weight_decay;
  // Numeric formats and kernel choices (training/precision.h).
  std::string precision = "fp32";  // fp32 | tf32 | bf16
  bool channels_last = false;
  bool cudnn_benchmark = false;
  bool deterministic = false;
};

// Set only where the experiment overrides the task's default policy.
struct PolicyOverrides {
  std::optional<std::string> scheduler;
  std::optional<double> warmup_epochs;
  std::optional<std::int64_t> early_stopping_patience;
  std::optional<double> max_grad_norm;
  std::optional<double> label_smoothing;
};

// One swept optimizer parameter ([sweep]): each value becomes runs of every optimizer that has
// the parameter (its own, or for SAM/GSAM its base optimizer's); the others keep their value.
struct SweepAxis {
  std::string parameter;  // e.g. "lr", "weight_decay", "momentum"
  std::vector<double> values;
  bool log_scale = false;  // from log_grid: plots and the good region's width use log10
};

// [analysis]: what the report computes from the runs.
struct AnalysisSpec {
  std::vector<double> loss_thresholds;    // training loss to reach (time to threshold)
  std::vector<double> metric_thresholds;  // validation primary metric to reach
  double good_region = 0.05;              // within this fraction of the best final metric
  bool train_metrics = true;              // evaluate a fixed training subset each epoch (gap)
  std::int64_t hessian_top_k = 0;         // top Hessian eigenvalues at the best checkpoint (0: off)
  std::int64_t hessian_batches = 4;       // ... of the mean loss over this many training batches
  std::int64_t hessian_iterations = 50;   // power iterations at most, per eigenvalue
  std::int64_t cka_samples = 0;           // linear CKA between optimizers on this many validation samples (0: off)
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
  std::vector<SweepAxis> sweep;       // empty: one run per optimizer and seed
  AnalysisSpec analysis;
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

// Sets an optimizer's numeric parameter `name` (e.g. "lr"): its own, or for a wrapper without one
// (SAM) its base optimizer's. Returns false if neither has it. Throws std::invalid_argument when
// the value is out of the parameter's bounds (or not whole for an integer parameter).
bool set_optimizer_value(Params& params, const Schema& schema, const std::string& name, double value,
                         const Catalog& catalog);


}  // namespace optbench::core
