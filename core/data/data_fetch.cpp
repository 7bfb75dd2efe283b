#include "data/data_fetch.h"

#include <spdlog/spdlog.h>

#include <sstream>
#include <stdexcept>

#include "common/diagnostics.h"
#include "data/archive_extract.h"
#include "data/download.h"
#include "results/atomic_file.h"

namespace optbench::core {

namespace fs = std::filesystem;

const DataSource& find_data_source(const std::vector<DataSource>& sources, const std::string& name) {
  std::vector<std::string> names;
  for (const auto& s : sources) {
    if (s.name == name) return s;
    names.push_back(s.name);
  }
  throw std::invalid_argument("no data source named '" + name + "'" + did_you_mean(name, names) +
                              " (accepted: " + join(names) + ")");
}

void fetch_dataset(const DataSource& source, const fs::path& root) {
  if (!source.manual.empty())
    throw std::runtime_error(source.name + " cannot be fetched by optbench-host: " + source.manual);
  for (const RemoteFile& file : source.files) {
    const fs::path dir = root / file.into;
    const fs::path path = dir / file.name;
    fs::create_directories(dir);
    if (fs::exists(path)) {
      if (const std::string wrong = verification_error(file, path); !wrong.empty())
        throw std::runtime_error(path.string() + " is there but is not the published file: " + wrong +
                                 "; remove it and run again");
      spdlog::info("{}: already downloaded and verified", path.string());
    } else {
      download_verified(file, path);
    }
    if (!file.extract) continue;
    const fs::path marker = dir / ("." + file.name + ".extracted");
    if (fs::exists(marker)) {
      spdlog::info("{}: already extracted (delete {} to extract it again)", path.string(), marker.string());
      continue;
    }
    const auto entries = extract_archive(path, dir);
    write_text_atomically(marker, join(entries, "\n") + "\n");
    spdlog::info("{}: extracted {} into {}", file.name, join(entries), dir.string());
  }
  spdlog::info("{} is in {}", source.name, root.string());
}

std::string data_sources_table(const std::vector<DataSource>& sources) {
  std::ostringstream out;
  char line[512];
  std::snprintf(line, sizeof line, "%-20s %10s  %-34s %s\n", "DATASET", "DOWNLOAD", "ROOT", "DESCRIPTION");
  out << line;
  for (const auto& s : sources) {
    double megabytes = 0;
    bool all_known = true;
    for (const auto& f : s.files) {
      if (f.bytes)
        megabytes += static_cast<double>(*f.bytes) / 1e6;
      else
        all_known = false;
    }
    char size[32];
    if (!s.manual.empty())
      std::snprintf(size, sizeof size, "by hand");
    else if (megabytes == 0)
      std::snprintf(size, sizeof size, "unknown");
    else
      std::snprintf(size, sizeof size, "%s%.0f MB", all_known ? "" : ">", megabytes);
    std::snprintf(line, sizeof line, "%-20s %10s  %-34s %s\n", s.name.c_str(), size, s.root.c_str(),
                  s.description.c_str());
    out << line;
  }
  return out.str();
}

}  // namespace optbench::core
