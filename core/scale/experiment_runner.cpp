#include "scale/experiment_runner.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "analysis/representations.h"
#include "common/diagnostics.h"
#include "experiment/run_plan.h"
#include "results/atomic_file.h"
#include "results/results.h"
#include "scale/run_jobs.h"
#include "training/checkpoint.h"
#include "training/device.h"
#include "training/trainer.h"

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
              {"file", fs::absolute(ex.file).string()},
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

}  // namespace

json to_json(const Overrides& o) {
  json j = json::object();
  if (o.epochs) j["epochs"] = *o.epochs;
  if (o.max_samples) j["max_samples"] = *o.max_samples;
  if (o.batch_size) j["batch_size"] = *o.batch_size;
  if (o.threads) j["threads"] = *o.threads;
  if (o.optimizers) j["optimizers"] = *o.optimizers;
  if (o.seeds) j["seeds"] = *o.seeds;
  if (o.output_dir) j["output_dir"] = *o.output_dir;
  if (o.device) j["device"] = *o.device;
  return j;
}

Overrides overrides_from_json(const json& j) {
  Overrides o;
  if (j.contains("epochs")) o.epochs = j["epochs"].get<std::int64_t>();
  if (j.contains("max_samples")) o.max_samples = j["max_samples"].get<std::int64_t>();
  if (j.contains("batch_size")) o.batch_size = j["batch_size"].get<std::int64_t>();
  if (j.contains("threads")) o.threads = j["threads"].get<std::int64_t>();
  if (j.contains("optimizers")) o.optimizers = j["optimizers"].get<std::vector<std::string>>();
  if (j.contains("seeds")) o.seeds = j["seeds"].get<std::vector<std::int64_t>>();
  if (j.contains("output_dir")) o.output_dir = j["output_dir"].get<std::string>();
  if (j.contains("device")) o.device = j["device"].get<std::string>();
  return o;
}

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
  if (t.checkpoint_every_steps > 0)  // results do not depend on it: runs without it keep their directory
    training.set("checkpoint_every_steps", t.checkpoint_every_steps);
  training.set("exclude_from_weight_decay", t.exclude_from_weight_decay);
  // Written when not the default, so that runs from before these keys keep their directories.
  if (t.precision != "fp32") training.set("precision", t.precision);
  if (t.channels_last) training.set("channels_last", true);
  if (t.cudnn_benchmark) training.set("cudnn_benchmark", true);
  if (t.deterministic) training.set("deterministic", true);
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

ExperimentPlan plan_experiment(const Experiment& ex, const PluginRegistry& registry) {
  ExperimentPlan plan;
  plan.root = fs::absolute(fs::path(ex.output_dir) / ex.name);
  plan.runs = plan_runs(ex, registry);
  for (const auto& run : plan.runs) {
    plan.configs.push_back(resolved_config(ex, run.optimizer, run.seed, registry));
    plan.dirs.push_back(plan.root / (run.id + "_" + short_hash(plan.configs.back())));
  }
  return plan;
}

RunSpec ExperimentPlan::spec(std::size_t i) const {
  return {&runs[i].optimizer, runs[i].seed, runs[i].sweep_point, dirs[i], runs[i].label};
}

void write_experiment_files(const Experiment& ex, const Overrides& overrides, const Task& task,
                            const ExperimentPlan& plan) {
  // The file as given, so that `run-one` rebuilds exactly this experiment whatever happens to it later.
  const fs::path source = fs::path("source") / fs::path(ex.file).filename();
  fs::create_directories(plan.root / "source");
  std::error_code not_there;
  if (!fs::equivalent(ex.file, plan.root / source, not_there))  // run on the copy itself
    fs::copy_file(ex.file, plan.root / source, fs::copy_options::overwrite_existing);
  Overrides frozen = overrides;
  frozen.output_dir = plan.root.parent_path().string();  // absolute: array tasks start elsewhere
  json info = experiment_info(ex, task);
  info["invocation"] = {{"file", source.string()}, {"overrides", to_json(frozen)}};
  std::string manifest;
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    const PlannedRun& run = plan.runs[i];
    json sweep = json::object();
    for (const auto& [name, value] : run.sweep_point) sweep[name] = value;
    const json entry{{"index", i}, {"id", run.id}, {"dir", plan.dirs[i].filename().string()},
                     {"optimizer", run.optimizer.name}, {"seed", run.seed}, {"sweep", sweep}};
    info["runs"].push_back(entry);
    manifest += entry.dump() + "\n";
  }
  write_text_atomically(plan.root / "experiment.json", info.dump(2) + "\n");
  write_text_atomically(plan.root / "manifest.jsonl", manifest);
}

json run_planned(const Assembly& assembly, const ExperimentPlan& plan, std::size_t i) {
  const RunSpec spec = plan.spec(i);
  if (auto summary = completed_run(spec.dir)) {
    spdlog::info("{} already completed in {}: skipped", spec.label, spec.dir.string());
    return *summary;
  }
  const bool writer = !assembly.collectives || assembly.collectives->rank() == 0;
  if (writer) write_text_atomically(spec.dir / "config.toml", plan.configs[i]);
  std::optional<RunningMarker> running;
  if (writer) running.emplace(spec.dir);
  json summary;
  try {
    return train_run(assembly, spec);
  } catch (const Interrupted&) {
    throw;  // the remaining runs wait for the rerun too
  } catch (const std::exception& e) {
    // One failing run must not lose the others.
    spdlog::error("{} failed: {}", spec.label, message_of(e));
    summary = json{{"optimizer", spec.optimizer->name}, {"seed", spec.seed}, {"status", "failed"},
                   {"error", message_of(e)}};
    // A CUDA out-of-memory: how much the run held when it failed, and its cache freed for the next.
    add_device_memory(summary, assembly.device);
    release_cached_memory(assembly.device);
    if (writer) write_text_atomically(spec.dir / "summary.json", summary.dump(2) + "\n");
    return summary;
  }
}

int finish_experiment(const Assembly& assembly, const ExperimentPlan& plan) {
  const ExperimentRecord results = read_experiment_results(plan.root);
  write_csv_tables(results);
  spdlog::info("tables: {} (one row per run), {} (one row per epoch)", (plan.root / "summary.csv").string(),
               (plan.root / "epochs.csv").string());
  if (assembly.experiment->analysis.cka_samples > 0) {
    const json cka = representation_similarity(assembly, results);
    if (cka.is_null()) spdlog::warn("CKA needs two optimizers with a completed run: skipped");
    else write_text_atomically(plan.root / "cka.json", cka.dump(2) + "\n");
  }
  int not_completed = 0;
  for (const auto& run : results.runs) not_completed += run.status() != "completed";
  return not_completed;
}

int run_experiment(const Experiment& ex, const Overrides& overrides, const PluginRegistry& registry,
                   std::shared_ptr<Collectives> collectives) {
  const ExperimentPlan plan = plan_experiment(ex, registry);
  const bool writer = !collectives || collectives->rank() == 0;
  spdlog::info("experiment '{}': {} run(s) of {} optimizer(s), {} seed(s){}; results in {}", ex.name,
               plan.runs.size(), ex.optimizers.size(), ex.training.seeds.size(),
               ex.sweep.empty() ? "" : " and a sweep", plan.root.string());
  const Assembly assembly = assemble(ex, registry, std::move(collectives));
  install_stop_handlers();
  spdlog::info("data: {}", assembly.splits.description);
  if (writer) write_experiment_files(ex, overrides, *assembly.task, plan);
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    run_planned(assembly, plan, i);
    if (assembly.collectives) assembly.collectives->barrier();  // rank 0 has written the run's files
  }
  return writer ? finish_experiment(assembly, plan) : 0;
}

}  // namespace optbench::core
