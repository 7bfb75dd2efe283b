#include "results/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace optbench::core {

void write_atomically(const fs::path& path, const std::function<void(const fs::path&)>& write) {
  fs::create_directories(path.parent_path());
  const fs::path tmp = path.string() + ".tmp." + std::to_string(::getpid());
  try {
    write(tmp);
    sync_to_disk(tmp);  // the data, before the name points at it
    fs::rename(tmp, path);
    sync_to_disk(path.parent_path());  // the rename itself
  } catch (...) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw;
  }
}

void write_text_atomically(const fs::path& path, const std::string& text) {
  write_atomically(path, [&](const fs::path& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp.string() + ": " + std::strerror(errno));
  });
}

void append_line(const fs::path& path, const std::string& line) { append_bytes(path, line + "\n"); }

void append_bytes(const fs::path& path, const std::string& bytes) {
  // One write(2) with O_APPEND: a process killed at any point leaves all of it or none of it.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot append to " + path.string() + ": " + std::strerror(errno));
  const ssize_t written = ::write(fd, bytes.data(), bytes.size());
  const int error = errno;
  ::close(fd);
  if (written != static_cast<ssize_t>(bytes.size()))
    throw std::runtime_error("cannot append to " + path.string() + ": " +
                             (written < 0 ? std::strerror(error) : "short write (disk full?)"));
}

void sync_to_disk(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
  const int result = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (result != 0 && error != EINVAL)  // EINVAL: a file system without fsync (e.g. some pseudo ones)
    throw std::runtime_error("cannot sync " + path.string() + " to disk: " + std::strerror(error));
}

}  // namespace optbench::core
