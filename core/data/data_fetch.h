// `optbench-host data fetch` and `data list`: datasets downloaded, checked and extracted where
// the experiment files look for them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "data/data_sources.h"

namespace optbench::core {

// The source named `name`; a std::invalid_argument naming the accepted ones if there is none.
const DataSource& find_data_source(const std::vector<DataSource>& sources, const std::string& name);

// Downloads, checks and extracts every file of `source` under `root`. What is already there and
// checked is kept; an archive already extracted (root/.NAME.extracted) is not extracted again.
void fetch_dataset(const DataSource& source, const std::filesystem::path& root);

// One line per dataset: name, download size, default root, and whether it is fetchable.
std::string data_sources_table(const std::vector<DataSource>& sources);

}  // namespace optbench::core
