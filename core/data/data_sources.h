// The datasets `optbench-host data fetch` knows: where each file is downloaded from, its size
// and checksum, and whether it is an archive to extract (core/data/sources.toml, or --sources).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace optbench::core {

struct RemoteFile {
  std::string name;                    // file name under root/into
  std::vector<std::string> urls;       // mirrors, tried in order
  std::optional<std::uint64_t> bytes;  // checked when known
  std::string sha256;                  // lower-case hex, or
  std::string md5;                     // where only MD5 is published
  bool extract = false;                // an archive unpacked into root/into
  std::string into;                    // sub-directory of root ("" = root)
};

struct DataSource {
  std::string name;  // the experiment files' [dataset] name
  std::string root;  // the default --root
  std::string description;
  std::string manual;  // set when it cannot be fetched (no published checksum): how to get it
  std::vector<RemoteFile> files;
};

// Every table of a sources file, checked: unknown keys, missing checksums, file names that are
// not plain names... are ConfigErrors naming file, line and key.
std::vector<DataSource> load_data_sources(const std::string& path);

// share/optbench/data_sources.toml beside the executable (build and install trees alike).
std::string default_data_sources_path();

}  // namespace optbench::core
