// Corpus and sentence BLEU (Papineni et al., 2002) computed exactly as sacreBLEU 2.x
// (Post, 2018; github.com/mjpost/sacrebleu, sacrebleu/metrics/bleu.py) computes it,
// with its default mteval-v13a tokenizer ("13a") or none. Torch-free.
//
// Text is UTF-8. What sacreBLEU does with Python strings is reproduced on code points:
// whitespace is Python's str.split()/rstrip() whitespace (NBSP, U+3000, ... included) and
// `lowercase` is Python's str.lower() (full Unicode simple mapping, U+0130 -> "i\u0307",
// final sigma).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace optbench::text_metrics {

struct BleuOptions {
  std::string tokenize = "13a";  // "13a" (mteval-v13a, sacreBLEU's default) or "none"
  bool lowercase = false;
  std::string smooth_method = "exp";   // "exp", "floor", "add-k", "none"
  std::optional<double> smooth_value;  // floor: 0.1, add-k: 1 when unset (sacreBLEU's defaults)
  int max_ngram_order = 4;
  bool effective_order = false;  // sentence_score always uses true, as sacrebleu.sentence_bleu
};

// Sufficient statistics; summing them over segments gives the corpus statistics.
struct BleuStatistics {
  std::vector<std::int64_t> correct, total;  // per n-gram order (size max_ngram_order)
  std::int64_t sys_len = 0, ref_len = 0;
  // Element-wise sum. An empty (default-constructed) side takes the other's order count;
  // two non-empty sides of different order counts throw std::invalid_argument.
  BleuStatistics& operator+=(const BleuStatistics& other);
};

struct BleuScore {
  double score = 0;                // 0..100
  std::vector<double> precisions;  // percentages, per order (after smoothing, as sacreBLEU)
  double bp = 0, ratio = 0;
  std::int64_t sys_len = 0, ref_len = 0;
  BleuStatistics statistics;  // the unsmoothed statistics the score was computed from
  // sacreBLEU's text: "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)"
  std::string format() const;
};

// sacreBLEU's Tokenizer13a()(line): unescapes &quot; &amp; &lt; &gt;, drops "<skipped>",
// joins "-\n", splits off punctuation and returns the tokens joined by single spaces.
std::string tokenize_13a(const std::string& line);

class Bleu {
 public:
  // Throws std::invalid_argument for an unknown tokenizer or smoothing method, or an order < 1.
  explicit Bleu(BleuOptions options = {});

  // One segment: hypothesis against its references (closest reference length, ties to the
  // shorter, as sacreBLEU). Empty ("") references are dropped, as sacreBLEU does for a
  // variable number of references; throws std::invalid_argument if none is left.
  BleuStatistics statistics(const std::string& hypothesis, const std::vector<std::string>& references) const;
  // From (summed) statistics; throws std::invalid_argument if their order count is not max_ngram_order.
  BleuScore compute(const BleuStatistics& statistics) const;
  // refs[k][i] is the k-th reference of segment i, as sacreBLEU's corpus_score(hyps, [refs_stream1, refs_stream2]).
  // Throws std::invalid_argument for no hypotheses, no reference stream, or a stream whose
  // length differs from the hypotheses'.
  BleuScore corpus_score(const std::vector<std::string>& hypotheses,
                         const std::vector<std::vector<std::string>>& reference_streams) const;
  // Always with effective order, as sacrebleu.sentence_bleu.
  BleuScore sentence_score(const std::string& hypothesis, const std::vector<std::string>& references) const;

  const BleuOptions& options() const { return options_; }

 private:
  BleuScore compute_with(const BleuStatistics& statistics, bool effective_order) const;
  std::vector<std::string> preprocess(const std::string& segment) const;

  BleuOptions options_;
};

}  // namespace optbench::text_metrics
