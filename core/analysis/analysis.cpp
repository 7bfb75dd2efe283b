#include "analysis/analysis.h"

#include "common/diagnostics.h"

#include <algorithm>
#include <cmath>
#include <limits>

using json = nlohmann::json;

namespace optbench::core {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// P(T <= t) for integer degrees of freedom, in closed form (Abramowitz & Stegun 26.7.3-4).
double student_t_cdf(double t, int dof) {
  const double theta = std::atan(std::abs(t) / std::sqrt(static_cast<double>(dof)));
  const double c2 = std::cos(theta) * std::cos(theta);
  double a;  // P(|T| <= |t|)
  if (dof % 2 == 1) {
    double sum = 0, term = 1;
    for (int k = 0; 2 * k + 3 <= dof; ++k) {
      sum += term;
      term *= c2 * (2.0 * k + 2) / (2.0 * k + 3);
    }
    a = 2 / M_PI * (theta + std::sin(theta) * std::cos(theta) * sum);
  } else {
    double sum = 0, term = 1;
    for (int k = 0; 2 * k + 2 <= dof; ++k) {
      sum += term;
      term *= c2 * (2.0 * k + 1) / (2.0 * k + 2);
    }
    a = std::sin(theta) * sum;
  }
  return t >= 0 ? 0.5 + a / 2 : 0.5 - a / 2;
}

bool reached(double value, double threshold, bool higher) { return higher ? value >= threshold : value <= threshold; }

double mean_of(const std::vector<double>& v) { return seed_stats(v).mean; }

bool better_mean(double candidate, double best, bool higher) {
  if (!std::isfinite(candidate)) return false;
  return !std::isfinite(best) || (higher ? candidate > best : candidate < best);
}

}  // namespace

double number_or_nan(const json& j, const std::string& key) {
  return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<double>() : std::nan("");
}

double student_t_quantile(double p, int dof) {
  if (!(p > 0 && p < 1) || dof < 1) throw std::invalid_argument("student_t_quantile: p in (0, 1), dof >= 1");
  if (p < 0.5) return -student_t_quantile(1 - p, dof);
  double low = 0, high = 1;
  while (student_t_cdf(high, dof) < p) high *= 2;
  for (int i = 0; i < 200 && high - low > 1e-13 * high; ++i) {
    const double mid = (low + high) / 2;
    (student_t_cdf(mid, dof) < p ? low : high) = mid;
  }
  return (low + high) / 2;
}

SeedStats seed_stats(const std::vector<double>& values) {
  SeedStats s;
  double sum = 0;
  for (double v : values)
    if (std::isfinite(v)) {
      sum += v;
      ++s.n;
    }
  if (s.n == 0) return {0, std::nan(""), std::nan(""), std::nan("")};
  s.mean = sum / s.n;
  if (s.n < 2) {
    s.std = s.ci95 = std::nan("");
    return s;
  }
  double squares = 0;
  for (double v : values)
    if (std::isfinite(v)) squares += (v - s.mean) * (v - s.mean);
  s.std = std::sqrt(squares / (s.n - 1));
  s.ci95 = student_t_quantile(0.975, static_cast<int>(s.n) - 1) * s.std / std::sqrt(static_cast<double>(s.n));
  return s;
}

std::optional<Reached> time_to_loss(const RunRecord& run, double threshold) {
  for (const auto& line : run.train_lines) {
    const double loss = number_or_nan(line, "loss");
    if (std::isfinite(loss) && loss <= threshold)
      return Reached{line.value("step", std::int64_t{0}), number_or_nan(line, "train_seconds")};
  }
  return std::nullopt;
}

std::optional<Reached> time_to_metric(const RunRecord& run, const std::string& metric, double threshold,
                                      bool higher_is_better) {
  for (const auto& line : run.epoch_lines) {
    const double value = number_or_nan(line.value("validation", json()), metric);
    if (std::isfinite(value) && reached(value, threshold, higher_is_better))
      return Reached{line.value("step", std::int64_t{0}), number_or_nan(line, "train_seconds")};
  }
  return std::nullopt;
}

std::optional<double> final_metric(const RunRecord& run, const std::string& metric) {
  if (run.status() != "completed") return std::nullopt;  // a diverged run has no result to rank
  for (const char* section : {"test", "best_validation"}) {
    const double v = number_or_nan(run.summary.value(section, json()), metric);
    if (std::isfinite(v)) return v;
  }
  return std::nullopt;
}

std::vector<Configuration> configurations(const ExperimentRecord& ex) {
  std::vector<Configuration> out;
  for (const auto& run : ex.runs) {
    const std::string optimizer = run.planned.value("optimizer", "");
    const json point = run.planned.value("sweep", json::object());
    std::map<std::string, double> sweep;
    for (const auto& [k, v] : point.items()) sweep[k] = v.get<double>();
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const Configuration& c) { return c.optimizer == optimizer && c.sweep == sweep; });
    if (it == out.end()) {
      Configuration c{optimizer, sweep, optimizer, {}};
      for (const auto& [k, v] : point.items()) c.label += " " + k + "=" + short_number(v.get<double>());
      out.push_back(std::move(c));
      it = out.end() - 1;
    }
    it->runs.push_back(&run);
  }
  return out;
}

SeedStats final_metric_stats(const Configuration& c, const std::string& metric) {
  std::vector<double> values;
  for (const RunRecord* run : c.runs) values.push_back(final_metric(*run, metric).value_or(std::nan("")));
  return seed_stats(values);
}

std::vector<const Configuration*> best_configurations(const std::vector<Configuration>& configs,
                                                      const std::string& metric, bool higher) {
  std::vector<const Configuration*> best;
  std::vector<double> best_mean;
  for (const auto& c : configs) {
    auto it = std::find_if(best.begin(), best.end(), [&](const Configuration* b) { return b->optimizer == c.optimizer; });
    const double m = final_metric_stats(c, metric).mean;
    if (it == best.end()) {
      best.push_back(&c);
      best_mean.push_back(m);
    } else if (better_mean(m, best_mean[it - best.begin()], higher)) {
      *it = &c;
      best_mean[it - best.begin()] = m;
    }
  }
  return best;
}

std::vector<Sensitivity> sensitivity(const ExperimentRecord& ex) {
  const std::string metric = ex.info.value("primary_metric", "");
  const bool higher = ex.info.value("higher_is_better", true);
  const double good_region = ex.info.value("analysis", json::object()).value("good_region", 0.05);
  const auto configs = configurations(ex);
  std::vector<Sensitivity> out;
  for (const Configuration* best : best_configurations(configs, metric, higher)) {
    const std::string& optimizer = best->optimizer;
    const double best_mean = final_metric_stats(*best, metric).mean;
    for (const auto& axis : ex.info.value("sweep", json::array())) {
      Sensitivity s;
      s.optimizer = optimizer;
      s.parameter = axis.value("parameter", "");
      s.log_scale = axis.value("log_scale", false);
      for (const auto& c : configs) {
        if (c.optimizer != optimizer || !c.sweep.count(s.parameter)) continue;
        bool others_at_best = true;  // the other axes at the best configuration's values
        for (const auto& [k, v] : c.sweep)
          if (k != s.parameter && best->sweep.count(k) && best->sweep.at(k) != v) others_at_best = false;
        if (!others_at_best) continue;
        SensitivityPoint p{c.sweep.at(s.parameter), final_metric_stats(c, metric), false};
        p.good = std::isfinite(p.metric.mean) && std::abs(p.metric.mean - best_mean) <= good_region * std::abs(best_mean);
        s.points.push_back(p);
      }
      if (s.points.empty()) continue;  // this optimizer does not have the parameter
      std::sort(s.points.begin(), s.points.end(), [](const auto& a, const auto& b) { return a.value < b.value; });
      if (best->sweep.count(s.parameter)) s.best_value = best->sweep.at(s.parameter);
      double low = kInfinity, high = -kInfinity;
      for (const auto& p : s.points)
        if (p.good) {
          ++s.good_points;
          low = std::min(low, p.value);
          high = std::max(high, p.value);
        }
      if (s.good_points) s.good_width = s.log_scale ? std::log10(high) - std::log10(low) : high - low;
      out.push_back(std::move(s));
    }
  }
  return out;
}

std::vector<ProfileCurve> performance_profiles(const std::map<std::string, std::map<std::string, double>>& times,
                                               const std::vector<double>& taus) {
  std::map<std::string, std::vector<double>> ratios;  // per optimizer, one per workload
  for (const auto& [workload, per_optimizer] : times)
    for (const auto& [optimizer, t] : per_optimizer) ratios[optimizer];
  for (const auto& [workload, per_optimizer] : times) {
    double fastest = kInfinity;
    for (const auto& [optimizer, t] : per_optimizer) fastest = std::min(fastest, t);
    for (auto& [optimizer, r] : ratios) {
      auto it = per_optimizer.find(optimizer);
      const bool finite = it != per_optimizer.end() && std::isfinite(it->second) && std::isfinite(fastest);
      r.push_back(finite ? it->second / fastest : kInfinity);
    }
  }
  std::vector<ProfileCurve> out;
  for (const auto& [optimizer, r] : ratios) {
    ProfileCurve curve{optimizer, taus, {}};
    for (double tau : taus)
      curve.rhos.push_back(static_cast<double>(std::count_if(r.begin(), r.end(), [&](double x) { return x <= tau; })) /
                           static_cast<double>(r.size()));
    out.push_back(std::move(curve));
  }
  return out;
}

WorkloadTimes workload_times(const ExperimentRecord& ex) {
  WorkloadTimes w;
  w.metric = ex.info.value("primary_metric", "");
  const bool higher = ex.info.value("higher_is_better", true);
  const json analysis = ex.info.value("analysis", json::object());
  const auto thresholds = analysis.value("metric_thresholds", std::vector<double>{});
  const auto configs = configurations(ex);
  if (!thresholds.empty()) {
    w.target = higher ? *std::max_element(thresholds.begin(), thresholds.end())
                      : *std::min_element(thresholds.begin(), thresholds.end());
  } else {
    double best = std::nan("");
    for (const auto& c : configs) {
      std::vector<double> values;
      for (const RunRecord* run : c.runs)
        values.push_back(run->status() == "completed" ? number_or_nan(run->summary.value("best_validation", json()), w.metric)
                                                      : std::nan(""));
      const double m = mean_of(values);
      if (better_mean(m, best, higher)) best = m;
    }
    const double margin = analysis.value("good_region", 0.05) * std::abs(best);
    w.target = higher ? best - margin : best + margin;
  }
  for (const auto& c : configs) {
    std::vector<double> seconds;
    bool all = true;
    for (const RunRecord* run : c.runs) {
      const auto r = time_to_metric(*run, w.metric, w.target, higher);
      all = all && r && run->status() == "completed";
      if (r) seconds.push_back(r->seconds);
    }
    const double t = all && !seconds.empty() ? mean_of(seconds) : kInfinity;
    auto [it, inserted] = w.seconds.emplace(c.optimizer, t);
    if (!inserted) it->second = std::min(it->second, t);
  }
  return w;
}

}  // namespace optbench::core
