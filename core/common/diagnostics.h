// User-facing errors that say where (file:line:column), what is wrong and what is accepted.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace optbench::core {

struct SourceLocation {
  std::string file;  // or a description such as "command line"
  int line = 0;      // 0: unknown
  int column = 0;
  std::string str() const;
};

class ConfigError : public std::runtime_error {
 public:
  ConfigError(const SourceLocation& where, const std::string& message)
      : std::runtime_error(where.str() + ": error: " + message) {}
};

// "; did you mean 'x'?" for the closest candidate within a small edit distance, else "".
std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates);
std::string join(const std::vector<std::string>& items, const std::string& separator = ", ");

// Three significant digits, for labels and directory names: 0.001, 3.16e-05, 0.9.
std::string short_number(double x);

// e.what(), without the C++ stack trace LibTorch appends to its own errors (c10::Error).
std::string message_of(const std::exception& e);

}  // namespace optbench::core
