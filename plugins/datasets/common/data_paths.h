// Finding a corpus' files under the `root` a user gives, with errors that say what
// was looked for and where.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace optbench::datasets {

// The first of `candidates` (sub-directories of root; "" is root itself) that holds
// `marker`: archives extract into a folder of their own, users point at either.
std::filesystem::path find_data_dir(const std::filesystem::path& root, const std::vector<std::string>& candidates,
                                    const std::string& marker, const std::string& title);
// The first of `names` (alternative names of one file) that exists in `dir`.
std::filesystem::path find_data_file(const std::filesystem::path& dir, const std::vector<std::string>& names,
                                     const std::string& title);

}  // namespace optbench::datasets
