// Assembly: an experiment's dataset, task and policy built once and shared by its runs, with every
// component checked against the data before the first run starts.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "experiment/experiment.h"
#include "plugins/plugin_registry.h"
#include "training/collectives.h"
#include "training/data_pipeline.h"

namespace optbench::core {

// Everything built once per experiment and shared by its runs.
struct Assembly {
  const PluginRegistry* registry = nullptr;
  const Experiment* experiment = nullptr;
  std::shared_ptr<Dataset> dataset;
  DataSpec spec;
  std::shared_ptr<Task> task;
  TrainingPolicy policy;  // the task's defaults with the experiment's overrides
  DataSplits splits;
  SplitView train_probe;  // a fixed training subset the size of validation: train metrics per epoch
  torch::Device device = torch::kCPU;
  std::int64_t threads = 1;
  std::shared_ptr<Collectives> collectives;  // data-parallel training across processes, or null
};

// Loads the data, builds the task and checks that model and optimizers accept it
// (one throw-away instance each), so that `validate` checks what `run` would.
Assembly assemble(const Experiment& experiment, const PluginRegistry& registry,
                  std::shared_ptr<Collectives> collectives = nullptr);

// The device a process trains on: the CPU, or for [training] device = "cuda" one GPU per rank
// of a data-parallel run (its local rank, modulo the GPUs visible), the first GPU otherwise.
// Throws naming the file where no GPU is usable.
torch::Device training_device(const Experiment& experiment, int local_rank);

// Parameter groups: decayed, and (if any pattern matches) not decayed, with each parameter's
// name and role (module kind, output layer). The optimizer's lr and weight decay are filled in by
// PluginRegistry::make_optimizer.
std::vector<ParamGroup> make_param_groups(Model& model, const std::vector<std::string>& exclude);

}  // namespace optbench::core
