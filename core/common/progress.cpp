#include "common/progress.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>

namespace optbench::core {

Progress::Progress(std::string label) : label_(std::move(label)), tty_(::isatty(STDERR_FILENO) == 1) {}

std::string format_duration(double seconds) {
  if (!(seconds >= 0) || seconds > 1e7) return "?";
  const auto s = static_cast<long>(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

void Progress::step(std::int64_t epoch, std::int64_t epochs, std::int64_t step,
                    std::int64_t steps_per_epoch, double samples_per_second, double seconds_left) {
  if (!tty_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(200) && step != steps_per_epoch) return;
  last_draw_ = now;
  drawn_ = true;
  std::fprintf(stderr, "\r\033[K%s epoch %lld/%lld step %lld/%lld loss %.4f %.0f samples/s ETA %s",
               label_.c_str(), static_cast<long long>(epoch), static_cast<long long>(epochs),
               static_cast<long long>(step), static_cast<long long>(steps_per_epoch), loss_,
               samples_per_second, format_duration(seconds_left).c_str());
  std::fflush(stderr);
}

void Progress::line(const std::string& text) {
  if (tty_ && drawn_) std::fprintf(stderr, "\r\033[K");
  drawn_ = false;
  spdlog::info("{} {}", label_, text);
}

void Progress::finish() {
  if (tty_ && drawn_) std::fprintf(stderr, "\r\033[K");
  drawn_ = false;
}

}  // namespace optbench::core
