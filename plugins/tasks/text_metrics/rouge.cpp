// ROUGE as computed by Google's rouge-score (google-research rouge/
// rouge_scorer.py, tokenize.py, scoring.py): n-gram overlap, sentence-level
// LCS and summary-level union LCS with ROUGE-1.5.5's double-count guard.
// Counts are exact integers and every ratio is one IEEE division, as in
// Python, so scores match rouge-score bit for bit.
#include "rouge.h"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "porter_stemmer.h"

namespace optbench::text_metrics {
namespace {

// ---------------------------------------------------------------- tokenize

bool is_token_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Python's text.lower() followed by re.sub("[^a-z0-9]+", " ", ...). Only two
// non-ASCII code points lower-case to ASCII alphanumerics (checked over all
// of Unicode with CPython 3.11): KELVIN SIGN -> "k", and LATIN CAPITAL I
// WITH DOT ABOVE -> "i" + U+0307 (a combining mark, hence a separator).
// Every other non-ASCII byte is a separator.
std::string lower_and_blank_separators(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 'A' && byte <= 'Z') {
      out += static_cast<char>(byte - 'A' + 'a');
    } else if (is_token_char(text[i])) {
      out += text[i];
    } else if (byte == 0xE2 && i + 2 < n && static_cast<unsigned char>(text[i + 1]) == 0x84 &&
               static_cast<unsigned char>(text[i + 2]) == 0xAA) {
      out += 'k';  // U+212A KELVIN SIGN.
      i += 2;
    } else if (byte == 0xC4 && i + 1 < n && static_cast<unsigned char>(text[i + 1]) == 0xB0) {
      out += "i ";  // U+0130: "i" then the combining dot, a separator.
      i += 1;
    } else {
      out += ' ';
    }
  }
  return out;
}

std::vector<std::string> split_on_spaces(const std::string& text) {
  std::vector<std::string> words;
  std::string current;
  for (char c : text) {
    if (c == ' ') {
      if (!current.empty()) words.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

bool is_valid_token(const std::string& token) {
  return !token.empty() && std::all_of(token.begin(), token.end(), is_token_char);
}

// ------------------------------------------------------------- sentences

// rougeLsum without split_summaries: text.split("\n") minus empty strings.
std::vector<std::string> split_on_newlines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end == std::string::npos ? end : end - start);
    if (!line.empty()) lines.push_back(line);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

bool is_sentence_terminal(char c) { return c == '.' || c == '!' || c == '?'; }
bool is_closing_punctuation(char c) {
  return c == '"' || c == '\'' || c == ')' || c == ']' || c == '}';
}
bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

// The word that a terminal-punctuation run at `run_begin` closes, without
// leading brackets or quotes (Punkt's word tokenizer splits those off).
std::string word_before(const std::string& text, std::size_t run_begin) {
  std::size_t begin = run_begin;
  while (begin > 0 && !is_ascii_space(text[begin - 1])) --begin;
  while (begin < run_begin && !is_ascii_letter(text[begin]) && !is_ascii_digit(text[begin]) &&
         text[begin] != '-') {
    ++begin;
  }
  return text.substr(begin, run_begin - begin);
}

// Punkt's number shape: -?[.,]?\d[\d,.-]* (its trailing period is the run).
bool looks_like_number(const std::string& word) {
  std::size_t i = 0;
  if (i < word.size() && word[i] == '-') ++i;
  if (i < word.size() && (word[i] == '.' || word[i] == ',')) ++i;
  if (i >= word.size() || !is_ascii_digit(word[i])) return false;
  for (++i; i < word.size(); ++i) {
    const char c = word[i];
    if (!is_ascii_digit(c) && c != ',' && c != '.' && c != '-') return false;
  }
  return true;
}

// Punkt's parameter-free decisions for a run of '.', '!' or '?' followed by
// whitespace: "!" and "?" end sentences; an ellipsis does not; a bare period
// after a single-letter initial ("J. Bach") does not; a bare period after a
// number does not when a lower-case word follows ("in 3. then"). A closing
// quote or bracket after the period makes it a break again, as in Punkt.
// What the English model learned from data (abbreviations like "Mr.") is
// out of reach.
bool run_ends_sentence(const std::string& text, std::size_t run_begin, std::size_t run_end,
                       std::size_t after_closers, std::size_t next_word_begin) {
  if (text[run_end - 1] != '.') return true;
  if (run_end - run_begin >= 2 && text[run_end - 2] == '.') return false;  // "..", "..."
  if (after_closers != run_end) return true;
  const std::string word = word_before(text, run_begin);
  if (word.size() == 1 && is_ascii_letter(word[0])) return false;
  const bool next_is_lower = next_word_begin < text.size() && text[next_word_begin] >= 'a' &&
                             text[next_word_begin] <= 'z';
  if (looks_like_number(word) && next_is_lower) return false;
  return true;
}

// Stand-in for nltk.sent_tokenize (see rouge.h): a sentence may end after a
// run of terminal punctuation and any closing quotes/brackets, when
// whitespace follows. Newlines alone do not end a sentence, as in Punkt.
std::vector<std::string> split_on_terminal_punctuation(const std::string& text) {
  std::vector<std::string> sentences;
  std::size_t start = 0;
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    if (!is_sentence_terminal(text[i])) {
      ++i;
      continue;
    }
    const std::size_t run_begin = i;
    std::size_t run_end = i;
    while (run_end < n && is_sentence_terminal(text[run_end])) ++run_end;
    std::size_t end = run_end;
    while (end < n && is_closing_punctuation(text[end])) ++end;
    if (end < n && is_ascii_space(text[end])) {
      std::size_t next_word = end;
      while (next_word < n && is_ascii_space(text[next_word])) ++next_word;
      if (run_ends_sentence(text, run_begin, run_end, end, next_word)) {
        sentences.push_back(text.substr(start, end - start));
        start = next_word;
      }
      end = next_word;
    }
    i = end;
  }
  if (start < n) sentences.push_back(text.substr(start));
  return sentences;
}

// ------------------------------------------------------------ token ids

using TokenIds = std::vector<int>;

// Maps token strings to dense ids so that n-gram keys, LCS comparisons and
// the summary-level counters work on integers. Shared by target and
// prediction of one score() call, so equal tokens get equal ids.
class TokenInterner {
 public:
  TokenIds ids_of(const std::vector<std::string>& tokens) {
    TokenIds ids;
    ids.reserve(tokens.size());
    for (const std::string& token : tokens) {
      const auto inserted = ids_.emplace(token, static_cast<int>(ids_.size()));
      ids.push_back(inserted.first->second);
    }
    return ids;
  }
  std::size_t vocabulary_size() const { return ids_.size(); }

 private:
  std::unordered_map<std::string, int> ids_;
};

// ---------------------------------------------------------------- scores

// scoring.fmeasure, with Python's evaluation order for identical rounding.
double fmeasure(double precision, double recall) {
  if (precision + recall > 0) return 2 * precision * recall / (precision + recall);
  return 0.0;
}

RougeScore score_from(double precision, double recall) {
  return RougeScore{precision, recall, fmeasure(precision, recall)};
}

double ratio(std::size_t numerator, std::size_t denominator) {
  return static_cast<double>(numerator) / static_cast<double>(denominator);
}

// --------------------------------------------------------------- n-grams

std::map<TokenIds, std::size_t> count_ngrams(const TokenIds& tokens, std::size_t n) {
  std::map<TokenIds, std::size_t> counts;
  for (std::size_t i = 0; i + n <= tokens.size(); ++i) {
    ++counts[TokenIds(tokens.begin() + static_cast<std::ptrdiff_t>(i),
                      tokens.begin() + static_cast<std::ptrdiff_t>(i + n))];
  }
  return counts;
}

std::size_t total_count(const std::map<TokenIds, std::size_t>& counts) {
  std::size_t total = 0;
  for (const auto& entry : counts) total += entry.second;
  return total;
}

// _score_ngrams: clipped overlap; denominators are max(count, 1) so that
// empty sides give 0 rather than a division by zero.
RougeScore score_ngrams(const TokenIds& target, const TokenIds& prediction, std::size_t n) {
  const auto target_ngrams = count_ngrams(target, n);
  const auto prediction_ngrams = count_ngrams(prediction, n);
  std::size_t overlap = 0;
  for (const auto& [ngram, target_count] : target_ngrams) {
    const auto found = prediction_ngrams.find(ngram);
    if (found != prediction_ngrams.end()) overlap += std::min(target_count, found->second);
  }
  const std::size_t target_total = total_count(target_ngrams);
  const std::size_t prediction_total = total_count(prediction_ngrams);
  return score_from(ratio(overlap, std::max<std::size_t>(prediction_total, 1)),
                    ratio(overlap, std::max<std::size_t>(target_total, 1)));
}

// ------------------------------------------------------------------- LCS

// Full (rows+1) x (cols+1) table of _lcs_table, flattened row-major; needed
// when the LCS itself is read back.
class LcsTable {
 public:
  LcsTable(const TokenIds& ref, const TokenIds& can)
      : cols_(can.size() + 1), cells_((ref.size() + 1) * (can.size() + 1), 0) {
    for (std::size_t i = 1; i <= ref.size(); ++i) {
      for (std::size_t j = 1; j <= can.size(); ++j) {
        at(i, j) = ref[i - 1] == can[j - 1] ? at(i - 1, j - 1) + 1
                                            : std::max(at(i - 1, j), at(i, j - 1));
      }
    }
  }
  int at(std::size_t i, std::size_t j) const { return cells_[i * cols_ + j]; }

 private:
  int& at(std::size_t i, std::size_t j) { return cells_[i * cols_ + j]; }
  std::size_t cols_;
  std::vector<int> cells_;
};

// Same recurrence as _lcs_table, keeping one row: rougeL needs the length only.
std::size_t lcs_length(const TokenIds& ref, const TokenIds& can) {
  std::vector<std::size_t> previous(can.size() + 1, 0), current(can.size() + 1, 0);
  for (std::size_t i = 1; i <= ref.size(); ++i) {
    for (std::size_t j = 1; j <= can.size(); ++j) {
      current[j] = ref[i - 1] == can[j - 1] ? previous[j - 1] + 1
                                            : std::max(previous[j], current[j - 1]);
    }
    std::swap(previous, current);
  }
  return previous[can.size()];
}

// _backtrack_norec: indices into ref of one LCS. The tie-break (move left
// only when strictly better, otherwise up) decides which LCS is read, and so
// which tokens rougeLsum counts; it must stay as in rouge-score.
std::vector<std::size_t> lcs_indices_in_ref(const TokenIds& ref, const TokenIds& can) {
  const LcsTable table(ref, can);
  std::vector<std::size_t> indices;
  std::size_t i = ref.size();
  std::size_t j = can.size();
  while (i > 0 && j > 0) {
    if (ref[i - 1] == can[j - 1]) {
      indices.push_back(i - 1);
      --i;
      --j;
    } else if (table.at(i, j - 1) > table.at(i - 1, j)) {
      --j;
    } else {
      --i;
    }
  }
  std::reverse(indices.begin(), indices.end());
  return indices;
}

// _score_lcs.
RougeScore score_lcs(const TokenIds& target, const TokenIds& prediction) {
  if (target.empty() || prediction.empty()) return RougeScore{};
  const std::size_t lcs = lcs_length(target, prediction);
  return score_from(ratio(lcs, prediction.size()), ratio(lcs, target.size()));
}

// _union_lcs: tokens of ref at the union of its LCS positions against every
// candidate sentence, in ref order.
TokenIds union_lcs_tokens(const TokenIds& ref, const std::vector<TokenIds>& candidates) {
  std::vector<bool> in_union(ref.size(), false);
  for (const TokenIds& candidate : candidates) {
    for (std::size_t index : lcs_indices_in_ref(ref, candidate)) in_union[index] = true;
  }
  TokenIds tokens;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    if (in_union[i]) tokens.push_back(ref[i]);
  }
  return tokens;
}

std::size_t total_tokens(const std::vector<TokenIds>& sentences) {
  std::size_t total = 0;
  for (const TokenIds& sentence : sentences) total += sentence.size();
  return total;
}

std::vector<std::size_t> token_counts(const std::vector<TokenIds>& sentences,
                                      std::size_t vocabulary_size) {
  std::vector<std::size_t> counts(vocabulary_size, 0);
  for (const TokenIds& sentence : sentences) {
    for (int id : sentence) ++counts[static_cast<std::size_t>(id)];
  }
  return counts;
}

// _summary_level_lcs (ROUGE paper section 3.2). A union-LCS token is a hit
// only while both summaries still have an unused occurrence of it, as
// ROUGE-1.5.5 does to avoid double counting.
RougeScore score_summary_level_lcs(const std::vector<TokenIds>& ref_sentences,
                                   const std::vector<TokenIds>& can_sentences,
                                   std::size_t vocabulary_size) {
  if (ref_sentences.empty() || can_sentences.empty()) return RougeScore{};
  const std::size_t ref_total = total_tokens(ref_sentences);
  const std::size_t can_total = total_tokens(can_sentences);
  if (ref_total == 0 || can_total == 0) return RougeScore{};

  std::vector<std::size_t> ref_left = token_counts(ref_sentences, vocabulary_size);
  std::vector<std::size_t> can_left = token_counts(can_sentences, vocabulary_size);
  std::size_t hits = 0;
  for (const TokenIds& ref : ref_sentences) {
    for (int id : union_lcs_tokens(ref, can_sentences)) {
      const auto token = static_cast<std::size_t>(id);
      if (can_left[token] > 0 && ref_left[token] > 0) {
        ++hits;
        --can_left[token];
        --ref_left[token];
      }
    }
  }
  return score_from(ratio(hits, can_total), ratio(hits, ref_total));
}

// ------------------------------------------------------------ rouge types

// n for an n-gram type "rougeN" (N in 1..9); nullopt for anything else.
// Mirrors re.match(r"rouge[0-9]$", t) with n > 0. Python's "$" also matches
// before one final "\n", so rouge-score accepts "rouge2\n" as ROUGE-2 (keyed
// by the name as given); so do we.
std::optional<std::size_t> ngram_order(const std::string& rouge_type) {
  std::string name = rouge_type;
  if (!name.empty() && name.back() == '\n') name.pop_back();
  if (name.size() != 6 || name.compare(0, 5, "rouge") != 0) return std::nullopt;
  const char digit = name[5];
  if (digit < '1' || digit > '9') return std::nullopt;  // "rouge0": n must be positive.
  return static_cast<std::size_t>(digit - '0');
}

bool is_valid_rouge_type(const std::string& rouge_type) {
  return rouge_type == "rougeL" || rouge_type == "rougeLsum" ||
         ngram_order(rouge_type).has_value();
}

}  // namespace

std::vector<std::string> rouge_tokenize(const std::string& text, bool use_stemmer) {
  std::vector<std::string> tokens = split_on_spaces(lower_and_blank_separators(text));
  if (use_stemmer) {
    // rouge-score only stems words more than 3 characters long.
    for (std::string& token : tokens) {
      if (token.size() > 3) token = porter_stem(token);
    }
  }
  // rouge-score's final check, kept in case stemming ever yields "".
  tokens.erase(std::remove_if(tokens.begin(), tokens.end(),
                              [](const std::string& t) { return !is_valid_token(t); }),
               tokens.end());
  return tokens;
}

RougeScorer::RougeScorer(std::vector<std::string> rouge_types, bool use_stemmer,
                         bool split_summaries)
    : rouge_types_(std::move(rouge_types)),
      use_stemmer_(use_stemmer),
      split_summaries_(split_summaries) {
  for (const std::string& rouge_type : rouge_types_) {
    if (!is_valid_rouge_type(rouge_type)) {
      throw std::invalid_argument("Invalid rouge type: " + rouge_type);
    }
  }
}

std::map<std::string, RougeScore> RougeScorer::score(const std::string& target,
                                                     const std::string& prediction) const {
  TokenInterner interner;
  const TokenIds target_ids = interner.ids_of(rouge_tokenize(target, use_stemmer_));
  const TokenIds prediction_ids = interner.ids_of(rouge_tokenize(prediction, use_stemmer_));

  const auto sentence_ids = [&](const std::string& text) {
    const std::vector<std::string> sentences =
        split_summaries_ ? split_on_terminal_punctuation(text) : split_on_newlines(text);
    std::vector<TokenIds> ids;
    for (const std::string& sentence : sentences) {
      if (sentence.empty()) continue;
      ids.push_back(interner.ids_of(rouge_tokenize(sentence, use_stemmer_)));
    }
    return ids;
  };

  std::map<std::string, RougeScore> result;
  for (const std::string& rouge_type : rouge_types_) {
    if (rouge_type == "rougeL") {
      result[rouge_type] = score_lcs(target_ids, prediction_ids);
    } else if (rouge_type == "rougeLsum") {
      const std::vector<TokenIds> target_sentences = sentence_ids(target);
      const std::vector<TokenIds> prediction_sentences = sentence_ids(prediction);
      result[rouge_type] = score_summary_level_lcs(target_sentences, prediction_sentences,
                                                   interner.vocabulary_size());
    } else {
      result[rouge_type] = score_ngrams(target_ids, prediction_ids, *ngram_order(rouge_type));
    }
  }
  return result;
}

std::map<std::string, RougeScore> RougeScorer::score_multi(
    const std::vector<std::string>& targets, const std::string& prediction) const {
  if (targets.empty() && !rouge_types_.empty()) {
    throw std::invalid_argument("score_multi needs at least one target");
  }
  std::vector<std::map<std::string, RougeScore>> per_target;
  per_target.reserve(targets.size());
  for (const std::string& target : targets) per_target.push_back(score(target, prediction));

  std::map<std::string, RougeScore> best;
  for (const std::string& rouge_type : rouge_types_) {
    std::size_t best_index = 0;
    for (std::size_t i = 1; i < per_target.size(); ++i) {
      // Strictly greater: np.argmax keeps the first maximum.
      if (per_target[i].at(rouge_type).fmeasure >
          per_target[best_index].at(rouge_type).fmeasure) {
        best_index = i;
      }
    }
    best[rouge_type] = per_target[best_index].at(rouge_type);
  }
  return best;
}

const std::vector<std::string>& RougeScorer::rouge_types() const { return rouge_types_; }

}  // namespace optbench::text_metrics
