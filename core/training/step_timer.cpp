#include "training/step_timer.h"

#include <chrono>

namespace optbench::core {

namespace {

class ClockTimer final : public StepTimer {
 public:
  void step_begin() override { step_start_ = Clock::now(); }
  void closure_begin() override { closure_start_ = Clock::now(); }
  void closure_end() override { taken_.closures += seconds_since(closure_start_); }
  void step_end() override { taken_.steps += seconds_since(step_start_); }
  PhaseSeconds take() override { return std::exchange(taken_, {}); }

 private:
  using Clock = std::chrono::steady_clock;
  static double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
  Clock::time_point step_start_, closure_start_;
  PhaseSeconds taken_;
};

}  // namespace

std::unique_ptr<StepTimer> make_step_timer(const torch::Device& device) {
  if (device.is_cuda()) return make_cuda_event_timer();
  return std::make_unique<ClockTimer>();
}

}  // namespace optbench::core
