// seqeval 1.2.x default mode (github.com/chakki-works/seqeval, seqeval/metrics/
// sequence_labeling.py): get_entities, end_of_chunk, start_of_chunk, and the counting of
// precision_recall_fscore_support / _precision_recall_fscore_support (seqeval/metrics/v1.py)
// with average=None and 'micro'. Written anew in C++.
#include "seqeval.h"

#include <fstream>
#include <stdexcept>
#include <string_view>

#include "python_text.h"

namespace optbench::text_metrics {

bool operator==(const Entity& a, const Entity& b) {
  return a.type == b.type && a.begin == b.begin && a.end == b.end;
}
bool operator!=(const Entity& a, const Entity& b) { return !(a == b); }

std::ostream& operator<<(std::ostream& out, const Entity& e) {
  return out << "(\"" << e.type << "\", " << e.begin << ", " << e.end << ")";
}

namespace {

// ---------------------------------------------------------------------------------------
// get_entities

// Bytes in the UTF-8 character a tag starts with. seqeval takes chunk[0] of a Python str,
// i.e. the first code point, so a multi-byte first character is one prefix, not one byte.
std::size_t first_char_length(const std::string& tag) {
  const std::size_t length = python::utf8_sequence_length(static_cast<unsigned char>(tag[0]));
  return length != 0 && length <= tag.size() ? length : 1;
}

struct TagParts {
  std::string prefix;  // "B", "I", "E", "S", "O", or whatever the first character is
  std::string type;
};

// seqeval: tag = chunk[0]; type_ = chunk[1:].split('-', maxsplit=1)[-1] or '_'.
// So the type is what follows the first '-' after the prefix, or the whole rest without one.
TagParts split_tag(const std::string& tag) {
  if (tag.empty()) throw std::invalid_argument("seqeval: empty tag (seqeval fails on it too)");
  const std::size_t prefix_length = first_char_length(tag);
  const std::string_view rest = std::string_view(tag).substr(prefix_length);
  const std::size_t dash = rest.find('-');
  std::string type(dash == std::string_view::npos ? rest : rest.substr(dash + 1));
  if (type.empty()) type = "_";
  return {tag.substr(0, prefix_length), std::move(type)};
}

const std::string kOutside = "O";

bool is_one_of(const std::string& prefix, std::string_view letters) {
  return prefix.size() == 1 && letters.find(prefix[0]) != std::string_view::npos;
}

// conlleval's endOfChunk as seqeval writes it; a '.' prefix is exempt from the type-change
// rule, as in conlleval.
bool end_of_chunk(const std::string& prev_prefix, const std::string& prefix,
                  const std::string& prev_type, const std::string& type) {
  if (is_one_of(prev_prefix, "ES")) return true;
  if (is_one_of(prev_prefix, "BI") && is_one_of(prefix, "BSO")) return true;
  return prev_prefix != "O" && prev_prefix != "." && prev_type != type;
}

// conlleval's startOfChunk as seqeval writes it.
bool start_of_chunk(const std::string& prev_prefix, const std::string& prefix,
                    const std::string& prev_type, const std::string& type) {
  if (is_one_of(prefix, "BS")) return true;
  if (is_one_of(prev_prefix, "ESO") && is_one_of(prefix, "EI")) return true;
  return prefix != "O" && prefix != "." && prev_type != type;
}

// Feeds one sentence and the "O" seqeval puts after it; calls on_close(closed_chunk) for
// every position, with std::nullopt where nothing closed.
template <typename OnClose>
void feed_sentence(detail::ChunkTracker& tracker, const std::vector<std::string>& tags,
                   OnClose on_close) {
  for (const auto& tag : tags) on_close(tracker.feed(tag));
  on_close(tracker.feed(kOutside));
}

// ---------------------------------------------------------------------------------------
// Scores

// seqeval's _prf_divide with zero_division="warn": 0 where the denominator is 0.
double ratio(std::int64_t numerator, std::int64_t denominator) {
  return denominator == 0 ? 0.0 : static_cast<double>(numerator) / static_cast<double>(denominator);
}

// Fills precision / recall / f1 from the counts, in seqeval's operation order:
// f = (1 + beta^2) * p * r / (beta^2 * p + r), with a zero denominator replaced by 1.
EntityScore scored(EntityScore counts) {
  counts.precision = ratio(counts.correct, counts.predicted);
  counts.recall = ratio(counts.correct, counts.support);
  const double denominator = counts.precision + counts.recall;
  counts.f1 = 2.0 * counts.precision * counts.recall / (denominator == 0.0 ? 1.0 : denominator);
  return counts;
}

// ---------------------------------------------------------------------------------------
// File reading

std::vector<std::string> split_whitespace(const std::string& line) {
  std::vector<std::string> columns;
  constexpr std::string_view kSpace = " \t\r\n\v\f";
  std::size_t pos = line.find_first_not_of(kSpace);
  while (pos != std::string::npos) {
    const std::size_t stop = line.find_first_of(kSpace, pos);
    columns.push_back(line.substr(pos, stop == std::string::npos ? std::string::npos : stop - pos));
    pos = line.find_first_not_of(kSpace, stop);
  }
  return columns;
}

std::runtime_error line_error(const std::string& path, std::int64_t line_number, const std::string& what) {
  return std::runtime_error(path + ":" + std::to_string(line_number) + ": " + what);
}

}  // namespace

// ---------------------------------------------------------------------------------------

std::optional<Entity> detail::ChunkTracker::feed(const std::string& tag) {
  TagParts parts = split_tag(tag);
  std::optional<Entity> closed;
  if (end_of_chunk(prev_prefix_, parts.prefix, prev_type_, parts.type)) {
    closed = Entity{prev_type_, begin_, position_ - 1};
  }
  // A chunk that ends without a new one starting leaves begin_ as it was, as seqeval does;
  // it matters only for the odd prefixes that can keep a chunk open after that.
  if (start_of_chunk(prev_prefix_, parts.prefix, prev_type_, parts.type)) begin_ = position_;
  prev_prefix_ = std::move(parts.prefix);
  prev_type_ = std::move(parts.type);
  ++position_;
  return closed;
}

std::vector<Entity> seqeval_entities(const std::vector<std::vector<std::string>>& sentences) {
  std::vector<Entity> entities;
  detail::ChunkTracker tracker;
  const auto keep = [&entities](std::optional<Entity> closed) {
    if (closed) entities.push_back(std::move(*closed));
  };
  for (const auto& sentence : sentences) feed_sentence(tracker, sentence, keep);
  // seqeval appends one more "O" to the whole sequence; after a sentence's "O" it never
  // closes anything, but feed it anyway to stay step for step with get_entities.
  keep(tracker.feed(kOutside));
  return entities;
}

void SeqevalScorer::add(const std::vector<std::string>& gold, const std::vector<std::string>& predicted) {
  if (gold.size() != predicted.size()) {
    throw std::invalid_argument("SeqevalScorer::add: gold has " + std::to_string(gold.size()) +
                                " tags, predicted " + std::to_string(predicted.size()));
  }
  // Validate first so that a throw leaves the trackers untouched.
  for (const auto& tag : gold) split_tag(tag);
  for (const auto& tag : predicted) split_tag(tag);
  for (std::size_t i = 0; i <= gold.size(); ++i) {
    // Position gold.size() is the "O" seqeval puts after the sentence.
    const bool separator = i == gold.size();
    const auto gold_closed = gold_.feed(separator ? kOutside : gold[i]);
    const auto predicted_closed = predicted_.feed(separator ? kOutside : predicted[i]);
    count(gold_closed, predicted_closed);
  }
}

void SeqevalScorer::count(const std::optional<Entity>& gold, const std::optional<Entity>& predicted) {
  if (gold) ++counts_[gold->type].support;
  if (predicted) ++counts_[predicted->type].predicted;
  // Both closed at this position, so both end here: equal iff same type and begin.
  if (gold && predicted && *gold == *predicted) ++counts_[gold->type].correct;
}

SeqevalReport SeqevalScorer::result() const {
  SeqevalReport report;
  EntityScore total;
  for (const auto& [type, counts] : counts_) {
    report.per_type[type] = scored(counts);
    total.support += counts.support;
    total.predicted += counts.predicted;
    total.correct += counts.correct;
  }
  report.micro = scored(total);
  return report;
}

SeqevalReport seqeval_report(const std::vector<std::vector<std::string>>& gold,
                             const std::vector<std::vector<std::string>>& predicted) {
  if (gold.size() != predicted.size()) {
    throw std::invalid_argument("seqeval_report: " + std::to_string(gold.size()) + " gold sentences, " +
                                std::to_string(predicted.size()) + " predicted");
  }
  SeqevalScorer scorer;
  for (std::size_t i = 0; i < gold.size(); ++i) {
    if (gold[i].size() != predicted[i].size()) {
      throw std::invalid_argument("seqeval_report: sentence " + std::to_string(i) + " has " +
                                  std::to_string(gold[i].size()) + " gold tags, " +
                                  std::to_string(predicted[i].size()) + " predicted");
    }
    scorer.add(gold[i], predicted[i]);
  }
  return scorer.result();
}

std::vector<std::string> iob1_to_iob2(const std::vector<std::string>& tags) {
  std::vector<std::string> converted;
  converted.reserve(tags.size());
  std::string open_type;  // type of the chunk the previous tag belongs to; "" after O
  for (std::size_t i = 0; i < tags.size(); ++i) {
    const std::string& tag = tags[i];
    if (tag == "O") {
      converted.push_back(tag);
      open_type.clear();
      continue;
    }
    const bool iob = tag.size() > 2 && (tag[0] == 'B' || tag[0] == 'I') && tag[1] == '-';
    if (!iob) {
      throw std::invalid_argument("iob1_to_iob2: tag " + std::to_string(i) + " \"" + tag +
                                  "\" is not O, B-TYPE or I-TYPE");
    }
    std::string type = tag.substr(2);
    // I-X continues only a chunk of type X; anything else makes it the first token of one.
    const bool continues = tag[0] == 'I' && type == open_type;
    converted.push_back((continues ? "I-" : "B-") + type);
    open_type = std::move(type);
  }
  return converted;
}

std::pair<std::vector<std::vector<std::string>>, std::vector<std::vector<std::string>>>
read_conll_predictions(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::vector<std::vector<std::string>> gold, predicted;
  std::vector<std::string> gold_sentence, predicted_sentence;
  const auto end_sentence = [&] {
    if (gold_sentence.empty()) return;
    gold.push_back(std::move(gold_sentence));
    predicted.push_back(std::move(predicted_sentence));
    gold_sentence.clear();
    predicted_sentence.clear();
  };
  std::string line;
  std::int64_t line_number = 0;
  std::size_t column_count = 0;  // fixed by the first token line, as conlleval does
  while (std::getline(in, line)) {
    ++line_number;
    if (line_number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 BOM
    const std::vector<std::string> columns = split_whitespace(line);  // also drops a CR
    if (columns.empty()) {
      end_sentence();
      continue;
    }
    if (columns[0] == "-DOCSTART-") {
      end_sentence();  // a document boundary is a sentence boundary too
      continue;
    }
    if (columns.size() < 3) {
      throw line_error(path, line_number,
                       "expected at least 3 whitespace-separated columns (token gold predicted), got " +
                           std::to_string(columns.size()));
    }
    if (column_count == 0) column_count = columns.size();
    if (columns.size() != column_count) {
      throw line_error(path, line_number,
                       "expected " + std::to_string(column_count) + " columns as on the first token line, got " +
                           std::to_string(columns.size()));
    }
    gold_sentence.push_back(columns[columns.size() - 2]);
    predicted_sentence.push_back(columns.back());
  }
  if (in.bad()) throw std::runtime_error(path + ": read error");
  end_sentence();
  return {std::move(gold), std::move(predicted)};
}

}  // namespace optbench::text_metrics
