// SQuAD v1.1 and TweetQA JSON files.
#include "fuzz_input.h"
#include "qa_corpora.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = optbench::fuzz::as_file(data, size);
  optbench::fuzz::refusals_allowed([&] { optbench::text::read_squad(path); });
  optbench::fuzz::refusals_allowed([&] { optbench::text::read_tweetqa(path); });
  return 0;
}
