#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace optbench::core {

// Writes through `write(tmp_path)` to a temporary file beside `path`, then renames it
// over `path`: a killed run never leaves a half-written result.
void write_atomically(const std::filesystem::path& path,
                      const std::function<void(const std::filesystem::path&)>& write);
void write_text_atomically(const std::filesystem::path& path, const std::string& text);
// Appends one line and flushes (metrics.jsonl): a crash loses at most the line being written.
void append_line(const std::filesystem::path& path, const std::string& line);

}  // namespace optbench::core
