// SQuAD v1.1 EM/F1 as the official evaluate-v1.1.py computes them
// (allenai/bi-att-flow squad/evaluate-v1.1.py; the same functions are
// Hugging Face evaluate's metrics/squad/compute_score.py). The script
// normalises Python str values, i.e. code points, so the text is decoded
// from UTF-8 and every step below reproduces the Python built-in it stands
// for; the Unicode properties come from utf8proc and were checked against
// CPython 3.12 (same Unicode 15.0) for every code point.
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

namespace optbench::text_metrics {
namespace {

using CodePoints = std::u32string;
using Tokens = std::vector<std::string>;

// ------------------------------------------------------------------ UTF-8

// A byte that is not part of valid UTF-8 becomes kRawByte + byte: above every
// code point, so it has no Unicode properties, and encoded back unchanged.
constexpr char32_t kRawByte = 0x110000;

// Length of the valid UTF-8 sequence at text[i], or 0 (strict: no overlong
// forms, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence(const std::string& text, std::size_t i, char32_t& code_point) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  char32_t min = 0;
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, min = 0x80, code_point = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, min = 0x800, code_point = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, min = 0x10000, code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i + k) & 0x3F);
  }
  const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
  if (code_point < min || code_point > 0x10FFFF || surrogate) return 0;
  return length;
}

CodePoints decode_utf8(const std::string& text) {
  CodePoints out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char32_t code_point = 0;
    const std::size_t length = utf8_sequence(text, i, code_point);
    if (length == 0) {
      out += kRawByte + static_cast<unsigned char>(text[i]);
      i += 1;
    } else {
      out += code_point;
      i += length;
    }
  }
  return out;
}

void append_utf8(std::string& out, char32_t c) {
  if (c >= kRawByte) {
    out += static_cast<char>(c - kRawByte);
  } else if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// ------------------------------------------------- Unicode, as CPython has it

bool is_code_point(char32_t c) { return c < kRawByte; }

utf8proc_category_t category(char32_t c) {
  return utf8proc_category(static_cast<utf8proc_int32_t>(c));
}

// Python's str.isspace(), the separators of str.split() (bidi class WS, B or
// S, or category Zs). Note U+001C..U+001F count and U+200B does not.
bool is_python_space(char32_t c) {
  switch (c) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D:
    case 0x1C: case 0x1D: case 0x1E: case 0x1F: case 0x20:
    case 0x85: case 0xA0: case 0x1680:
    case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

// \w of a Python 3 str pattern (sre's SRE_UNI_IS_WORD): str.isalnum() or
// '_'. isalnum is letters (L*) plus numerics (Nd, Nl, No); no numeric code
// point lies outside those categories. Combining marks are not word chars.
bool is_regex_word(char32_t c) {
  if (c == '_') return true;
  if (!is_code_point(c)) return false;
  switch (category(c)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

// Unicode's Case_Ignorable: categories Mn, Me, Cf, Lm, Sk plus Word_Break
// MidLetter, MidNumLet and Single_Quote (listed). Only Final_Sigma uses it.
bool is_case_ignorable(char32_t c) {
  switch (c) {
    case 0x0027: case 0x002E: case 0x003A: case 0x00B7: case 0x0387: case 0x055F:
    case 0x05F4: case 0x2018: case 0x2019: case 0x2024: case 0x2027: case 0xFE13:
    case 0xFE52: case 0xFE55: case 0xFF07: case 0xFF0E: case 0xFF1A:
      return true;
    default:
      break;
  }
  if (!is_code_point(c)) return false;
  switch (category(c)) {
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_SK:
      return true;
    default:
      return false;
  }
}

// Unicode's Cased (Lowercase, Uppercase or Lt). utf8proc has no such flag:
// Lu/Ll/Lt and anything with a case mapping (e.g. Roman numerals, circled
// letters) covers it except Other_Lowercase/Other_Uppercase code points
// without a mapping, listed here (the Lm ones among those are also
// case-ignorable, which is checked first, so they need no entry).
bool is_cased(char32_t c) {
  if (!is_code_point(c)) return false;
  if (c == 0xAA || c == 0xBA) return true;  // ª º
  if ((c >= 0x1F130 && c <= 0x1F149) || (c >= 0x1F150 && c <= 0x1F169) ||
      (c >= 0x1F170 && c <= 0x1F189)) {
    return true;  // squared, negative circled and negative squared A-Z
  }
  switch (category(c)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
      return true;
    default:
      break;
  }
  const auto cp = static_cast<utf8proc_int32_t>(c);
  return utf8proc_tolower(cp) != cp || utf8proc_toupper(cp) != cp;
}

// --------------------------------------------------------- normalize_answer

// CPython's handle_capital_sigma: U+03A3 lower-cases to final sigma U+03C2
// when a cased letter precedes it and none follows it, skipping
// case-ignorable code points both ways (Unicode's Final_Sigma context),
// looking at the original text.
char32_t lower_capital_sigma(const CodePoints& text, std::size_t i) {
  std::size_t before = i;
  while (before > 0 && is_case_ignorable(text[before - 1])) --before;
  if (before == 0 || !is_cased(text[before - 1])) return 0x3C3;
  std::size_t after = i + 1;
  while (after < text.size() && is_case_ignorable(text[after])) ++after;
  const bool final_sigma = after == text.size() || !is_cased(text[after]);
  return final_sigma ? 0x3C2 : 0x3C3;
}

// lower(): Python's str.lower(), the full lower-case mapping. Besides
// Final_Sigma, the only mapping longer than one code point is U+0130
// (I with dot above) -> "i" + U+0307 COMBINING DOT ABOVE.
CodePoints python_lower(const CodePoints& text) {
  CodePoints out;
  out.reserve(text.size() + 1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    if (c == 0x3A3) {
      out += lower_capital_sigma(text, i);
    } else if (c == 0x130) {
      out += U'i';
      out += char32_t{0x307};
    } else if (is_code_point(c)) {
      out += static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c)));
    } else {
      out += c;
    }
  }
  return out;
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

// text.split() with no argument: runs of Python whitespace separate tokens,
// leading/trailing whitespace gives no empty token.
Tokens python_split(const CodePoints& text) {
  Tokens tokens;
  std::string current;
  bool in_token = false;
  for (char32_t c : text) {
    if (is_python_space(c)) {
      if (in_token) tokens.push_back(std::move(current));
      current.clear();
      in_token = false;
    } else {
      append_utf8(current, c);
      in_token = true;
    }
  }
  if (in_token) tokens.push_back(std::move(current));
  return tokens;
}

// normalize_answer(s).split(): white_space_fix joins these tokens with ' ',
// and splitting that again gives the same tokens back.
Tokens normalized_tokens(const std::string& text) {
  return python_split(remove_articles(remove_punc(python_lower(decode_utf8(text)))));
}

std::string join(const Tokens& tokens) {
  std::string out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) out += ' ';
    out += tokens[i];
  }
  return out;
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
// the given type; the script would raise KeyError/TypeError instead.
const json& member(const json& object, const std::string& key, json::value_t type,
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
  const json& data = member(dataset, "data", json::value_t::array, file, "");
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

std::string squad_normalize(const std::string& text) { return join(normalized_tokens(text)); }

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
