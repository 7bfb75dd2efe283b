// BERT's tokeniser (Devlin et al. 2019; google-research/bert tokenization.py):
// basic tokenisation (clean control characters, split CJK characters and
// punctuation, optionally lower-case and strip accents), then greedy
// longest-match-first WordPiece against a vocab.txt, "##" marking continuations.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vocabulary.h"

namespace optbench::text {

class WordPiece {
 public:
  WordPiece(Vocabulary vocabulary, bool lowercase);

  // BasicTokenizer: words and punctuation.
  std::vector<std::string> basic_tokens(std::string_view text) const;
  // The word pieces of `text`; a word with no segmentation becomes [UNK].
  std::vector<std::string> tokenize(std::string_view text) const;
  // [CLS] pieces [SEP] as ids, the pieces truncated so that the whole fits `max_length`.
  std::vector<std::int64_t> encode(const std::vector<std::string>& pieces, std::size_t max_length) const;
  std::vector<std::int64_t> encode(std::string_view text, std::size_t max_length) const {
    return encode(tokenize(text), max_length);
  }

  const Vocabulary& vocabulary() const { return vocabulary_; }
  std::int64_t pad_id() const { return pad_; }

 private:
  Vocabulary vocabulary_;
  bool lowercase_;
  std::int64_t pad_, unk_, cls_, sep_;
};

}  // namespace optbench::text
