// Whether a plugin file can be trusted as ssh's StrictModes trusts a key file: the file and every
// directory above it owned by root or by us, and writable by no one else (a sticky directory such
// as /tmp is fine; so is a group that is only the owner's own).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace optbench::core {

// Why `file` is not safe to load (the first offending path), or nullopt.
std::optional<std::string> insecure_plugin_reason(const std::filesystem::path& file);

}  // namespace optbench::core
