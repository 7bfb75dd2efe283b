// IWSLT'14 (XML segments and tagged training text), Europarl's aligned lines, CNN/DailyMail
// stories and URL lists, AESLC e-mails.
#include "fuzz_input.h"
#include "seq2seq_corpora.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace optbench::text;
  const std::string path = optbench::fuzz::as_file(data, size);
  optbench::fuzz::refusals_allowed([&] { read_iwslt_segments(path); });
  optbench::fuzz::refusals_allowed([&] { read_iwslt_train(path, path); });
  optbench::fuzz::refusals_allowed([&] { read_parallel_lines(path, path); });
  optbench::fuzz::refusals_allowed([&] { read_story(path); });
  optbench::fuzz::refusals_allowed([&] {
    for (const auto& url : read_url_list(path)) story_file_name(url);
  });
  optbench::fuzz::refusals_allowed([&] { read_aeslc_email(path); });
  return 0;
}
