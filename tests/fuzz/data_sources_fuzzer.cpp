// `data fetch` sources files (core/data/sources.toml and --sources).
#include "data/data_sources.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = optbench::fuzz::as_file(data, size);
  optbench::fuzz::refusals_allowed([&] { optbench::core::load_data_sources(path); });
  return 0;
}
