#include "gz_file.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace optbench::vision {

std::vector<std::uint8_t> read_maybe_gzipped(const std::string& path) {
  std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), gzclose);
  if (!file) throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
  gzbuffer(file.get(), 1 << 20);
  std::vector<std::uint8_t> data;
  std::uint8_t chunk[1 << 16];
  for (;;) {
    int n = gzread(file.get(), chunk, sizeof(chunk));
    if (n < 0) {
      int code = 0;
      const char* message = gzerror(file.get(), &code);
      throw std::runtime_error(path + ": corrupt gzip data: " + message);
    }
    if (n == 0) break;
    data.insert(data.end(), chunk, chunk + n);
  }
  // gzread stops quietly at a truncated gzip stream; gzerror tells.
  int code = 0;
  const char* message = gzerror(file.get(), &code);
  if (code != Z_OK && code != Z_BUF_ERROR)
    throw std::runtime_error(path + ": corrupt gzip data: " + message);
  if (code == Z_BUF_ERROR)
    throw std::runtime_error(path + ": truncated gzip file (unexpected end of stream)");
  return data;
}

}  // namespace optbench::vision
