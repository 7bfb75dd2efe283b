#include "cifar_format.h"

#include "gz_file.h"

#include <stdexcept>

namespace optbench::vision {

void read_cifar10_batch(const std::string& path, CifarRecords& out) {
  const std::vector<std::uint8_t> bytes = read_maybe_gzipped(path);
  if (bytes.empty() || bytes.size() % kCifarRecordBytes != 0)
    throw std::runtime_error(path + ": size " + std::to_string(bytes.size()) +
                             " bytes is not a whole number of CIFAR-10 records (" +
                             std::to_string(kCifarRecordBytes) + " bytes each; truncated?)");
  const std::size_t n = bytes.size() / kCifarRecordBytes;
  out.images.reserve(out.images.size() + n * kCifarImageBytes);
  for (std::size_t r = 0; r < n; ++r) {
    const std::uint8_t* record = bytes.data() + r * kCifarRecordBytes;
    if (record[0] > 9)
      throw std::runtime_error(path + ": record " + std::to_string(r) + " has label " +
                               std::to_string(record[0]) + "; accepted: 0 to 9");
    out.labels.push_back(record[0]);
    out.images.insert(out.images.end(), record + 1, record + kCifarRecordBytes);
  }
}

}  // namespace optbench::vision
