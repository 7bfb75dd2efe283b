#include "data_paths.h"

#include <stdexcept>

namespace fs = std::filesystem;

namespace optbench::datasets {

namespace {

void require_directory(const fs::path& root, const std::string& title) {
  if (!fs::is_directory(root)) throw std::runtime_error(title + ": root directory " + root.string() + " does not exist");
}

}  // namespace

fs::path find_data_dir(const fs::path& root, const std::vector<std::string>& candidates, const std::string& marker,
                       const std::string& title) {
  require_directory(root, title);
  std::string where;
  for (const auto& sub : candidates) {
    const fs::path dir = sub.empty() ? root : root / sub;
    if (fs::exists(dir / marker)) return dir;
    where += (where.empty() ? "" : " or ") + dir.string();
  }
  throw std::runtime_error(title + ": " + marker + " not found in " + where);
}

fs::path find_data_file(const fs::path& dir, const std::vector<std::string>& names, const std::string& title) {
  require_directory(dir, title);
  std::string list;
  for (const auto& name : names) {
    if (fs::exists(dir / name)) return dir / name;
    list += (list.empty() ? "" : " or ") + name;
  }
  if (names.size() == 1) throw std::runtime_error(title + ": " + (dir / names[0]).string() + " does not exist");
  throw std::runtime_error(title + ": neither " + list + " exists in " + dir.string());
}

}  // namespace optbench::datasets
