#include "data/transfer_progress.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>

#include "common/progress.h"

namespace optbench::core {

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

std::string megabytes(double bytes) {
  char s[32];
  std::snprintf(s, sizeof s, "%.1f", bytes / 1e6);
  return s;
}

std::string transfer_text(const std::string& name, std::uint64_t have, std::optional<std::uint64_t> total,
                          double bytes_per_second, bool bar) {
  const double got = static_cast<double>(have);
  const double fraction = total && *total > 0 ? std::min(1.0, got / static_cast<double>(*total)) : 0.0;
  std::string amount = megabytes(got) + (total ? " of " + megabytes(static_cast<double>(*total)) : std::string()) + " MB";
  const std::string rate = megabytes(bytes_per_second) + " MB/s";
  std::string eta;
  if (total && bytes_per_second > 0)
    eta = "ETA " + format_duration(static_cast<double>(*total > have ? *total - have : 0) / bytes_per_second);
  if (!bar) {
    if (total) amount += " (" + std::to_string(static_cast<int>(fraction * 100)) + "%)";
    return name + ": " + amount + ", " + rate + (eta.empty() ? "" : ", " + eta);
  }
  std::string line = name + "  ";
  if (total) {
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(fraction * kWidth);
    line += "[" + std::string(filled, '=') + (filled < kWidth ? ">" + std::string(kWidth - filled - 1, ' ') : "") + "]  ";
  }
  return line + amount + "  " + rate + (eta.empty() ? "" : "  " + eta);
}

TransferProgress::TransferProgress(std::string name, std::optional<std::uint64_t> total, std::uint64_t start)
    : name_(std::move(name)), total_(total), start_(start), tty_(::isatty(STDERR_FILENO) == 1),
      started_(Clock::now()), last_shown_(started_) {}

void TransferProgress::update(std::uint64_t have) {
  const auto now = Clock::now();
  if (now - last_shown_ < (tty_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(10000))) return;
  last_shown_ = now;
  const double seconds = std::chrono::duration<double>(now - started_).count();
  const double rate = seconds > 0 ? static_cast<double>(have - start_) / seconds : 0.0;
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s", transfer_text(name_, have, total_, rate, /*bar=*/true).c_str());
    std::fflush(stderr);
    drawn_ = true;
  } else {
    spdlog::info("{}", transfer_text(name_, have, total_, rate, /*bar=*/false));
  }
}

void TransferProgress::finish() {
  if (drawn_) std::fprintf(stderr, "\r\033[K");
  drawn_ = false;
}

}  // namespace optbench::core
