// The runs of an experiment as separate processes: `run-one MANIFEST INDEX` (what a local worker
// or a Slurm array task runs), a local pool of workers (`run --jobs N`), and every run's state
// read from its files (`status`).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scale/experiment_runner.h"

namespace optbench::core {

// How a worker starts the host: the executable and the plugin options to pass on.
struct HostCommand {
  std::string executable;
  std::vector<std::string> plugin_args;
};

// Rebuilds the experiment of MANIFEST's directory (experiment.json: the copied file and the
// overrides; `threads` replaces the thread count) and trains run INDEX unless it completed.
// Returns 0 when the run completed, 1 when it did not.
int run_manifest_entry(const std::filesystem::path& manifest, std::size_t index, const PluginRegistry& registry,
                       std::optional<std::int64_t> threads);

// Every run of `plan` not yet completed, in `jobs` worker processes of `threads` intra-op threads
// each; a worker's output goes to logs/ID.log. A worker that crashes leaves a "failed" summary
// naming its signal; the others go on. SIGINT/SIGTERM: the workers checkpoint and stop, then
// Interrupted is thrown. With `gpus` (CUDA_VISIBLE_DEVICES ids), each worker sees only the one
// of them that has the fewest workers running.
void run_in_workers(const ExperimentPlan& plan, int jobs, std::int64_t threads, const HostCommand& host,
                    const std::vector<std::string>& gpus = {});

// The ids CUDA_VISIBLE_DEVICES would give the first `count` GPUs: its own list when set, else 0..count-1.
std::vector<std::string> visible_gpus(const char* cuda_visible_devices, int count);
// Of `gpus`, the first with the fewest workers in `in_use` (worker -> GPU); "" when `gpus` is empty.
std::string least_used_gpu(const std::vector<std::string>& gpus, const std::map<pid_t, std::string>& in_use);

// `run --jobs N`: plans and checks the experiment here, trains its runs in N workers (each with
// [training] threads, or an equal share of the cores when that is 0), then writes the tables.
// Returns the number of runs not completed.
int run_experiment_in_workers(const Experiment& experiment, const Overrides& overrides,
                              const PluginRegistry& registry, int jobs, const HostCommand& host);

// One line per experiment under `dir` (counts by state) and one per run that has not completed.
std::string status_text(const std::filesystem::path& dir);

// Marks a run as running in this process (running.json: host and pid) until destroyed.
class RunningMarker {
 public:
  explicit RunningMarker(const std::filesystem::path& run_dir);
  ~RunningMarker();
  RunningMarker(const RunningMarker&) = delete;
  RunningMarker& operator=(const RunningMarker&) = delete;

 private:
  std::filesystem::path path_;
};

}  // namespace optbench::core
