// SST-2 TSV files (and the UTF-8 reading every text reader shares).
#include "fuzz_input.h"
#include "text_corpora.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = optbench::fuzz::as_file(data, size);
  optbench::fuzz::refusals_allowed([&] { optbench::text::read_sst2_tsv(path); });
  return 0;
}
