// The analyses researchers judge optimizers by, computed from runs read back from disk
// (results.h): multi-seed statistics, time to thresholds, generalisation gap, sensitivity to a
// swept hyperparameter and performance profiles across workloads. Torch-free.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "results/results.h"

namespace optbench::core {

// Mean, sample standard deviation and the half-width of the 95% confidence interval of the
// mean (Student's t with n - 1 degrees of freedom) over the finite values; std and ci95 are NaN
// below two values, all three with none.
struct SeedStats {
  std::size_t n = 0;
  double mean = 0, std = 0, ci95 = 0;
};
SeedStats seed_stats(const std::vector<double>& values);

// j[key] when j is an object holding a number there, else NaN (a missing or null result).
double number_or_nan(const nlohmann::json& j, const std::string& key);

// The p-quantile of Student's t distribution with `dof` >= 1 degrees of freedom.
double student_t_quantile(double p, int dof);

// The first point where a run reached a threshold: the step and the training seconds so far.
struct Reached {
  std::int64_t step = 0;
  double seconds = 0;
};
// Training loss (the logged window means) at or below `threshold`.
std::optional<Reached> time_to_loss(const RunRecord& run, double threshold);
// Validation `metric` at or beyond `threshold` at the end of an epoch.
std::optional<Reached> time_to_metric(const RunRecord& run, const std::string& metric, double threshold,
                                      bool higher_is_better);

// What a run is judged by: its test primary metric (best checkpoint), else its best validation.
std::optional<double> final_metric(const RunRecord& run, const std::string& metric);

// The runs of one configuration: an optimizer at one sweep point, over seeds.
struct Configuration {
  std::string optimizer;
  std::map<std::string, double> sweep;
  std::string label;  // "adam lr=0.001"
  std::vector<const RunRecord*> runs;
};
std::vector<Configuration> configurations(const ExperimentRecord& experiment);

// The seeds' statistics of a configuration's final metric.
SeedStats final_metric_stats(const Configuration& configuration, const std::string& metric);

// Per optimizer, in first-seen order, its configuration with the best mean final metric (the
// first one when none has a result).
std::vector<const Configuration*> best_configurations(const std::vector<Configuration>& configurations,
                                                      const std::string& metric, bool higher_is_better);

// Final metric against one swept parameter for one optimizer, the other axes held at the best
// point's values; the good region is every value whose mean is within `good_region` (relative)
// of the best mean. Its width is in decades on a log axis, in the parameter's units otherwise.
struct SensitivityPoint {
  double value = 0;
  SeedStats metric;
  bool good = false;
};
struct Sensitivity {
  std::string optimizer, parameter;
  bool log_scale = false;
  std::vector<SensitivityPoint> points;  // in grid order
  std::optional<double> best_value;
  double good_width = 0;
  std::size_t good_points = 0;
};
std::vector<Sensitivity> sensitivity(const ExperimentRecord& experiment);

// AlgoPerf-style performance profiles: rho(tau) is the fraction of workloads on which an
// optimizer's time is within a factor tau of the fastest optimizer's (infinite: never reached).
// `times[workload][optimizer]`; every optimizer appears in the result, in name order.
struct ProfileCurve {
  std::string optimizer;
  std::vector<double> taus, rhos;
};
std::vector<ProfileCurve> performance_profiles(const std::map<std::string, std::map<std::string, double>>& times,
                                               const std::vector<double>& taus);

// One workload's entry in the profiles: each optimizer's best configuration's mean training
// seconds to the target (over seeds; infinite unless every seed reached it). The target is the
// strictest metric threshold of [analysis], else within good_region of the best configuration's
// mean best-validation metric.
struct WorkloadTimes {
  std::string metric;
  double target = 0;
  std::map<std::string, double> seconds;
};
WorkloadTimes workload_times(const ExperimentRecord& experiment);

}  // namespace optbench::core
