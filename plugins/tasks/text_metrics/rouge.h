// ROUGE-N, ROUGE-L and ROUGE-Lsum computed exactly as Google's rouge-score
// package computes them (google-research/google-research, folder rouge/:
// rouge_scorer.py, tokenize.py, tokenizers.py, scoring.py), including its
// tokenizer and its optional NLTK Porter stemming. Standard library only.
//
// One known deviation: split_summaries=true. rouge-score then splits
// sentences with nltk.sent_tokenize, i.e. Punkt with its model trained on
// English, a data file this code cannot ship. Here a sentence ends at '!',
// '?' or '.' (plus closing quotes/brackets) followed by whitespace, except
// for Punkt's data-free exceptions: ellipses, single-letter initials
// ("J. Bach") and numbers followed by a lower-case word. The result agrees
// with Punkt on ordinary prose but not around abbreviations ("Mr. Smith",
// "U.S. Army"), which the English model knows and this rule does not.
// split_summaries=false (the default: sentences are non-empty lines) is exact.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace optbench::text_metrics {

// rouge-score's scoring.Score; fmeasure is 0 when precision + recall is 0.
struct RougeScore {
  double precision = 0, recall = 0, fmeasure = 0;
};

// rouge-score's tokenize: lower-case, non-[a-z0-9] runs become spaces, split,
// Porter-stem tokens longer than 3 characters when asked. Input is UTF-8;
// like Python's str.lower(), the Kelvin sign (U+212A) becomes "k" and
// U+0130 becomes "i" (followed by a non-alphanumeric combining dot).
std::vector<std::string> rouge_tokenize(const std::string& text, bool use_stemmer);

class RougeScorer {
 public:
  // rouge_types: "rouge1".."rouge9", "rougeL", "rougeLsum"; throws
  // std::invalid_argument naming the first bad type (rouge-score raises
  // ValueError, but only later, from score()).
  RougeScorer(std::vector<std::string> rouge_types, bool use_stemmer = false,
              bool split_summaries = false);

  // Note the order, as rouge-score's RougeScorer.score(target, prediction).
  std::map<std::string, RougeScore> score(const std::string& target,
                                          const std::string& prediction) const;

  // Several references: per type, the score of the reference with the
  // highest F-measure, the first one on ties (rouge-score's score_multi,
  // np.argmax). Throws std::invalid_argument when targets is empty and there
  // is at least one rouge type (np.argmax of an empty list raises).
  std::map<std::string, RougeScore> score_multi(const std::vector<std::string>& targets,
                                                const std::string& prediction) const;

  const std::vector<std::string>& rouge_types() const;

 private:
  std::vector<std::string> rouge_types_;
  bool use_stemmer_;
  bool split_summaries_;
};

}  // namespace optbench::text_metrics
