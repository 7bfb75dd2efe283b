#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace optbench::vision {

// Reads a whole file, gunzipping it if it is gzip-compressed (zlib reads plain
// files unchanged). Throws std::runtime_error naming the file on any failure.
std::vector<std::uint8_t> read_maybe_gzipped(const std::string& path);

}  // namespace optbench::vision
