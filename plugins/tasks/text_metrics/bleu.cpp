// Corpus and sentence BLEU computed exactly as sacreBLEU 2.x does (github.com/mjpost/sacrebleu):
// sacrebleu/metrics/bleu.py (compute_bleu, segment statistics, closest reference length),
// metrics/base.py (empty references dropped), metrics/helpers.py (word n-grams),
// tokenizers/tokenizer_13a.py and tokenizer_re.py (mteval-v13a), and the Python string
// semantics they rely on (str.split, str.rstrip and str.lower from python_text.h; float
// formatting and sum here). Written anew in C++.
#include "bleu.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "python_text.h"

namespace optbench::text_metrics {
namespace {

// ---------------------------------------------------------------------------------------
// mteval-v13a tokenization (tokenizer_13a.py + tokenizer_re.py). Every pattern is ASCII and
// every rewrite only inserts spaces, so scanning bytes gives what Python's regexes give on
// code points: a UTF-8 lead or continuation byte is, like the character, "not a digit".

// str.replace(from, to): left to right, non-overlapping.
std::string replace_all(const std::string& text, std::string_view from, std::string_view to) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  for (std::size_t hit = text.find(from); hit != std::string::npos; hit = text.find(from, pos)) {
    out.append(text, pos, hit - pos);
    out += to;
    pos = hit + from.size();
  }
  out.append(text, pos, std::string::npos);
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_period_or_comma(char c) { return c == '.' || c == ','; }

// re.sub(r'([\{-\~\[-\` -\&\(-\+\:-\@\/])', r' \1 '): ASCII punctuation and symbols
// except ' , - . (the next passes decide those), and space itself.
bool is_isolated_symbol(char c) {
  return (c >= '{' && c <= '~') || (c >= '[' && c <= '`') || (c >= ' ' && c <= '&') || (c >= '(' && c <= '+') ||
         (c >= ':' && c <= '@') || c == '/';
}

std::string isolate_symbols(const std::string& text) {
  std::string out;
  out.reserve(text.size() * 2);
  for (char c : text) {
    if (is_isolated_symbol(c)) {
      out += ' ';
      out += c;
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// re.sub(r'([^0-9])([\.,])', r'\1 \2 '): period and comma unless preceded by a digit.
// A match consumes both characters, so in "a.." only the first period is matched here.
std::string split_period_comma_after_non_digit(const std::string& text) {
  std::string out;
  out.reserve(text.size() * 2);
  for (std::size_t i = 0; i < text.size();) {
    if (i + 1 < text.size() && !is_digit(text[i]) && is_period_or_comma(text[i + 1])) {
      out += text[i];
      out += ' ';
      out += text[i + 1];
      out += ' ';
      i += 2;
    } else {
      out += text[i++];
    }
  }
  return out;
}

// re.sub(r'([\.,])([^0-9])', r' \1 \2'): period and comma unless followed by a digit.
std::string split_period_comma_before_non_digit(const std::string& text) {
  std::string out;
  out.reserve(text.size() * 2);
  for (std::size_t i = 0; i < text.size();) {
    if (i + 1 < text.size() && is_period_or_comma(text[i]) && !is_digit(text[i + 1])) {
      out += ' ';
      out += text[i];
      out += ' ';
      out += text[i + 1];
      i += 2;
    } else {
      out += text[i++];
    }
  }
  return out;
}

// re.sub(r'([0-9])(-)', r'\1 \2 '): a dash after a digit.
std::string split_dash_after_digit(const std::string& text) {
  std::string out;
  out.reserve(text.size() * 2);
  for (std::size_t i = 0; i < text.size();) {
    if (i + 1 < text.size() && is_digit(text[i]) && text[i + 1] == '-') {
      out += text[i];
      out += " - ";
      i += 2;
    } else {
      out += text[i++];
    }
  }
  return out;
}

std::vector<std::string> tokens_13a(const std::string& line) {
  std::string text = replace_all(line, "<skipped>", "");
  text = replace_all(text, "-\n", "");
  text = replace_all(text, "\n", " ");
  text = replace_all(text, "&quot;", "\"");
  text = replace_all(text, "&amp;", "&");
  text = replace_all(text, "&lt;", "<");
  text = replace_all(text, "&gt;", ">");
  // The padding gives a first or last period a non-digit neighbour, as in mteval.
  text = " " + text + " ";
  text = isolate_symbols(text);
  text = split_period_comma_after_non_digit(text);
  text = split_period_comma_before_non_digit(text);
  text = split_dash_after_digit(text);
  return python::split(text);
}

// ---------------------------------------------------------------------------------------
// Word n-grams (helpers.extract_all_word_ngrams counts tuples of tokens). Within one segment
// every distinct n-gram gets a dense id per order, shared by the hypothesis and its
// references; an n-gram is keyed by the id of its first n-1 tokens and the id of its last
// token, so equal tuples get equal ids without any n-gram string being built.

using NgramIds = std::vector<std::vector<std::uint32_t>>;  // [order - 1][start token]

class SegmentNgramIndex {
 public:
  explicit SegmentNgramIndex(std::size_t max_order) : ngram_ids_(max_order) {}

  NgramIds ids_of(const std::vector<std::string>& tokens) {
    NgramIds ids(ngram_ids_.size());
    for (const std::string& token : tokens) ids[0].push_back(intern(token_ids_, token));
    for (std::size_t n = 2; n <= ids.size() && n <= tokens.size(); ++n) {
      const std::vector<std::uint32_t>& prefixes = ids[n - 2];
      for (std::size_t start = 0; start + n <= tokens.size(); ++start) {
        const std::uint64_t key = (std::uint64_t{prefixes[start]} << 32) | ids[0][start + n - 1];
        ids[n - 1].push_back(intern(ngram_ids_[n - 1], key));
      }
    }
    return ids;
  }

  std::size_t distinct(std::size_t order_index) const {
    return order_index == 0 ? token_ids_.size() : ngram_ids_[order_index].size();
  }

 private:
  template <class Map, class Key>
  static std::uint32_t intern(Map& ids, const Key& key) {
    return ids.emplace(key, static_cast<std::uint32_t>(ids.size())).first->second;
  }

  std::unordered_map<std::string, std::uint32_t> token_ids_;
  std::vector<std::unordered_map<std::uint64_t, std::uint32_t>> ngram_ids_;  // [order - 1], used from order 2
};

struct OrderCounts {
  std::int64_t correct = 0, total = 0;
};

// One order: every hypothesis n-gram counts in the total, and matches at most as often as
// it occurs in the one reference that has it most often (the clipped count of bleu.py).
OrderCounts count_order(const std::vector<std::uint32_t>& hypothesis,
                        const std::vector<std::vector<std::uint32_t>>& references, std::size_t distinct_ngrams) {
  std::vector<std::int64_t> reference_max(distinct_ngrams, 0), counts(distinct_ngrams, 0);
  for (const std::vector<std::uint32_t>& reference : references) {
    for (std::uint32_t id : reference) ++counts[id];
    for (std::uint32_t id : reference) reference_max[id] = std::max(reference_max[id], counts[id]);
    for (std::uint32_t id : reference) counts[id] = 0;
  }
  OrderCounts result;
  result.total = static_cast<std::int64_t>(hypothesis.size());
  for (std::uint32_t id : hypothesis) ++counts[id];
  for (std::uint32_t id : hypothesis) {
    result.correct += std::min(counts[id], reference_max[id]);
    counts[id] = 0;  // each distinct n-gram once
  }
  return result;
}

// _get_closest_ref_len: the reference length nearest the hypothesis', the shorter on a tie.
std::int64_t closest_reference_length(std::int64_t hypothesis_length, const std::vector<std::int64_t>& lengths) {
  std::int64_t closest = lengths.front();
  for (std::int64_t length : lengths) {
    const std::int64_t diff = std::abs(hypothesis_length - length);
    const std::int64_t best_diff = std::abs(hypothesis_length - closest);
    if (diff < best_diff || (diff == best_diff && length < closest)) closest = length;
  }
  return closest;
}

// ---------------------------------------------------------------------------------------
// Scoring arithmetic, operation for operation as compute_bleu in Python floats.

// utils.my_log: log, with log(0) floored to -9999999999 so that exp() of the mean gives 0.
double floored_log(double value) { return value == 0.0 ? -9999999999.0 : std::log(value); }

// Python's built-in sum() over floats. CPython >= 3.12 sums with Neumaier compensation;
// matching it keeps the last bit of the score identical (<= 3.11 summed naively, which
// can differ by a few ulps).
double python_float_sum(const std::vector<double>& values) {
  double sum = 0.0, compensation = 0.0;
  for (double x : values) {
    const double t = sum + x;
    compensation += std::fabs(sum) >= std::fabs(x) ? (sum - t) + x : (x - t) + sum;
    sum = t;
  }
  if (compensation != 0.0 && std::isfinite(compensation)) sum += compensation;
  return sum;
}

double brevity_penalty(std::int64_t sys_len, std::int64_t ref_len) {
  if (sys_len >= ref_len) return 1.0;
  if (sys_len <= 0) return 0.0;
  return std::exp(1.0 - static_cast<double>(ref_len) / static_cast<double>(sys_len));
}

double default_smooth_value(const std::string& method) {
  if (method == "floor") return 0.1;
  if (method == "add-k") return 1.0;
  return 0.0;  // "exp" and "none" take no value
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  // to_chars is locale-independent and correctly rounded, as Python's format().
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
  return std::string(buffer, result.ptr);
}

void check_options(const BleuOptions& options) {
  if (options.tokenize != "13a" && options.tokenize != "none")
    throw std::invalid_argument("Bleu: unknown tokenizer \"" + options.tokenize + "\" (supported: \"13a\", \"none\")");
  const std::string& method = options.smooth_method;
  if (method != "exp" && method != "floor" && method != "add-k" && method != "none")
    throw std::invalid_argument("Bleu: unknown smooth_method \"" + method +
                                "\" (supported: \"exp\", \"floor\", \"add-k\", \"none\")");
  if (options.max_ngram_order < 1)
    throw std::invalid_argument("Bleu: max_ngram_order must be at least 1, got " +
                                std::to_string(options.max_ngram_order));
}

}  // namespace

// ---------------------------------------------------------------------------------------

BleuStatistics& BleuStatistics::operator+=(const BleuStatistics& other) {
  const bool other_is_empty = other.correct.empty() && other.total.empty();  // nothing summed into it yet
  const bool this_is_empty = correct.empty() && total.empty();
  if (!other_is_empty && !this_is_empty &&
      (other.correct.size() != correct.size() || other.total.size() != total.size()))
    throw std::invalid_argument("BleuStatistics: cannot add statistics of " + std::to_string(other.correct.size()) +
                                " n-gram orders to statistics of " + std::to_string(correct.size()));
  if (!other_is_empty) {
    correct.resize(other.correct.size(), 0);
    total.resize(other.total.size(), 0);
    for (std::size_t i = 0; i < correct.size(); ++i) correct[i] += other.correct[i];
    for (std::size_t i = 0; i < total.size(); ++i) total[i] += other.total[i];
  }
  sys_len += other.sys_len;
  ref_len += other.ref_len;
  return *this;
}

std::string BleuScore::format() const {
  std::string text = "BLEU = " + fixed(score, 2) + " ";
  for (std::size_t i = 0; i < precisions.size(); ++i) text += (i ? "/" : "") + fixed(precisions[i], 1);
  text += " (BP = " + fixed(bp, 3) + " ratio = " + fixed(ratio, 3) + " hyp_len = " + std::to_string(sys_len) +
          " ref_len = " + std::to_string(ref_len) + ")";
  return text;
}

std::string tokenize_13a(const std::string& line) { return python::join_with_spaces(tokens_13a(line)); }

Bleu::Bleu(BleuOptions options) : options_(std::move(options)) { check_options(options_); }

// _preprocess_segment: lower-case, strip trailing whitespace, tokenize; then str.split().
std::vector<std::string> Bleu::preprocess(const std::string& segment) const {
  const std::string cased = options_.lowercase ? python::lower(segment, python::CaseData::kBuiltinTables) : segment;
  const std::string stripped(python::rstrip(cased));
  return options_.tokenize == "13a" ? tokens_13a(stripped) : python::split(stripped);
}

BleuStatistics Bleu::statistics(const std::string& hypothesis, const std::vector<std::string>& references) const {
  const auto order = static_cast<std::size_t>(options_.max_ngram_order);
  SegmentNgramIndex index(order);
  std::vector<NgramIds> reference_ids;
  std::vector<std::int64_t> reference_lengths;
  for (const std::string& reference : references) {
    if (reference.empty()) continue;  // a missing reference for this segment (base.py _cache_references)
    const std::vector<std::string> tokens = preprocess(reference);
    reference_lengths.push_back(static_cast<std::int64_t>(tokens.size()));
    reference_ids.push_back(index.ids_of(tokens));
  }
  if (reference_lengths.empty())
    throw std::invalid_argument(
        "Bleu: a segment has no non-empty reference (sacreBLEU: \"Empty or `None` reference sentence found.\")");
  const std::vector<std::string> hypothesis_tokens = preprocess(hypothesis);
  const NgramIds hypothesis_ids = index.ids_of(hypothesis_tokens);

  BleuStatistics stats;
  stats.sys_len = static_cast<std::int64_t>(hypothesis_tokens.size());
  stats.ref_len = closest_reference_length(stats.sys_len, reference_lengths);
  std::vector<std::vector<std::uint32_t>> references_of_order(reference_ids.size());
  for (std::size_t n = 0; n < order; ++n) {
    for (std::size_t k = 0; k < reference_ids.size(); ++k) references_of_order[k] = std::move(reference_ids[k][n]);
    const OrderCounts counts = count_order(hypothesis_ids[n], references_of_order, index.distinct(n));
    stats.correct.push_back(counts.correct);
    stats.total.push_back(counts.total);
  }
  return stats;
}

BleuScore Bleu::compute(const BleuStatistics& statistics) const {
  return compute_with(statistics, options_.effective_order);
}

BleuScore Bleu::compute_with(const BleuStatistics& statistics, bool effective_order) const {
  const auto order = static_cast<std::size_t>(options_.max_ngram_order);
  BleuScore result;
  result.statistics = statistics;
  BleuStatistics& stats = result.statistics;
  if (stats.correct.empty() && stats.total.empty()) {  // nothing summed yet: all zero
    stats.correct.assign(order, 0);
    stats.total.assign(order, 0);
  }
  if (stats.correct.size() != order || stats.total.size() != order)
    throw std::invalid_argument("Bleu::compute: statistics have " + std::to_string(stats.correct.size()) + "/" +
                                std::to_string(stats.total.size()) +
                                " n-gram orders, expected max_ngram_order = " + std::to_string(order));
  result.sys_len = stats.sys_len;
  result.ref_len = stats.ref_len;
  result.ratio = stats.ref_len != 0 ? static_cast<double>(stats.sys_len) / static_cast<double>(stats.ref_len) : 0.0;
  result.bp = brevity_penalty(stats.sys_len, stats.ref_len);
  result.precisions.assign(order, 0.0);

  // No match at any order: 0 without smoothing (sacreBLEU #141).
  if (std::all_of(stats.correct.begin(), stats.correct.end(), [](std::int64_t c) { return c == 0; })) return result;

  const std::string& method = options_.smooth_method;
  const double smooth_value = options_.smooth_value.value_or(default_smooth_value(method));
  double exp_smoothing_factor = 1.0;  // mteval's: doubles at each order without a match
  std::size_t used_orders = order;
  for (std::size_t n = 1; n <= order; ++n) {
    double correct = static_cast<double>(stats.correct[n - 1]);
    double total = static_cast<double>(stats.total[n - 1]);
    if (method == "add-k" && n > 1) {  // add-k leaves unigrams alone
      correct += smooth_value;
      total += smooth_value;
    }
    if (total == 0) break;  // hypothesis shorter than n: no higher order either
    if (effective_order) used_orders = n;
    double& precision = result.precisions[n - 1];
    if (correct == 0) {
      if (method == "exp") {
        exp_smoothing_factor *= 2;
        precision = 100.0 / (exp_smoothing_factor * total);
      } else if (method == "floor") {
        precision = 100.0 * smooth_value / total;
      }
    } else {
      precision = 100.0 * correct / total;
    }
  }

  std::vector<double> logs;
  for (std::size_t n = 0; n < used_orders; ++n) logs.push_back(floored_log(result.precisions[n]));
  result.score = result.bp * std::exp(python_float_sum(logs) / static_cast<double>(used_orders));
  return result;
}

BleuScore Bleu::corpus_score(const std::vector<std::string>& hypotheses,
                             const std::vector<std::vector<std::string>>& reference_streams) const {
  if (hypotheses.empty()) throw std::invalid_argument("Bleu::corpus_score: no hypotheses");
  if (reference_streams.empty()) throw std::invalid_argument("Bleu::corpus_score: no reference stream");
  for (std::size_t k = 0; k < reference_streams.size(); ++k) {
    if (reference_streams[k].size() != hypotheses.size())
      throw std::invalid_argument("Bleu::corpus_score: reference stream " + std::to_string(k) + " has " +
                                  std::to_string(reference_streams[k].size()) + " segments but there are " +
                                  std::to_string(hypotheses.size()) + " hypotheses");
  }
  BleuStatistics corpus;
  std::vector<std::string> references(reference_streams.size());
  for (std::size_t i = 0; i < hypotheses.size(); ++i) {
    for (std::size_t k = 0; k < reference_streams.size(); ++k) references[k] = reference_streams[k][i];
    try {
      corpus += statistics(hypotheses[i], references);
    } catch (const std::invalid_argument& error) {
      throw std::invalid_argument("Bleu::corpus_score: segment " + std::to_string(i) + ": " + error.what());
    }
  }
  return compute(corpus);
}

BleuScore Bleu::sentence_score(const std::string& hypothesis, const std::vector<std::string>& references) const {
  if (references.empty()) throw std::invalid_argument("Bleu::sentence_score: no reference");
  return compute_with(statistics(hypothesis, references), /*effective_order=*/true);
}

}  // namespace optbench::text_metrics
