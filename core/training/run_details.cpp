#include "training/run_details.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "common/progress.h"
#include "results/atomic_file.h"
#include "training/precision.h"

using json = nlohmann::json;

namespace optbench::core {

namespace {

std::string policy_text(const TrainingPolicy& p) {
  return "scheduler " + p.scheduler + ", warm-up " + format_number(p.warmup_epochs) +
         " epochs, early-stopping patience " + std::to_string(p.early_stopping_patience) +
         (p.early_stopping_patience <= 0 ? " (disabled)" : " epochs") + ", gradient clipping " +
         (p.max_grad_norm > 0 ? "at global norm " + format_number(p.max_grad_norm) : std::string("off")) +
         ", label smoothing " + format_number(p.label_smoothing);
}

}  // namespace

std::string four_digits(double x) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4f", x);
  return buf;
}

std::string metrics_text(const std::map<std::string, double>& m) {
  std::string out;
  for (const auto& [k, v] : m) out += (out.empty() ? "" : ", ") + k + " " + four_digits(v);
  return out;
}

std::string metrics_text(const json& j) {
  if (!j.is_object()) return "none";
  std::map<std::string, double> m;
  for (const auto& [k, v] : j.items())
    if (v.is_number()) m[k] = v.get<double>();
  return metrics_text(m);
}

void write_details(const Assembly& a, const RunSpec& spec, const Model& model, const std::string& schedule,
                   const std::vector<ParamGroup>& groups, const json& s) {
  const Experiment& ex = *a.experiment;
  std::ostringstream d;
  d << "optbench run: " << ex.name << " / " << spec.optimizer->name << " / seed " << spec.seed << "\n"
    << "experiment file: " << ex.file << "\n\n";
  d << "== Data ==\n" << ex.dataset.name << ": " << a.dataset->description() << "\n"
    << "splits: " << a.splits.description << "\n\n";
  d << "== Preprocessing (task " << ex.task.name << ") ==\n" << a.task->description() << "\n\n";
  d << "== Model ==\n" << model.description() << "\n"
    << "parameters: " << s["num_parameters"].get<std::int64_t>() << "\n\n";
  d << "== Training policy ==\n"
    << "epochs " << ex.training.epochs << ", batch size " << ex.training.batch_size << ", "
    << policy_text(a.policy) << "\n"
    << "learning-rate schedule: " << schedule << "\n"
    << "device " << a.device.str() << ", " << a.threads << " intra-op threads, " << ex.training.num_workers
    << " data workers\n"
    << kernel_choices_text(ex.training, a.device) << "\n\n";
  d << "== Optimizer ==\n" << spec.optimizer->name << ":";
  for (const auto& [k, v] : spec.optimizer->params.values()) d << " " << k << "=" << to_string(v);
  d << "\n";
  for (size_t g = 0; g < groups.size(); ++g)
    d << "  group " << g << ": " << groups[g].params.size() << " tensors, weight_decay "
      << format_number(groups[g].weight_decay) << "\n";
  d << "\n== Outcome ==\n"
    << "status: " << s["status"].get<std::string>() << "\n"
    << "epochs run: " << s["epochs_run"] << (s["stopped_early"].get<bool>() ? " (stopped early)" : "") << "\n"
    << "best epoch: " << s["best_epoch"] << "\n"
    << "best validation: " << metrics_text(s["best_validation"]) << "\n"
    << "training subset at the best epoch: " << metrics_text(s["best_train"]) << "\n"
    << "test (best checkpoint): " << metrics_text(s["test"]) << "\n"
    << "steps: " << s["steps"] << ", gradient evaluations: " << s["gradient_evaluations"] << " ("
    << s["declared_gradient_evaluations_per_step"] << " per step declared by the optimizer)\n"
    << "training time: " << format_duration(s["train_seconds"].get<double>()) << " ("
    << format_number(std::round(s["samples_per_second"].get<double>())) << " samples/s, "
    << format_number(std::round(s["ms_per_step"].get<double>() * 100) / 100) << " ms/step, "
    << format_number(std::round(s["data_wait_fraction"].get<double>() * 1000) / 10) << "% waiting for data)\n"
    << "step: " << format_number(std::round(s["forward_backward_ms_per_step"].get<double>() * 100) / 100)
    << " ms forward and backward, " << format_number(std::round(s["optimizer_ms_per_step"].get<double>() * 100) / 100)
    << " ms in the optimizer (beyond its gradient evaluations)\n"
    << "optimizer state: " << s["optimizer_state_bytes"] << " bytes\n"
    << "peak resident memory: " << format_number(std::round(s["peak_rss_mb"].get<double>())) << " MB\n";
  if (s.contains("peak_gpu_allocated_mb"))
    d << "peak GPU memory: " << format_number(std::round(s["peak_gpu_allocated_mb"].get<double>()))
      << " MB allocated to tensors, " << format_number(std::round(s["peak_gpu_reserved_mb"].get<double>()))
      << " MB reserved by the caching allocator, of " << format_number(std::round(s["gpu_total_mb"].get<double>()))
      << " MB on " << a.device.str() << "\n";
  if (s.contains("error")) d << "error: " << s["error"].get<std::string>() << "\n";
  write_text_atomically(spec.dir / "details.txt", d.str());
}

}  // namespace optbench::core
