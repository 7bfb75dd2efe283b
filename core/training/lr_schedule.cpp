#include "training/lr_schedule.h"

#include <optbench/params.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace optbench::core {

LrSchedule::LrSchedule(std::string kind, double base_lr, std::int64_t total_steps,
                       std::int64_t warmup_steps, bool higher_is_better)
    : kind_(std::move(kind)),
      base_lr_(base_lr),
      total_steps_(std::max<std::int64_t>(total_steps, 1)),
      warmup_steps_(std::max<std::int64_t>(warmup_steps, 0)),
      higher_is_better_(higher_is_better) {}

double LrSchedule::lr_at(std::int64_t step) const {
  if (step < warmup_steps_) return base_lr_ * static_cast<double>(step + 1) / warmup_steps_;
  double factor = 1.0;
  if (kind_ == "cosine") {
    // Cosine annealing to 0 over the steps after warm-up (Loshchilov & Hutter 2017, no restarts).
    const double span = std::max<std::int64_t>(total_steps_ - warmup_steps_, 1);
    const double progress = std::min(1.0, (step - warmup_steps_) / span);
    factor = 0.5 * (1.0 + std::cos(M_PI * progress));
  } else if (kind_ == "plateau") {
    factor = plateau_scale_;
  }
  return base_lr_ * factor;
}

void LrSchedule::on_validation(double metric) {
  if (kind_ != "plateau" || !std::isfinite(metric)) return;
  const double margin = kPlateauThreshold * std::abs(best_);
  const bool better = !has_best_ || (higher_is_better_ ? metric > best_ + margin : metric < best_ - margin);
  if (better) {
    best_ = metric;
    has_best_ = true;
    bad_epochs_ = 0;
  } else if (++bad_epochs_ > kPlateauPatience) {
    plateau_scale_ *= kPlateauFactor;
    bad_epochs_ = 0;
  }
}

std::vector<double> LrSchedule::state() const {
  return {plateau_scale_, best_, has_best_ ? 1.0 : 0.0, static_cast<double>(bad_epochs_)};
}

void LrSchedule::restore(const std::vector<double>& state) {
  if (state.size() != 4) throw std::runtime_error("checkpoint: learning-rate schedule state has the wrong size");
  plateau_scale_ = state[0];
  best_ = state[1];
  has_best_ = state[2] != 0;
  bad_epochs_ = static_cast<std::int64_t>(state[3]);
}

std::string LrSchedule::describe() const {
  std::string s;
  if (kind_ == "cosine") s = "cosine annealing to 0 over " + std::to_string(total_steps_) + " steps";
  else if (kind_ == "plateau")
    s = "reduce on plateau of the validation metric (factor " + format_number(kPlateauFactor) +
        ", patience " + std::to_string(kPlateauPatience) + " epochs)";
  else s = "constant";
  if (warmup_steps_ > 0) s += ", after " + std::to_string(warmup_steps_) + " linear warm-up steps";
  return s;
}

}  // namespace optbench::core
