// The CIFAR-10 binary version (https://www.cs.toronto.edu/~kriz/cifar.html):
// records of 1 label byte then 3072 pixel bytes (1024 R, 1024 G, 1024 B, row-major 32x32).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace optbench::vision {

inline constexpr std::size_t kCifarImageBytes = 3 * 32 * 32;
inline constexpr std::size_t kCifarRecordBytes = 1 + kCifarImageBytes;

struct CifarRecords {
  std::vector<std::uint8_t> images;  // N x 3 x 32 x 32
  std::vector<std::uint8_t> labels;  // N
};

// Appends the records of one batch file to `out`. Any record count is accepted;
// a size that is not a whole number of records or a label > 9 is an error naming the file.
void read_cifar10_batch(const std::string& path, CifarRecords& out);

}  // namespace optbench::vision
