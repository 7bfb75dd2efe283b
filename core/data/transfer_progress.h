// How far a download has come: a bar redrawn in place on a terminal (bytes, rate, time left), a
// plain log line every 10 seconds otherwise (logs of batch jobs, pipes).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace optbench::core {

std::string megabytes(double bytes);  // "45.2" (MB, one decimal)

// "name  [=========>          ]  45.2 of 170.5 MB  3.1 MB/s  ETA 0:00:40" with a bar, or
// "name: 45.2 of 170.5 MB (27%), 3.1 MB/s, ETA 0:00:40" without. Without a total (a server that
// does not say the size), neither the bar nor the ETA; a rate of 0 leaves the ETA out.
std::string transfer_text(const std::string& name, std::uint64_t have, std::optional<std::uint64_t> total,
                          double bytes_per_second, bool bar);

class TransferProgress {
 public:
  // `start`: bytes already there before this transfer (a resumed download); the rate counts only
  // what this transfer brings.
  TransferProgress(std::string name, std::optional<std::uint64_t> total, std::uint64_t start);
  void update(std::uint64_t have);  // called for every chunk received; cheap between redraws
  void finish();                    // clears the bar (before the next log line)

 private:
  std::string name_;
  std::optional<std::uint64_t> total_;
  std::uint64_t start_;
  bool tty_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_shown_;
};

}  // namespace optbench::core
