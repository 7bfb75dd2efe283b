// Progress of a run: a live line on a terminal, plain log lines otherwise.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace optbench::core {

class Progress {
 public:
  explicit Progress(std::string label);
  // Called every step; cheap: redraws at most a few times per second.
  void step(std::int64_t epoch, std::int64_t epochs, std::int64_t step, std::int64_t steps_per_epoch,
            double samples_per_second, double seconds_left);
  void loss(double value) { loss_ = value; }
  // A line that stays (epoch summaries), printed through the logger.
  void line(const std::string& text);
  void finish();

 private:
  std::string label_;
  bool tty_;
  double loss_ = 0.0;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

std::string format_duration(double seconds);

}  // namespace optbench::core
