#include "common/host_paths.h"

#include <boost/dll/runtime_symbol_info.hpp>

namespace optbench::core {

std::filesystem::path host_share_dir() {
  return boost::dll::program_location().parent_path().parent_path() / "share" / "optbench";
}

}  // namespace optbench::core
