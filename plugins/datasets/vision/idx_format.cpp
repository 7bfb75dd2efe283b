#include "idx_format.h"

#include "gz_file.h"

#include <cstdio>
#include <stdexcept>

namespace optbench::vision {

IdxArray parse_idx(const std::vector<std::uint8_t>& bytes, const std::string& path) {
  auto fail = [&](const std::string& what) { throw std::runtime_error(path + ": " + what); };
  if (bytes.size() < 4) fail("not an IDX file: shorter than the 4-byte magic number");
  if (bytes[0] != 0 || bytes[1] != 0)
    fail("not an IDX file: magic number must start with two zero bytes");
  if (bytes[2] != 0x08) {
    char type[8];
    std::snprintf(type, sizeof(type), "0x%02x", bytes[2]);
    fail(std::string("unsupported IDX element type ") + type + "; accepted: 0x08 (unsigned byte)");
  }
  const std::size_t ndims = bytes[3];
  if (ndims < 1 || ndims > 4)
    fail("IDX header declares " + std::to_string(ndims) + " dimensions; accepted: 1 to 4");
  const std::size_t header = 4 + 4 * ndims;
  if (bytes.size() < header) fail("truncated IDX header");
  IdxArray out;
  std::uint64_t count = 1;
  for (std::size_t d = 0; d < ndims; ++d) {
    const std::uint8_t* p = bytes.data() + 4 + 4 * d;
    std::uint32_t size = (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) |
                         (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
    if (size == 0) fail("IDX header declares a dimension of size 0: the file holds no data");
    out.dims.push_back(size);
    if (__builtin_mul_overflow(count, std::uint64_t{size}, &count))
      fail("IDX dimensions multiply past 2^64 bytes: not a real file");
  }
  const std::uint64_t have = bytes.size() - header;
  if (have != count)
    fail("IDX header promises " + std::to_string(count) + " data bytes but the file holds " +
         std::to_string(have) + (have < count ? " (truncated?)" : " (trailing data)"));
  out.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
  return out;
}

IdxArray read_idx(const std::string& path) { return parse_idx(read_maybe_gzipped(path), path); }

}  // namespace optbench::vision
