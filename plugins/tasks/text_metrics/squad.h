// SQuAD v1.1 exact match and F1 as the official evaluate-v1.1.py computes them
// (Rajpurkar et al., https://rajpurkar.github.io/SQuAD-explorer/, the script
// also shipped as allenai/bi-att-flow squad/evaluate-v1.1.py and copied into
// Hugging Face's `evaluate`/`datasets` "squad" metric as compute_score).
// Text is UTF-8; normalisation follows Python 3 str semantics code point by
// code point, with Unicode data from utf8proc (link -lutf8proc).
//
// Deviations, all outside well-formed SQuAD input:
//  * Unicode data is utf8proc's (15.0 for utf8proc 2.8), so results equal
//    Python 3.12's; other Python versions differ only on code points whose
//    properties changed between Unicode versions.
//  * Bytes that are not valid UTF-8 (a Python str cannot hold them) are kept
//    as they are and count as neither letters, spaces nor punctuation.
//  * squad_evaluate_files checks the whole structure up front, so it rejects
//    some files the script would accept because it never looks at that part
//    (broken "answers" of unanswered questions, non-string predictions for
//    ids not in the dataset). It accepts a UTF-8 byte order mark and rejects
//    lone-surrogate escapes ("\ud800"), which Python's json does the other
//    way round.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace optbench::text_metrics {

// normalize_answer: lower-case (Python's str.lower), remove Python's
// string.punctuation (ASCII only), replace the whole words a/an/the by a
// space (re's Unicode-aware \b), collapse whitespace (str.split()).
std::string squad_normalize(const std::string& text);

// exact_match_score: 1 when the normalised strings are equal, else 0.
double squad_exact_match(const std::string& prediction, const std::string& ground_truth);

// f1_score: token F1 over normalised tokens with multiset (Counter)
// intersection; 0 when nothing is shared, which includes every case where
// either side normalises to no tokens (even both: EM 1 but F1 0).
double squad_f1(const std::string& prediction, const std::string& ground_truth);

// metric_max_over_ground_truths. Throws std::invalid_argument when
// ground_truths is empty (the script's max() of an empty list raises).
double squad_max_over(double (*metric)(const std::string&, const std::string&),
                      const std::string& prediction, const std::vector<std::string>& ground_truths);

// Percentages 0..100, as the script prints them. `questions` includes the
// unanswered ones, which score 0.
struct SquadResult {
  double exact_match = 0, f1 = 0;
  std::int64_t questions = 0, unanswered = 0;
};

// The loop of evaluate(), question by question.
class SquadScorer {
 public:
  // Throws std::invalid_argument when ground_truths is empty.
  void add(const std::string& prediction, const std::vector<std::string>& ground_truths);
  // A question without a prediction: counts in the total with score 0.
  void add_unanswered();
  // 100 * sum / questions, in the script's order of operations; all zeros
  // before the first question (where the script would divide by zero).
  SquadResult result() const;

 private:
  double exact_match_sum_ = 0, f1_sum_ = 0;
  std::int64_t questions_ = 0, unanswered_ = 0;
};

// The script's main: dataset JSON ({"version", "data": [{"paragraphs":
// [{"qas": [{"id", "answers": [{"text"}]}]}]}]}) and predictions JSON
// ({question id: answer text}). Questions without a prediction score 0 and
// are counted in `unanswered`. A "version" other than "1.1" is accepted with
// the script's warning on stderr. Throws std::runtime_error naming the file
// and the JSON path (e.g. data[3].paragraphs[0].qas[2].answers) for an
// unreadable file, invalid JSON, a wrong structure, an answered question
// with no answers, or a dataset without questions (the script fails on
// those too).
SquadResult squad_evaluate_files(const std::string& dataset_json, const std::string& predictions_json);

}  // namespace optbench::text_metrics
