// Downloaded archives (tar, tar.gz/bz2/xz, zip) as `data fetch` extracts them. Beyond no crash:
// whatever the archive holds, nothing appears outside the target directory, and every link
// inside it points down (tar-slip).
#include <filesystem>

#include "data/archive_extract.h"
#include "fuzz_input.h"

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fs::path sandbox = [] {
    const fs::path base = fs::is_directory("/dev/shm") ? "/dev/shm" : fs::temp_directory_path();
    const fs::path dir = base / ("optbench-archive-fuzz-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
  }();
  const fs::path target = sandbox / "target";
  const std::string archive = optbench::fuzz::as_file(data, size);
  optbench::fuzz::refusals_allowed([&] { optbench::core::extract_archive(archive, target); });
  for (const auto& entry : fs::directory_iterator(sandbox))
    if (entry.path() != target) __builtin_trap();  // written outside the target
  if (fs::exists(target)) {
    for (const auto& entry : fs::recursive_directory_iterator(target)) {
      if (!entry.is_symlink()) continue;
      const std::string to = fs::read_symlink(entry.path()).string();
      if (!optbench::core::unsafe_link_target(to).empty()) __builtin_trap();  // a link out
    }
  }
  fs::remove_all(target);
  return 0;
}
