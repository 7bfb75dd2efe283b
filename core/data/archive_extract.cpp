#include "data/archive_extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <memory>
#include <set>
#include <stdexcept>

namespace optbench::core {
namespace {

namespace fs = std::filesystem;

// Removes the staging directory unless the extraction got to the end.
struct Staging {
  fs::path dir;
  bool keep = false;
  ~Staging() {
    std::error_code ignored;
    if (!keep) fs::remove_all(dir, ignored);
  }
};

// libarchive's message, which may be missing (found by tests/fuzz/archive_fuzzer: a damaged zip).
std::string error_of(archive* a) {
  const char* message = archive_error_string(a);
  return message ? message : "no further detail from libarchive";
}

// "./a/b/" -> "a/b": tar writes both spellings.
std::string normalised(std::string path) {
  while (path.rfind("./", 0) == 0) path.erase(0, 2);
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path;
}

void write_file(archive* in, const fs::path& path, mode_t mode, const std::string& where) {
  // O_NOFOLLOW: never write through a link the archive planted under this name.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) throw std::runtime_error(where + ": cannot create " + path.string() + " (a link or directory there?)");
  const void* block = nullptr;
  size_t size = 0;
  la_int64_t offset = 0;
  int status;
  while ((status = archive_read_data_block(in, &block, &size, &offset)) == ARCHIVE_OK) {
    // Sparse entries give offsets past what was written: pwrite leaves the hole.
    const char* p = static_cast<const char*>(block);
    while (size > 0) {
      const ssize_t n = ::pwrite(fd, p, size, offset);
      if (n <= 0) {
        ::close(fd);
        throw std::runtime_error(where + ": cannot write " + path.string() + " (disk full?)");
      }
      p += n;
      size -= static_cast<size_t>(n);
      offset += n;
    }
  }
  ::close(fd);
  if (status != ARCHIVE_EOF) throw std::runtime_error(where + ": the archive is damaged or truncated: " + error_of(in));
}

}  // namespace

std::string unsafe_member_path(const std::string& path) {
  if (path.empty()) return "an empty path";
  if (path.front() == '/') return "an absolute path";
  for (const auto& part : fs::path(path))
    if (part == "..") return "a '..' part";
  return "";
}

std::string unsafe_link_target(const std::string& target) {
  const std::string why = unsafe_member_path(target);
  return why.empty() ? "" : why + " (links may only point down, into the archive's own directories)";
}

std::vector<std::string> extract_archive(const fs::path& archive_path, const fs::path& destination) {
  fs::create_directories(destination);
  Staging staging{destination / (".extracting-" + archive_path.filename().string())};
  fs::remove_all(staging.dir);  // left by a killed extraction
  fs::create_directory(staging.dir);

  std::unique_ptr<archive, decltype(&archive_read_free)> in(archive_read_new(), archive_read_free);
  // Only these formats and filters: libarchive's "all" also reads mtree, whose entries name
  // files on this machine, and runs external programs for some compressors.
  archive_read_support_format_tar(in.get());
  archive_read_support_format_gnutar(in.get());
  archive_read_support_format_zip(in.get());
  archive_read_support_filter_gzip(in.get());
  archive_read_support_filter_bzip2(in.get());
  archive_read_support_filter_xz(in.get());
  const std::string name = archive_path.string();
  if (archive_read_open_filename(in.get(), name.c_str(), 1 << 16) != ARCHIVE_OK)
    throw std::runtime_error(name +
                             ": not an archive optbench can read (tar, tar.gz/bz2/xz, zip): " + error_of(in.get()));

  std::set<std::string> top_level;
  archive_entry* entry = nullptr;
  int status;
  while ((status = archive_read_next_header(in.get(), &entry)) == ARCHIVE_OK) {
    const char* raw = archive_entry_pathname(entry);
    if (!raw) throw std::runtime_error(name + ": an entry's name cannot be read");
    const std::string path = normalised(raw);
    const std::string where = name + ": entry '" + std::string(raw) + "'";
    if (path.empty()) continue;  // "./" itself
    if (const std::string why = unsafe_member_path(path); !why.empty())
      throw std::runtime_error(where + " is refused: " + why + " would write outside " + destination.string());
    const fs::path target = staging.dir / path;
    fs::create_directories(target.parent_path());
    top_level.insert(fs::path(path).begin()->string());

    if (const char* hardlink = archive_entry_hardlink(entry)) {
      const std::string to = normalised(hardlink);
      if (const std::string why = unsafe_member_path(to); !why.empty())
        throw std::runtime_error(where + " is refused: a hard link to '" + hardlink + "', " + why);
      if (!fs::is_regular_file(fs::symlink_status(staging.dir / to)))
        throw std::runtime_error(where + " is refused: a hard link to '" + hardlink +
                                 "', which is not a file before it");
      fs::create_hard_link(staging.dir / to, target);
      continue;
    }
    switch (archive_entry_filetype(entry)) {
      case AE_IFDIR:
        fs::create_directories(target);
        break;
      case AE_IFREG:
        write_file(in.get(), target, (archive_entry_perm(entry) & 0111) ? 0755 : 0644, where);
        break;
      case AE_IFLNK: {
        const char* link = archive_entry_symlink(entry);
        if (!link) throw std::runtime_error(where + ": a symbolic link without a target");
        if (const std::string why = unsafe_link_target(link); !why.empty())
          throw std::runtime_error(where + " is refused: a symbolic link to '" + link + "', " + why);
        fs::create_symlink(link, target);
        break;
      }
      default:
        throw std::runtime_error(where +
                                 " is refused: only files, directories and links are extracted, not device "
                                 "files, FIFOs or sockets");
    }
  }
  if (status != ARCHIVE_EOF)
    throw std::runtime_error(name + ": the archive is damaged or truncated: " + error_of(in.get()));

  for (const auto& top : top_level)
    if (fs::exists(fs::symlink_status(destination / top)))
      throw std::runtime_error(name + ": " + (destination / top).string() +
                               " already exists (from your own files, or an extraction this tool did not finish); "
                               "remove it and run again");
  for (const auto& top : top_level) fs::rename(staging.dir / top, destination / top);
  return {top_level.begin(), top_level.end()};
}

}  // namespace optbench::core
