#include "experiment_runner.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "atomic_file.h"
#include "checkpoint.h"
#include "diagnostics.h"
#include "representations.h"
#include "results.h"
#include "run_plan.h"
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

// experiment.json: what the report needs to know besides the runs' own files.
json experiment_info(const Experiment& ex, const Task& task) {
  json sweep = json::array();
  for (const auto& axis : ex.sweep)
    sweep.push_back({{"parameter", axis.parameter}, {"values", axis.values}, {"log_scale", axis.log_scale}});
  const auto& a = ex.analysis;
  return json{{"name", ex.name},
              {"file", ex.file},
              {"task", ex.task.name},
              {"dataset", ex.dataset.name},
              {"model", ex.model.name},
              {"primary_metric", task.primary_metric()},
              {"higher_is_better", task.higher_is_better()},
              {"epochs", ex.training.epochs},
              {"seeds", ex.training.seeds},
              {"sweep", sweep},
              {"analysis", {{"loss_thresholds", a.loss_thresholds}, {"metric_thresholds", a.metric_thresholds},
                            {"good_region", a.good_region}, {"train_metrics", a.train_metrics}}},
              {"runs", json::array()}};
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
  const std::vector<PlannedRun> runs = plan_runs(ex, registry);
  spdlog::info("experiment '{}': {} run(s) of {} optimizer(s), {} seed(s){}; results in {}", ex.name, runs.size(),
               ex.optimizers.size(), ex.training.seeds.size(), ex.sweep.empty() ? "" : " and a sweep",
               root.string());
  const Assembly assembly = assemble(ex, registry);
  install_stop_handlers();
  spdlog::info("data: {}", assembly.splits.description);

  std::vector<RunSpec> specs;
  std::vector<std::string> configs;
  json info = experiment_info(ex, *assembly.task);
  for (const auto& run : runs) {
    configs.push_back(resolved_config(ex, run.optimizer, run.seed, registry));
    const std::string dir = run.id + "_" + short_hash(configs.back());
    specs.push_back({&run.optimizer, run.seed, run.sweep_point, root / dir, run.label});
    json sweep = json::object();
    for (const auto& [name, value] : run.sweep_point) sweep[name] = value;
    info["runs"].push_back({{"id", run.id}, {"dir", dir}, {"optimizer", run.optimizer.name}, {"seed", run.seed},
                            {"sweep", sweep}});
  }
  write_text_atomically(root / "experiment.json", info.dump(2) + "\n");

  int not_completed = 0;
  for (size_t i = 0; i < specs.size(); ++i) {
    const RunSpec& spec = specs[i];
    json summary;
    if (completed(spec.dir, summary)) {
      spdlog::info("{} already completed in {}: skipped", spec.label, spec.dir.string());
    } else {
      write_text_atomically(spec.dir / "config.toml", configs[i]);
      try {
        summary = train_run(assembly, spec);
      } catch (const Interrupted&) {
        throw;  // the remaining runs wait for the rerun too
      } catch (const std::exception& e) {
        // One failing run must not lose the others.
        spdlog::error("{} failed: {}", spec.label, message_of(e));
        summary = json{{"optimizer", spec.optimizer->name}, {"seed", spec.seed}, {"status", "failed"},
                       {"error", message_of(e)}};
        write_text_atomically(spec.dir / "summary.json", summary.dump(2) + "\n");
      }
    }
    if (summary.value("status", "") != "completed") ++not_completed;
  }
  const ExperimentRecord results = read_experiment_results(root);
  write_csv_tables(results);
  if (ex.analysis.cka_samples > 0) {
    const json cka = representation_similarity(assembly, results);
    if (cka.is_null()) spdlog::warn("CKA needs two optimizers with a completed run: skipped");
    else write_text_atomically(root / "cka.json", cka.dump(2) + "\n");
  }
  spdlog::info("tables: {} (one row per run), {} (one row per epoch)", (root / "summary.csv").string(),
               (root / "epochs.csv").string());
  return not_completed;
}

}  // namespace optbench::core
