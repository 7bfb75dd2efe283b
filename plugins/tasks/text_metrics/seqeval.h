// Entity-level NER precision / recall / F1 computed exactly as the Python package seqeval
// 1.2.x (github.com/chakki-works/seqeval, seqeval/metrics/sequence_labeling.py) computes them
// in its default, conlleval-compatible mode (mode=None, suffix=False, zero_division="warn"):
// get_entities with start_of_chunk / end_of_chunk, entities compared as (type, begin, end)
// sets per type, micro average over all types. Plus the IOB1 -> IOB2 conversion CoNLL-2003
// needs and a reader for conlleval-style prediction files. Torch-free, standard library only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace optbench::text_metrics {

// A chunk; [begin, end] are token indices, inclusive, in the concatenation seqeval builds:
// the sentences joined with one "O" after each, so sentence k starts at
// sum over j < k of (len(sentence j) + 1).
struct Entity {
  std::string type;
  std::int64_t begin = 0, end = 0;
};
bool operator==(const Entity& a, const Entity& b);
bool operator!=(const Entity& a, const Entity& b);
std::ostream& operator<<(std::ostream& out, const Entity& e);  // ("PER", 0, 1), for test output

// seqeval's get_entities(sentences) in the default (prefix) mode, in the order it finds them.
// A tag's prefix is its first character and its type what follows the first '-' after it
// ("_" when that is empty), so "B-PER" is (B, PER), "B" and "O" are (B, _) and (O, _), and a
// tag without '-' such as "PER" is (P, ER): seqeval only warns about such tags. Chunks start
// and end as conlleval's start_of_chunk / end_of_chunk say: B- and S- start one, I- or E-
// after O, E- or S- starts one, a change of type ends one and starts another, E- and S- end
// one. Throws std::invalid_argument for an empty tag (seqeval fails on one with IndexError).
std::vector<Entity> seqeval_entities(const std::vector<std::vector<std::string>>& sentences);

struct EntityScore {
  double precision = 0, recall = 0, f1 = 0;  // 0 where seqeval divides by zero ("warn" -> 0)
  std::int64_t support = 0;    // gold entities
  std::int64_t predicted = 0;  // predicted entities
  std::int64_t correct = 0;    // predicted entities equal to a gold one (type, begin, end)
};

struct SeqevalReport {
  // Every type found in the gold or the predicted tags, as seqeval 1.2's classification_report
  // (a type only predicted has support 0 and precision 0).
  std::map<std::string, EntityScore> per_type;
  EntityScore micro;  // classification_report's "micro avg" = precision/recall/f1_score()
};

// classification_report / precision_score / recall_score / f1_score on (gold, predicted).
// Throws std::invalid_argument when the sentence counts or any sentence's lengths differ
// (seqeval's check_consistent_length raises ValueError), or for an empty tag.
SeqevalReport seqeval_report(const std::vector<std::vector<std::string>>& gold,
                             const std::vector<std::vector<std::string>>& predicted);

namespace detail {
// get_entities as a state machine fed one tag at a time: returns the chunk that ended just
// before the tag fed, if any (a chunk ends at i - 1 when tag i closes it).
class ChunkTracker {
 public:
  std::optional<Entity> feed(const std::string& tag);

 private:
  std::string prev_prefix_ = "O";
  std::string prev_type_;  // "" before the first tag, as seqeval's prev_type = ''
  std::int64_t begin_ = 0, position_ = 0;
};
}  // namespace detail

// Accumulates sentence by sentence; result() equals seqeval_report over every pair added.
// Keeps counts only: a gold and a predicted chunk can be equal only if they close at the same
// position, so matching them as they close is the same as seqeval's set intersection.
class SeqevalScorer {
 public:
  // Throws std::invalid_argument if gold and predicted differ in length (nothing is added then).
  void add(const std::vector<std::string>& gold, const std::vector<std::string>& predicted);
  SeqevalReport result() const;

 private:
  void count(const std::optional<Entity>& gold, const std::optional<Entity>& predicted);

  detail::ChunkTracker gold_, predicted_;
  std::map<std::string, EntityScore> counts_;  // support / predicted / correct only
};

// CoNLL-2003 ships IOB1: I-X starts a chunk unless it continues a chunk of type X, and B-X
// appears only where a chunk of type X directly follows another. Returns the sentence in
// IOB2 (every chunk starts with B-). Throws std::invalid_argument for a tag that is not "O",
// "B-TYPE" or "I-TYPE".
std::vector<std::string> iob1_to_iob2(const std::vector<std::string>& tags);

// Reads a conlleval-style file: one token per line, whitespace-separated columns, the last two
// being the gold and the predicted tag (documented format: token gold predicted; more columns
// are allowed, as conlleval, and must be as many on every line, as conlleval requires).
// Blank lines separate sentences; a "-DOCSTART-" line is skipped and also ends the current
// sentence. CRLF line ends are accepted. Returns (gold, predicted), sentence by sentence.
// Throws std::runtime_error "PATH:LINE: ..." for a line with fewer than 3 columns or a
// different column count, and "PATH: cannot open" for an unreadable file.
std::pair<std::vector<std::vector<std::string>>, std::vector<std::vector<std::string>>>
read_conll_predictions(const std::string& path);

}  // namespace optbench::text_metrics
