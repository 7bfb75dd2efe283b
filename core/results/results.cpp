#include "results/results.h"

#include <fstream>
#include <sstream>

#include "results/atomic_file.h"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace optbench::core {

namespace {

void read_metrics(const fs::path& path, RunRecord& run) {
  std::ifstream in(path);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    json j;
    try {
      j = json::parse(line);
    } catch (const json::parse_error& e) {
      throw std::runtime_error(path.string() + ":" + std::to_string(number) + ": not valid JSON (" + e.what() + ")");
    }
    const std::string type = j.value("type", "");
    if (type == "train") run.train_lines.push_back(std::move(j));
    if (type == "epoch") run.epoch_lines.push_back(std::move(j));
  }
}

std::string csv_cell(const json& v) {
  if (v.is_null()) return "";
  std::string text = v.is_string() ? v.get<std::string>() : v.dump();
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// Columns in first-seen order; a row's missing cells stay empty.
class CsvTable {
 public:
  void add(std::vector<std::pair<std::string, json>> row) {
    for (const auto& [column, v] : row)
      if (std::find(columns_.begin(), columns_.end(), column) == columns_.end()) columns_.push_back(column);
    rows_.push_back(std::move(row));
  }
  std::string text() const {
    std::ostringstream out;
    for (size_t c = 0; c < columns_.size(); ++c) out << (c ? "," : "") << csv_cell(columns_[c]);
    out << "\n";
    for (const auto& row : rows_) {
      for (size_t c = 0; c < columns_.size(); ++c) {
        auto it = std::find_if(row.begin(), row.end(), [&](const auto& cell) { return cell.first == columns_[c]; });
        out << (c ? "," : "") << (it == row.end() ? "" : csv_cell(it->second));
      }
      out << "\n";
    }
    return out.str();
  }

 private:
  std::vector<std::string> columns_;
  std::vector<std::vector<std::pair<std::string, json>>> rows_;
};

void add_metrics(std::vector<std::pair<std::string, json>>& row, const std::string& prefix, const json& metrics) {
  if (!metrics.is_object()) return;
  for (const auto& [k, v] : metrics.items()) row.emplace_back(prefix + k, v);
}

// The columns that identify a run: id, optimizer, one per sweep axis, seed.
std::vector<std::pair<std::string, json>> run_columns(const ExperimentRecord& ex, const RunRecord& run) {
  std::vector<std::pair<std::string, json>> row{{"run_id", run.id}, {"optimizer", run.planned["optimizer"]}};
  for (const auto& axis : ex.info.value("sweep", json::array())) {
    const std::string name = axis["parameter"];
    row.emplace_back(name, run.planned["sweep"].value(name, json()));
  }
  row.emplace_back("seed", run.planned["seed"]);
  return row;
}

}  // namespace

json read_json_file(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path.string() + ": cannot be read");
  try {
    return json::parse(in);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(path.string() + ": not valid JSON (" + e.what() + ")");
  }
}

std::optional<json> completed_run(const fs::path& run_dir) {
  std::ifstream in(run_dir / "summary.json");
  if (!in) return std::nullopt;
  try {
    json summary = json::parse(in);
    if (summary.value("status", "") == "completed") return summary;
  } catch (const json::parse_error&) {
  }
  return std::nullopt;
}

ExperimentRecord read_experiment_results(const fs::path& dir) {
  ExperimentRecord ex;
  ex.dir = dir;
  ex.info = read_json_file(dir / "experiment.json");
  if (fs::exists(dir / "cka.json")) ex.cka = read_json_file(dir / "cka.json");
  for (const auto& planned : ex.info.value("runs", json::array())) {
    RunRecord run;
    run.id = planned.value("id", "");
    run.planned = planned;
    run.dir = dir / planned.value("dir", "");
    run.summary = fs::exists(run.dir / "summary.json") ? read_json_file(run.dir / "summary.json")
                                                       : json{{"status", "not run"}};
    if (fs::exists(run.dir / "metrics.jsonl")) read_metrics(run.dir / "metrics.jsonl", run);
    ex.runs.push_back(std::move(run));
  }
  return ex;
}

std::vector<ExperimentRecord> read_results(const fs::path& dir) {
  if (!fs::is_directory(dir)) throw std::runtime_error(dir.string() + ": not a directory");
  if (fs::exists(dir / "experiment.json")) return {read_experiment_results(dir)};
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_directory() && fs::exists(entry.path() / "experiment.json")) found.push_back(entry.path());
  std::sort(found.begin(), found.end());
  std::vector<ExperimentRecord> out;
  for (const auto& path : found) out.push_back(read_experiment_results(path));
  return out;
}

void write_csv_tables(const ExperimentRecord& ex) {
  CsvTable runs, epochs;
  for (const auto& run : ex.runs) {
    const json& s = run.summary;
    auto row = run_columns(ex, run);
    row.emplace_back("status", run.status());
    for (const char* key : {"best_epoch", "epochs_run", "steps", "final_train_loss", "train_seconds",
                            "samples_per_second", "ms_per_step", "forward_backward_ms_per_step",
                            "optimizer_ms_per_step", "optimizer_state_bytes", "peak_rss_mb",
                            "peak_gpu_allocated_mb", "peak_gpu_reserved_mb"})
      row.emplace_back(key, s.value(key, json()));
    add_metrics(row, "val_", s.value("best_validation", json()));
    add_metrics(row, "train_eval_", s.value("best_train", json()));
    add_metrics(row, "test_", s.value("test", json()));
    row.emplace_back("run_dir", run.dir.string());
    runs.add(std::move(row));

    for (const auto& line : run.epoch_lines) {
      auto epoch_row = run_columns(ex, run);
      epoch_row.emplace_back("scheduled_lr", line.value("lr", json()));  // "lr" names the sweep axis
      for (const char* key : {"epoch", "step", "train_seconds", "train_loss", "epoch_seconds",
                              "data_wait_seconds", "forward_backward_seconds", "optimizer_seconds"})
        epoch_row.emplace_back(key, line.value(key, json()));
      add_metrics(epoch_row, "val_", line.value("validation", json()));
      add_metrics(epoch_row, "train_eval_", line.value("train", json()));
      epochs.add(std::move(epoch_row));
    }
  }
  write_text_atomically(ex.dir / "summary.csv", runs.text());
  write_text_atomically(ex.dir / "epochs.csv", epochs.text());
}

}  // namespace optbench::core
