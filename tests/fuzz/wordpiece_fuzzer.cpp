// BERT vocab.txt files, and WordPiece tokenisation of any valid UTF-8 text (what every text
// reader hands it once its file passed the UTF-8 check).
#include "fuzz_input.h"
#include "unicode_text.h"
#include "vocabulary.h"
#include "wordpiece.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace optbench::text;
  const std::string path = optbench::fuzz::as_file(data, size);
  optbench::fuzz::refusals_allowed([&] {
    const WordPiece own(Vocabulary::read(path), true);
    own.encode("The quick brown fox, naïve café 東京.", 32);
  });
  static const WordPiece fixed = [] {
    const std::uint8_t vocab[] = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\nqu\n##ick\nfox\n,\n.\nna\n##ive\n";
    return WordPiece(Vocabulary::read(optbench::fuzz::as_file(vocab, sizeof vocab - 1)), true);
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  optbench::fuzz::refusals_allowed([&] {
    check_utf8(text, "input");
    fixed.encode(text, 128);
  });
  return 0;
}
