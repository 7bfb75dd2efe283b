// Learning-rate schedules as factors of the optimizer's base lr.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace optbench::core {

class LrSchedule {
 public:
  // kind: "cosine" (to 0 over all steps), "plateau" (ReduceLROnPlateau on the validation
  // metric: factor 0.5 after 2 epochs without improvement), "none". Linear warm-up from
  // lr/warmup_steps applies before any of them.
  LrSchedule(std::string kind, double base_lr, std::int64_t total_steps, std::int64_t warmup_steps,
             bool higher_is_better);

  double lr_at(std::int64_t step) const;  // step counts from 0
  // Epoch end: feeds the validation metric to the plateau rule.
  void on_validation(double metric);
  std::string describe() const;
  // The plateau rule's state, for checkpoints.
  std::vector<double> state() const;
  void restore(const std::vector<double>& state);

  static constexpr double kPlateauFactor = 0.5;
  static constexpr std::int64_t kPlateauPatience = 2;
  static constexpr double kPlateauThreshold = 1e-4;  // relative improvement that counts

 private:
  std::string kind_;
  double base_lr_;
  std::int64_t total_steps_, warmup_steps_;
  bool higher_is_better_;
  double plateau_scale_ = 1.0;
  double best_ = 0.0;
  bool has_best_ = false;
  std::int64_t bad_epochs_ = 0;
};

}  // namespace optbench::core
