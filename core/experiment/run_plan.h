// The runs of an experiment: optimizers x sweep points x seeds, each with its own directory.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "experiment/experiment.h"

namespace optbench::core {

struct PlannedRun {
  Selection optimizer;  // with the sweep point's values set
  std::int64_t seed = 0;
  std::vector<std::pair<std::string, double>> sweep_point;  // the axes that apply to this optimizer
  std::string id;     // e.g. "adam_lr0.001_seed42": the run directory's name without the config hash
  std::string label;  // for progress lines, e.g. "[adam lr=0.001 seed 42]"
};

// In order: optimizers as listed, then sweep points (first axis slowest), then seeds. An axis that
// an optimizer does not have leaves it unswept (one point, not repeated).
std::vector<PlannedRun> plan_runs(const Experiment& experiment, const Catalog& catalog);

}  // namespace optbench::core
