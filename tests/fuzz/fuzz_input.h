// What every fuzz target shares: the input as a file (the parsers read files, as the host
// does), and which exceptions count as a clean refusal.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace optbench::fuzz {

// The input as the contents of a file, at a path the parsers can open: one in-memory file
// (memfd), rewritten for each input, so that fuzzing touches no disk.
inline std::string as_file(const std::uint8_t* data, std::size_t size) {
  static const int fd = memfd_create("fuzz-input", 0);
  if (fd < 0 || ftruncate(fd, 0) != 0) __builtin_trap();
  for (std::size_t done = 0; done < size;) {
    const ssize_t n = pwrite(fd, data + done, size - done, static_cast<off_t>(done));
    if (n <= 0) __builtin_trap();
    done += static_cast<std::size_t>(n);
  }
  return "/proc/self/fd/" + std::to_string(fd);
}

// Runs `parse`: the errors a reader gives for bad input (std::runtime_error, which the host's
// ConfigError is, and std::invalid_argument) are the expected outcome. Anything else escapes,
// and libFuzzer reports it with the input: a crash, a sanitizer report, or another exception
// (std::out_of_range, std::length_error, std::bad_alloc...), which a user would see as a
// message without a file or line.
template <class Parse>
void refusals_allowed(Parse&& parse) {
  try {
    parse();
  } catch (const std::runtime_error&) {
  } catch (const std::invalid_argument&) {
  }
}

}  // namespace optbench::fuzz
