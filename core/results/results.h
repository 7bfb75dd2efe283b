// Reading an experiment's results back (experiment.json, each run's summary.json and
// metrics.jsonl), and the CSV tables made from them.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace optbench::core {

struct RunRecord {
  std::string id;                 // e.g. "adam_lr0.001_seed42"
  std::filesystem::path dir;
  nlohmann::json planned;         // the run's entry in experiment.json: optimizer, seed, sweep
  nlohmann::json summary;         // summary.json; {"status": "not run"} while it has none
  std::vector<nlohmann::json> train_lines, epoch_lines;  // metrics.jsonl, in order
  std::string status() const { return summary.value("status", "not run"); }
};

struct ExperimentRecord {
  std::filesystem::path dir;
  nlohmann::json info;  // experiment.json
  nlohmann::json cka;   // cka.json, null when the experiment has none
  std::vector<RunRecord> runs;
};

// A JSON file; throws naming the file when it cannot be read or is not valid JSON.
nlohmann::json read_json_file(const std::filesystem::path& path);

// A run directory's summary.json when its status is "completed" (unreadable counts as not).
std::optional<nlohmann::json> completed_run(const std::filesystem::path& run_dir);

// Reads DIR/experiment.json and the runs it lists. Throws naming the file (and line) when one
// is not valid JSON.
ExperimentRecord read_experiment_results(const std::filesystem::path& dir);

// DIR itself when it holds experiment.json, else every subdirectory that does (sorted by name).
std::vector<ExperimentRecord> read_results(const std::filesystem::path& dir);

// summary.csv (one row per run) and epochs.csv (one row per run and epoch) in the experiment's
// directory: RFC 4180, a header row, empty cells for missing values (NaN in pandas).
void write_csv_tables(const ExperimentRecord& experiment);

}  // namespace optbench::core
