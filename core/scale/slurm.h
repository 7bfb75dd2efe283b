// Sweeps as Slurm job arrays: one array task per run (`run-one MANIFEST $SLURM_ARRAY_TASK_ID`),
// and an aggregation job (`report`) that waits for all of them (afterany).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "scale/run_jobs.h"

namespace optbench::core {

struct SlurmOptions {
  std::string partition;              // empty: the cluster's default
  std::string time_limit;             // --time, empty: the partition's
  std::int64_t array_parallelism = 0;  // %P: at most P tasks at once; 0: no limit
  std::int64_t cpus_per_task = 0;      // 0: [training] threads, or 1 when that is 0
  bool only_unfinished = false;        // submit only the runs without a completed summary
  bool dry_run = false;                // write the scripts and print the commands, submit nothing
};

// "0-5", "1,3-4,7": Slurm's --array syntax for sorted indices.
std::string array_ranges(const std::vector<std::size_t>& indices);

// Writes ROOT/slurm/array.sbatch and aggregate.sbatch for the plan's runs (every run, or the
// unfinished ones) and submits them with sbatch; returns what it did, for the user.
std::string submit_to_slurm(const ExperimentPlan& plan, std::int64_t training_threads, const HostCommand& host,
                            const SlurmOptions& options);

}  // namespace optbench::core
