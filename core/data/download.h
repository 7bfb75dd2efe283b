// Downloading one file over HTTP(S) with libcurl, resuming a partial download, and checking its
// size and checksum before it takes its final name.
#pragma once

#include <filesystem>
#include <string>

#include "data/data_sources.h"

namespace optbench::core {

// Downloads `file` to `destination` through `destination`.part, trying each mirror in turn. A
// .part left by an interrupted download is resumed with an HTTP range request. Only a file of
// the right size and checksum is renamed to `destination`; one with a wrong checksum is deleted.
// Throws std::runtime_error saying what each mirror did.
void download_verified(const RemoteFile& file, const std::filesystem::path& destination);

// "" when `path` has the size and checksum `file` gives; else what differs.
std::string verification_error(const RemoteFile& file, const std::filesystem::path& path);

}  // namespace optbench::core
