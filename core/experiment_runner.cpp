#include "experiment_runner.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "atomic_file.h"
#include "checkpoint.h"
#include "diagnostics.h"
#include "trainer.h"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace optbench::core {

namespace {

std::string short_hash(const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a, 64 bit
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
  return std::string(buf, 8);
}

void write_table(std::ostringstream& out, const std::string& header, const Params& params,
                 const CatalogEntry* entry) {
  out << "\n[" << header << "]\n";
  if (entry) out << "# plugin " << entry->plugin << " " << entry->plugin_version << " (" << entry->path << ")\n";
  for (const auto& [k, v] : params.values()) out << k << " = " << to_string(v) << "\n";
}

std::string csv_field(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

bool completed(const fs::path& dir, json& summary) {
  std::ifstream in(dir / "summary.json");
  if (!in) return false;
  try {
    summary = json::parse(in);
    return summary.value("status", "") == "completed";
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

std::string resolved_config(const Experiment& ex, const Selection& optimizer, std::int64_t seed,
                            const PluginRegistry& registry) {
  std::ostringstream out;
  out << "# Resolved configuration of one optbench run (every default filled in).\n"
      << "name = \"" << ex.name << "\"\n"
      << "source = \"" << ex.file << "\"\n"
      << "optimizers = [\"" << optimizer.name << "\"]\n";
  Params task = ex.task.params, dataset = ex.dataset.params, model = ex.model.params;
  task.set("name", ex.task.name);
  dataset.set("name", ex.dataset.name);
  dataset.set("max_samples", ex.max_samples);
  dataset.set("validation_fraction", ex.validation_fraction);
  model.set("name", ex.model.name);
  write_table(out, "task", task, registry.find(Kind::kTask, ex.task.name));
  write_table(out, "dataset", dataset, registry.find(Kind::kDataset, ex.dataset.name));
  write_table(out, "model", model, registry.find(Kind::kModel, ex.model.name));
  const auto& t = ex.training;
  Params training;
  training.set("epochs", t.epochs);
  training.set("batch_size", t.batch_size);
  training.set("eval_batch_size", t.eval_batch_size);
  training.set("seeds", std::vector<std::int64_t>{seed});
  training.set("threads", t.threads);
  training.set("device", t.device);
  training.set("num_workers", t.num_workers);
  training.set("log_every_steps", t.log_every_steps);
  training.set("exclude_from_weight_decay", t.exclude_from_weight_decay);
  const auto& p = ex.policy;
  if (p.scheduler) training.set("scheduler", *p.scheduler);
  if (p.warmup_epochs) training.set("warmup_epochs", *p.warmup_epochs);
  if (p.early_stopping_patience) training.set("early_stopping_patience", *p.early_stopping_patience);
  if (p.max_grad_norm) training.set("max_grad_norm", *p.max_grad_norm);
  if (p.label_smoothing) training.set("label_smoothing", *p.label_smoothing);
  write_table(out, "training", training, nullptr);
  write_table(out, "optimizer." + optimizer.name, optimizer.params,
              registry.find(Kind::kOptimizer, optimizer.name));
  return out.str();
}

int run_experiment(const Experiment& ex, const PluginRegistry& registry) {
  const fs::path root = fs::path(ex.output_dir) / ex.name;
  spdlog::info("experiment '{}': {} optimizer(s) x {} seed(s), results in {}", ex.name, ex.optimizers.size(),
               ex.training.seeds.size(), root.string());
  const Assembly assembly = assemble(ex, registry);
  install_stop_handlers();
  spdlog::info("data: {}", assembly.splits.description);

  std::vector<json> summaries;
  int not_completed = 0;
  for (const auto& optimizer : ex.optimizers) {
    for (const auto seed : ex.training.seeds) {
      const std::string config = resolved_config(ex, optimizer, seed, registry);
      RunSpec spec{&optimizer, seed,
                   root / (optimizer.name + "_seed" + std::to_string(seed) + "_" + short_hash(config)),
                   "[" + optimizer.name + " seed " + std::to_string(seed) + "]"};
      json summary;
      if (completed(spec.dir, summary)) {
        spdlog::info("{} already completed in {}: skipped", spec.label, spec.dir.string());
      } else {
        write_text_atomically(spec.dir / "config.toml", config);
        try {
          summary = train_run(assembly, spec);
        } catch (const Interrupted&) {
          throw;  // the remaining runs wait for the rerun too
        } catch (const std::exception& e) {
          // One failing run must not lose the others.
          spdlog::error("{} failed: {}", spec.label, message_of(e));
          summary = json{{"optimizer", optimizer.name}, {"seed", seed}, {"status", "failed"}, {"error", message_of(e)}};
          write_text_atomically(spec.dir / "summary.json", summary.dump(2) + "\n");
        }
      }
      summary["run_dir"] = spec.dir.string();
      if (summary.value("status", "") != "completed") ++not_completed;
      summaries.push_back(summary);
    }
  }

  // One row per run; the metric columns are the union over runs.
  std::vector<std::string> val_keys, test_keys;
  for (const auto& s : summaries) {
    for (const char* section : {"best_validation", "test"}) {
      if (!s.contains(section) || !s[section].is_object()) continue;
      auto& keys = std::string(section) == "test" ? test_keys : val_keys;
      for (const auto& [k, v] : s[section].items())
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    }
  }
  std::ostringstream csv;
  const std::vector<std::string> fixed = {"optimizer", "seed", "status", "best_epoch", "epochs_run",
                                          "steps", "final_train_loss", "train_seconds", "samples_per_second",
                                          "peak_rss_mb"};
  for (const auto& c : fixed) csv << c << ",";
  for (const auto& k : val_keys) csv << "val_" << k << ",";
  for (const auto& k : test_keys) csv << "test_" << k << ",";
  csv << "run_dir\n";
  for (const auto& s : summaries) {
    for (const auto& c : fixed) csv << (s.contains(c) ? csv_field(s[c]) : "") << ",";
    for (const auto& k : val_keys)
      csv << (s.contains("best_validation") && s["best_validation"].is_object() && s["best_validation"].contains(k)
                  ? csv_field(s["best_validation"][k]) : "") << ",";
    for (const auto& k : test_keys)
      csv << (s.contains("test") && s["test"].is_object() && s["test"].contains(k) ? csv_field(s["test"][k]) : "")
          << ",";
    csv << s["run_dir"].get<std::string>() << "\n";
  }
  write_text_atomically(root / "summary.csv", csv.str());
  spdlog::info("summary: {}", (root / "summary.csv").string());
  return not_completed;
}

}  // namespace optbench::core
