#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace optbench::core {

// Writes through `write(tmp_path)` to a temporary file beside `path`, syncs it to disk, then
// renames it over `path` (and syncs the directory): a killed run, even a crashed machine, never
// leaves a half-written result.
void write_atomically(const std::filesystem::path& path,
                      const std::function<void(const std::filesystem::path&)>& write);
void write_text_atomically(const std::filesystem::path& path, const std::string& text);
// Appends one line (metrics.jsonl) or a block of bytes (an event record) in one write(2):
// a killed process leaves the whole of it or none of it.
void append_line(const std::filesystem::path& path, const std::string& line);
void append_bytes(const std::filesystem::path& path, const std::string& bytes);
// fsync(2) of a file or directory.
void sync_to_disk(const std::filesystem::path& path);

}  // namespace optbench::core
