// The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/):
// magic 0x00 0x00 <type> <ndims>, ndims big-endian uint32 sizes, then the data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace optbench::vision {

struct IdxArray {
  std::vector<std::uint32_t> dims;
  std::vector<std::uint8_t> data;  // row-major, product(dims) bytes
};

// Parses an IDX file of unsigned bytes (type 0x08), gzipped or raw.
// `path` names the file in error messages.
IdxArray parse_idx(const std::vector<std::uint8_t>& bytes, const std::string& path);
IdxArray read_idx(const std::string& path);

}  // namespace optbench::vision
