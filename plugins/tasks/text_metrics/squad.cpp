// SQuAD v1.1 EM/F1 as the official evaluate-v1.1.py computes them
// (allenai/bi-att-flow squad/evaluate-v1.1.py; the same functions are
// Hugging Face evaluate's metrics/squad/compute_score.py). The script
// normalises Python str values, i.e. code points, so the text is decoded
// from UTF-8 and every step below reproduces the Python built-in it stands
// for (str.lower() and str.split() are python_text.h's); the Unicode
// properties come from utf8proc and were checked against CPython 3.12 (same
// Unicode 15.0) for every code point.
#include "squad.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "python_text.h"

namespace optbench::text_metrics {
namespace {

using CodePoints = std::u32string;
using Tokens = std::vector<std::string>;

// --------------------------------------------------------- normalize_answer

// \w of a Python 3 str pattern (sre's SRE_UNI_IS_WORD): str.isalnum() or
// '_'. isalnum is letters (L*) plus numerics (Nd, Nl, No); no numeric code
// point lies outside those categories. Combining marks are not word chars.
bool is_regex_word(char32_t c) {
  if (c == '_') return true;
  if (python::is_raw_byte(c)) return false;
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

// remove_punc(): drops the characters of Python's string.punctuation, which
// are ASCII only: "’", "—", "¿" and the like stay.
CodePoints remove_punc(const CodePoints& text) {
  constexpr std::string_view kPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  CodePoints out;
  out.reserve(text.size());
  for (char32_t c : text) {
    if (c < 0x80 && kPunctuation.find(static_cast<char>(c)) != std::string_view::npos) continue;
    out += c;
  }
  return out;
}

// remove_articles(): re.sub(r'\b(a|an|the)\b', ' ', text). Both \b's
// around a word-character match mean the match is a whole maximal run of \w
// characters, so each run equal to a, an or the becomes one space.
CodePoints remove_articles(const CodePoints& text) {
  CodePoints out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (!is_regex_word(text[i])) {
      out += text[i++];
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && is_regex_word(text[end])) ++end;
    const CodePoints word = text.substr(i, end - i);
    if (word == U"a" || word == U"an" || word == U"the") {
      out += U' ';
    } else {
      out += word;
    }
    i = end;
  }
  return out;
}

// normalize_answer(s).split(): white_space_fix joins these tokens with ' ',
// and splitting that again gives the same tokens back.
Tokens normalized_tokens(const std::string& text) {
  const CodePoints lowered = python::lower(python::decode_utf8(text), python::CaseData::kUtf8proc);
  return python::split(remove_articles(remove_punc(lowered)));
}

// ------------------------------------------------------------------ metrics

// Equal normalised strings <=> equal token lists (tokens hold no ' ').
double exact_match_of_tokens(const Tokens& prediction, const Tokens& ground_truth) {
  return prediction == ground_truth ? 1.0 : 0.0;
}

// sum((Counter(prediction) & Counter(ground_truth)).values()).
std::size_t common_token_count(const Tokens& prediction, const Tokens& ground_truth) {
  std::unordered_map<std::string, std::size_t> remaining;
  for (const auto& token : ground_truth) ++remaining[token];
  std::size_t common = 0;
  for (const auto& token : prediction) {
    auto it = remaining.find(token);
    if (it != remaining.end() && it->second > 0) {
      --it->second;
      ++common;
    }
  }
  return common;
}

// f1_score, with the script's operations in the script's order so the double
// is bit-identical. No special case for empty token lists: num_same == 0
// returns 0 before any division.
double f1_of_tokens(const Tokens& prediction, const Tokens& ground_truth) {
  const std::size_t num_same = common_token_count(prediction, ground_truth);
  if (num_same == 0) return 0;
  const double precision = 1.0 * static_cast<double>(num_same) / static_cast<double>(prediction.size());
  const double recall = 1.0 * static_cast<double>(num_same) / static_cast<double>(ground_truth.size());
  return (2 * precision * recall) / (precision + recall);
}

void require_ground_truths(const std::vector<std::string>& ground_truths) {
  if (ground_truths.empty()) {
    throw std::invalid_argument(
        "SQuAD: no ground truths (evaluate-v1.1.py's max() over an empty list raises)");
  }
}

// ------------------------------------------------------------- JSON files

using nlohmann::json;

[[noreturn]] void fail(const std::string& file, const std::string& path, const std::string& problem) {
  throw std::runtime_error("SQuAD file " + file + ": " + (path.empty() ? "" : path + ": ") + problem);
}

json read_json(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) fail(file, "", "cannot be opened");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) fail(file, "", "cannot be read");
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    fail(file, "", std::string("invalid JSON: ") + e.what());
  }
}

std::string member_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string index_path(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

const json& require_type(const json& value, json::value_t type, const std::string& file,
                         const std::string& path) {
  if (value.type() != type) {
    const char* expected = type == json::value_t::object  ? "an object"
                           : type == json::value_t::array ? "an array"
                                                          : "a string";
    fail(file, path.empty() ? "top level" : path,
         std::string("expected ") + expected + ", got " + value.type_name());
  }
  return value;
}

// object[key] where `object` (at `path`) must be an object holding `key` of
// the given type; the script would raise KeyError/TypeError instead. Callers pass no std::string
// temporaries: GCC 13 would suspect the returned reference of dangling.
const json& member(const json& object, const char* key, json::value_t type,
                   const std::string& file, const std::string& path) {
  require_type(object, json::value_t::object, file, path);
  const std::string child = member_path(path, key);
  const auto it = object.find(key);
  if (it == object.end()) fail(file, child, "missing");
  return require_type(*it, type, file, child);
}

struct Question {
  std::string id;
  std::vector<std::string> answers;
  std::string path;  // data[i].paragraphs[j].qas[k], for errors
};

// list(map(lambda x: x['text'], qa['answers'])).
std::vector<std::string> answer_texts(const json& qa, const std::string& file, const std::string& path) {
  const std::string answers_path = member_path(path, "answers");
  const json& answers = member(qa, "answers", json::value_t::array, file, path);
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    texts.push_back(
        member(answers[i], "text", json::value_t::string, file, index_path(answers_path, i)).get<std::string>());
  }
  return texts;
}

// The script's nested loops over data / paragraphs / qas, in file order.
std::vector<Question> read_questions(const json& dataset, const std::string& file) {
  std::vector<Question> questions;
  const std::string top_level;  // the path of the dataset object itself
  const json& data = member(dataset, "data", json::value_t::array, file, top_level);
  for (std::size_t a = 0; a < data.size(); ++a) {
    const std::string article_path = index_path("data", a);
    const std::string paragraphs_path = member_path(article_path, "paragraphs");
    const json& paragraphs = member(data[a], "paragraphs", json::value_t::array, file, article_path);
    for (std::size_t p = 0; p < paragraphs.size(); ++p) {
      const std::string paragraph_path = index_path(paragraphs_path, p);
      const std::string qas_path = member_path(paragraph_path, "qas");
      const json& qas = member(paragraphs[p], "qas", json::value_t::array, file, paragraph_path);
      for (std::size_t q = 0; q < qas.size(); ++q) {
        const std::string qa_path = index_path(qas_path, q);
        Question question;
        question.id = member(qas[q], "id", json::value_t::string, file, qa_path).get<std::string>();
        question.answers = answer_texts(qas[q], file, qa_path);
        question.path = qa_path;
        questions.push_back(std::move(question));
      }
    }
  }
  return questions;
}

// The script only warns (on stderr) about a version other than "1.1".
void check_version(const json& dataset, const std::string& file) {
  const std::string version = member(dataset, "version", json::value_t::string, file, "").get<std::string>();
  if (version != "1.1") {
    std::cerr << "Evaluation expects v-1.1, but got dataset with v-" << version << "\n";
  }
}

// {question id: answer text}; a repeated key keeps its last value, as both
// Python's json and nlohmann::json do.
std::unordered_map<std::string, std::string> read_predictions(const json& predictions, const std::string& file) {
  require_type(predictions, json::value_t::object, file, "");
  std::unordered_map<std::string, std::string> out;
  for (const auto& [id, text] : predictions.items()) {
    require_type(text, json::value_t::string, file, "[" + json(id).dump() + "]");
    out[id] = text.get<std::string>();
  }
  return out;
}

}  // namespace

// ------------------------------------------------------------------ public

std::string squad_normalize(const std::string& text) {
  return python::join_with_spaces(normalized_tokens(text));
}

double squad_exact_match(const std::string& prediction, const std::string& ground_truth) {
  return exact_match_of_tokens(normalized_tokens(prediction), normalized_tokens(ground_truth));
}

double squad_f1(const std::string& prediction, const std::string& ground_truth) {
  return f1_of_tokens(normalized_tokens(prediction), normalized_tokens(ground_truth));
}

double squad_max_over(double (*metric)(const std::string&, const std::string&), const std::string& prediction,
                      const std::vector<std::string>& ground_truths) {
  require_ground_truths(ground_truths);
  double best = metric(prediction, ground_truths[0]);
  for (std::size_t i = 1; i < ground_truths.size(); ++i) {
    const double score = metric(prediction, ground_truths[i]);
    if (score > best) best = score;
  }
  return best;
}

// The same maxima as squad_max_over with squad_exact_match and squad_f1, but
// normalising the prediction once instead of twice per ground truth.
void SquadScorer::add(const std::string& prediction, const std::vector<std::string>& ground_truths) {
  require_ground_truths(ground_truths);
  const Tokens prediction_tokens = normalized_tokens(prediction);
  double exact_match = 0, f1 = 0;
  for (const auto& ground_truth : ground_truths) {
    const Tokens truth_tokens = normalized_tokens(ground_truth);
    exact_match = std::max(exact_match, exact_match_of_tokens(prediction_tokens, truth_tokens));
    f1 = std::max(f1, f1_of_tokens(prediction_tokens, truth_tokens));
  }
  exact_match_sum_ += exact_match;
  f1_sum_ += f1;
  ++questions_;
}

void SquadScorer::add_unanswered() {
  ++questions_;
  ++unanswered_;
}

SquadResult SquadScorer::result() const {
  SquadResult result;
  result.questions = questions_;
  result.unanswered = unanswered_;
  if (questions_ == 0) return result;
  // exact_match = 100.0 * exact_match / total, likewise f1.
  result.exact_match = 100.0 * exact_match_sum_ / static_cast<double>(questions_);
  result.f1 = 100.0 * f1_sum_ / static_cast<double>(questions_);
  return result;
}

SquadResult squad_evaluate_files(const std::string& dataset_json, const std::string& predictions_json) {
  const json dataset = read_json(dataset_json);
  require_type(dataset, json::value_t::object, dataset_json, "");
  check_version(dataset, dataset_json);
  const std::vector<Question> questions = read_questions(dataset, dataset_json);
  if (questions.empty()) fail(dataset_json, "data", "no questions (evaluate-v1.1.py divides by zero)");
  const auto predictions = read_predictions(read_json(predictions_json), predictions_json);

  SquadScorer scorer;
  for (const Question& question : questions) {
    const auto it = predictions.find(question.id);
    if (it == predictions.end()) {
      scorer.add_unanswered();  // "Unanswered question <id> will receive score 0."
      continue;
    }
    if (question.answers.empty()) {
      fail(dataset_json, member_path(question.path, "answers"),
           "empty for answered question \"" + question.id + "\" (evaluate-v1.1.py's max() raises)");
    }
    scorer.add(it->second, question.answers);
  }
  return scorer.result();
}

}  // namespace optbench::text_metrics
