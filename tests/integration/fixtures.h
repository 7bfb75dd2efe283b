// Helpers for driving optbench-host: a temp directory, data files in the real
// formats (IDX, CIFAR-10 binary), and running the binary.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "temp_dir_test.h"

namespace optbench::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs a shell command line, capturing stdout+stderr.
CommandResult run_command(const std::string& command);
// Runs optbench-host with `args` (a shell-quoted argument string).
CommandResult run_host(const std::string& args);
// Starts optbench-host with `args` in the background, its output to `log`, in the environment
// run_host gives it; returns its pid (for a signal, then waitpid).
int start_host(const std::vector<std::string>& args, const std::filesystem::path& log);

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& text);
nlohmann::json read_json(const std::filesystem::path& path);
// One JSON value per line (metrics.jsonl).
std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& path);
// The run directories (those with a config.toml) of an experiment's results, sorted.
std::vector<std::filesystem::path> run_dirs(const std::filesystem::path& experiment_dir);

// Writes `toml` (whose output_dir must be dir/out) to dir/exp.toml, runs it (expecting success)
// and returns the summary.json of its one run, plus "run_dir", "epoch_losses" (train loss per epoch) and "details"
// (details.txt); an empty object when the experiment has not exactly one run directory.
nlohmann::json run_single(const std::filesystem::path& dir, const std::string& toml, const std::string& experiment);
// Runs `validate` on experiments/NAME.toml with every "data/..." path moved under `dir` (where the
// test wrote fixture corpora) and without `pretrained` checkpoints, which fixtures do not include.
CommandResult validate_shipped_experiment(const std::filesystem::path& dir, const std::string& name);
// The run completed and its train loss fell by at least 10% from the first epoch to the last.
void expect_trained(const nlohmann::json& summary);

// MNIST-style IDX files (gzipped): 28x28 images whose class is a bright square at a
// class-specific place, over noise, so that a small CNN learns them in an epoch.
void write_idx_dataset(const std::filesystem::path& dir, int train, int test, unsigned seed = 1);
// An experiment "fixture": cnn_scratch on the IDX data in `data`, results in `out`, 2 epochs of
// batch 32, seed 1, one thread; `extra_training` is appended to [training].
std::string idx_experiment(const std::filesystem::path& data, const std::filesystem::path& out,
                           const std::string& optimizers, const std::string& extra_training = "");
// CIFAR-10 binary batches (data_batch_1..5.bin, test_batch.bin) in cifar-10-batches-bin/.
void write_cifar_dataset(const std::filesystem::path& dir, int per_batch, int test, unsigned seed = 2);

using HostTest = TempDirTest;

}  // namespace optbench::testing
