// Unpacking a downloaded archive (tar, gzip/bzip2/xz-compressed tar, zip) with libarchive, all
// or nothing, refusing entries that would write outside the target (tar-slip).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace optbench::core {

// "" when an archive member's path stays inside the target directory (relative, no ".."
// part); else why not. A link target must satisfy the same, relative to the link's directory.
std::string unsafe_member_path(const std::string& path);
std::string unsafe_link_target(const std::string& target);

// Extracts `archive` into `destination`: entries go to a staging directory inside it, and
// only when every entry is read and checked are the archive's top-level files and directories
// renamed into place. Absolute paths, "..", links pointing anywhere but down, device files and
// FIFOs are refused, naming the archive and the entry; a refused or damaged archive leaves
// `destination` as it was. Returns the top-level names.
std::vector<std::string> extract_archive(const std::filesystem::path& archive,
                                         const std::filesystem::path& destination);

}  // namespace optbench::core
