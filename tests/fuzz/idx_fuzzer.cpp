// MNIST/Fashion-MNIST IDX files, raw and gzip-compressed.
#include "fuzz_input.h"
#include "idx_format.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  optbench::fuzz::refusals_allowed([&] { optbench::vision::parse_idx({data, data + size}, "input"); });
  const std::string path = optbench::fuzz::as_file(data, size);
  optbench::fuzz::refusals_allowed([&] { optbench::vision::read_idx(path); });
  return 0;
}
