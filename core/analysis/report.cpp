#include "analysis/report.h"

#include <cmath>
#include <limits>

#include "analysis/analysis.h"

using json = nlohmann::json;

namespace optbench::core {

namespace {

json finite_or_null(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

json to_json(const SeedStats& s) {
  return {{"n", s.n}, {"mean", finite_or_null(s.mean)}, {"std", finite_or_null(s.std)}, {"ci95", finite_or_null(s.ci95)}};
}

// Statistics over the completed seeds of a configuration of one number per run.
template <class F>
json stats_over_runs(const Configuration& c, F&& value_of) {
  std::vector<double> values;
  for (const RunRecord* run : c.runs)
    if (run->status() == "completed") values.push_back(value_of(*run));
  return to_json(seed_stats(values));
}

json reached_stats(const Configuration& c, const std::function<std::optional<Reached>(const RunRecord&)>& find,
                   double threshold) {
  std::vector<double> steps, seconds;
  for (const RunRecord* run : c.runs)
    if (auto r = find(*run)) {
      steps.push_back(static_cast<double>(r->step));
      seconds.push_back(r->seconds);
    }
  return {{"threshold", threshold}, {"reached", steps.size()}, {"of", c.runs.size()},
          {"steps", to_json(seed_stats(steps))}, {"seconds", to_json(seed_stats(seconds))}};
}

// Mean and 95% CI over seeds of `value_of(line)` at each x (step or epoch) of the lines.
json curve(const Configuration& c, const std::vector<json> RunRecord::*lines, const char* x_key,
           const std::function<double(const json&)>& value_of, const std::string& series) {
  std::map<std::int64_t, std::vector<double>> at;
  for (const RunRecord* run : c.runs)
    for (const auto& line : (*run).*lines) at[line.value(x_key, std::int64_t{0})].push_back(value_of(line));
  json points = json::array();
  for (const auto& [x, values] : at) {
    const SeedStats s = seed_stats(values);
    if (s.n == 0) continue;
    json p{{"configuration", c.label}, {"series", series}, {x_key, x}, {"mean", s.mean}, {"n", s.n}};
    if (std::isfinite(s.ci95)) {
      p["lo"] = s.mean - s.ci95;
      p["hi"] = s.mean + s.ci95;
    }
    points.push_back(p);
  }
  return points;
}

void append(json& array, const json& more) {
  for (const auto& item : more) array.push_back(item);
}

json analyse_experiment(const ExperimentRecord& ex) {
  const std::string metric = ex.info.value("primary_metric", "");
  const bool higher = ex.info.value("higher_is_better", true);
  const json settings = ex.info.value("analysis", json::object());
  json out{{"name", ex.info.value("name", "")},
           {"dir", ex.dir.string()},
           {"task", ex.info.value("task", "")},
           {"dataset", ex.info.value("dataset", "")},
           {"model", ex.info.value("model", "")},
           {"primary_metric", metric},
           {"higher_is_better", higher},
           {"sweep", ex.info.value("sweep", json::array())},
           {"analysis", settings},
           {"status_counts", json::object()},
           {"configurations", json::array()}};
  for (const auto& run : ex.runs) out["status_counts"][run.status()] = out["status_counts"].value(run.status(), 0) + 1;

  const auto configs = configurations(ex);
  const auto best = best_configurations(configs, metric, higher);
  auto is_best = [&](const Configuration& c) { return std::find(best.begin(), best.end(), &c) != best.end(); };
  json curves{{"train_loss", json::array()}, {"validation", json::array()}, {"gap", json::array()}};
  for (const auto& c : configs) {
    json j{{"label", c.label}, {"optimizer", c.optimizer}, {"sweep", c.sweep}, {"best_of_optimizer", is_best(c)},
           {"runs", c.runs.size()}, {"not_completed", json::array()}};
    for (const RunRecord* run : c.runs)
      if (run->status() != "completed")
        j["not_completed"].push_back({{"run_id", run->id}, {"status", run->status()},
                                      {"error", run->summary.value("error", "")}});
    j["final_metric"] = to_json(final_metric_stats(c, metric));
    auto section = [&](const char* name) {
      return [name, &metric](const RunRecord& r) { return number_or_nan(r.summary.value(name, json()), metric); };
    };
    const auto train = section("best_train"), validation = section("best_validation"), test = section("test");
    j["final_train_loss"] = stats_over_runs(c, [](const RunRecord& r) { return number_or_nan(r.summary, "final_train_loss"); });
    j["gap"] = {{"train", stats_over_runs(c, train)},
                {"validation", stats_over_runs(c, validation)},
                {"test", stats_over_runs(c, test)},
                {"train_minus_validation", stats_over_runs(c, [&](const RunRecord& r) { return train(r) - validation(r); })},
                {"train_minus_test", stats_over_runs(c, [&](const RunRecord& r) { return train(r) - test(r); })}};
    j["efficiency"] = json::object();
    for (const char* key : {"ms_per_step", "forward_backward_ms_per_step", "optimizer_ms_per_step",
                            "samples_per_second", "peak_rss_mb", "peak_gpu_allocated_mb", "peak_gpu_reserved_mb",
                            "optimizer_state_bytes"})
      j["efficiency"][key] = stats_over_runs(c, [key](const RunRecord& r) { return number_or_nan(r.summary, key); });
    j["hessian_top_eigenvalues"] = json::array();  // per rank k, over seeds
    for (std::size_t k = 0;; ++k) {
      std::vector<double> values;
      for (const RunRecord* run : c.runs) {
        const json e = run->summary.value("hessian", json::object()).value("top_eigenvalues", json::array());
        if (k < e.size()) values.push_back(e[k].get<double>());
      }
      if (values.empty()) break;
      j["hessian_top_eigenvalues"].push_back(to_json(seed_stats(values)));
    }
    j["time_to_loss"] = json::array();
    for (double t : settings.value("loss_thresholds", std::vector<double>{}))
      j["time_to_loss"].push_back(reached_stats(c, [t](const RunRecord& r) { return time_to_loss(r, t); }, t));
    j["time_to_metric"] = json::array();
    for (double t : settings.value("metric_thresholds", std::vector<double>{}))
      j["time_to_metric"].push_back(
          reached_stats(c, [&, t](const RunRecord& r) { return time_to_metric(r, metric, t, higher); }, t));
    out["configurations"].push_back(j);

    if (!is_best(c)) continue;  // the curves show each optimizer at its best sweep point
    append(curves["train_loss"], curve(c, &RunRecord::train_lines, "step",
                                       [](const json& l) { return number_or_nan(l, "loss"); }, "train"));
    append(curves["validation"], curve(c, &RunRecord::epoch_lines, "epoch",
                                       [&](const json& l) { return number_or_nan(l.value("validation", json()), metric); },
                                       "validation"));
    append(curves["gap"], curve(c, &RunRecord::epoch_lines, "epoch",
                                [&](const json& l) { return number_or_nan(l.value("validation", json()), metric); },
                                "validation"));
    append(curves["gap"], curve(c, &RunRecord::epoch_lines, "epoch",
                                [&](const json& l) { return number_or_nan(l.value("train", json()), metric); },
                                "training subset"));
  }
  out["curves"] = curves;

  out["sensitivity"] = json::array();
  for (const auto& s : sensitivity(ex)) {
    json points = json::array();
    for (const auto& p : s.points) {
      json point{{"optimizer", s.optimizer}, {"value", p.value}, {"good", p.good}, {"n", p.metric.n},
                 {"mean", finite_or_null(p.metric.mean)}};
      if (std::isfinite(p.metric.ci95)) {
        point["lo"] = p.metric.mean - p.metric.ci95;
        point["hi"] = p.metric.mean + p.metric.ci95;
      }
      points.push_back(point);
    }
    out["sensitivity"].push_back({{"optimizer", s.optimizer}, {"parameter", s.parameter}, {"log_scale", s.log_scale},
                                  {"best_value", s.best_value ? json(*s.best_value) : json(nullptr)},
                                  {"good_points", s.good_points}, {"points_count", s.points.size()},
                                  {"good_width", s.good_width}, {"points", points}});
  }

  const WorkloadTimes w = workload_times(ex);
  json seconds = json::object();
  for (const auto& [optimizer, t] : w.seconds) seconds[optimizer] = finite_or_null(t);
  out["time_to_target"] = {{"metric", w.metric}, {"target", w.target}, {"seconds", seconds}};
  out["cka"] = ex.cka;
  return out;
}

}  // namespace

json analyse(const std::vector<ExperimentRecord>& experiments) {
  json out{{"experiments", json::array()}};
  std::map<std::string, std::map<std::string, double>> times;
  for (const auto& ex : experiments) {
    json e = analyse_experiment(ex);
    for (const auto& [optimizer, t] : e["time_to_target"]["seconds"].items())
      times[ex.dir.string()][optimizer] = t.is_number() ? t.get<double>() : std::numeric_limits<double>::infinity();
    out["experiments"].push_back(std::move(e));
  }
  std::vector<double> taus;
  for (int i = 0; i <= 300; ++i) taus.push_back(1.0 + i / 100.0);  // AlgoPerf plots tau in [1, 4]
  json profiles = json::array();
  for (const auto& curve : performance_profiles(times, taus)) profiles.push_back({{"optimizer", curve.optimizer}, {"rho", curve.rhos}});
  out["performance_profiles"] = {{"workloads", times.size()}, {"taus", taus}, {"curves", profiles}};
  return out;
}

}  // namespace optbench::core
