// CoNLL-2003 and WikiANN (PAN-X) column files.
#include "fuzz_input.h"
#include "tagging_corpora.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = optbench::fuzz::as_file(data, size);
  optbench::fuzz::refusals_allowed([&] { optbench::text::read_conll2003(path); });
  optbench::fuzz::refusals_allowed([&] { optbench::text::read_panx(path); });
  return 0;
}
