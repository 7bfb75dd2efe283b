// Where the host's own files are: share/optbench beside its bin/, in the build tree (which mirrors
// the install tree) and in an installed host alike.
#pragma once

#include <filesystem>

namespace optbench::core {

std::filesystem::path host_share_dir();  // .../share/optbench

}  // namespace optbench::core
