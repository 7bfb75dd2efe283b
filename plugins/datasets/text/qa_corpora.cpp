#include "qa_corpora.h"

#include <nlohmann/json.hpp>
#include <utf8proc.h>

#include <stdexcept>

#include "text_corpora.h"
#include "unicode_text.h"

namespace optbench::text {

namespace {

nlohmann::json parse_json(const std::string& path) {
  try {
    return nlohmann::json::parse(read_text_file(path));
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": not valid JSON: " + e.what());
  }
}

// j[key] as `type`, or an error naming the file and the JSON path. key and where are plain strings:
// a std::string temporary argument would make GCC 13 suspect the returned reference dangles.
const nlohmann::json& field(const nlohmann::json& j, const char* key, nlohmann::json::value_t type,
                            const std::string& path, const char* where) {
  if (!j.is_object() || !j.contains(key))
    throw std::runtime_error(path + ": " + where + "." + key + " is missing");
  const auto& v = j[key];
  if (v.type() != type) throw std::runtime_error(path + ": " + where + "." + key + " has the wrong type (" + v.type_name() + ")");
  return v;
}

// The byte offset of code point `n` of UTF-8 text (SQuAD's offsets count Python characters).
std::size_t byte_offset(const std::string& text, std::size_t n) {
  std::size_t i = 0;
  for (; i < text.size() && n > 0; ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && --n == 0) {
      ++i;
      while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
      return i;
    }
  return n == 0 ? i : std::string::npos;
}

}  // namespace

std::vector<QaExample> read_squad(const std::string& path) {
  using T = nlohmann::json::value_t;
  const auto root = parse_json(path);
  std::vector<QaExample> out;
  const auto& data = field(root, "data", T::array, path, "$");
  for (std::size_t a = 0; a < data.size(); ++a) {
    const std::string wa = "data[" + std::to_string(a) + "]";
    const auto& paragraphs = field(data[a], "paragraphs", T::array, path, wa.c_str());
    for (std::size_t p = 0; p < paragraphs.size(); ++p) {
      const std::string wp = wa + ".paragraphs[" + std::to_string(p) + "]";
      const std::string context = field(paragraphs[p], "context", T::string, path, wp.c_str()).get<std::string>();
      const auto& qas = field(paragraphs[p], "qas", T::array, path, wp.c_str());
      for (std::size_t q = 0; q < qas.size(); ++q) {
        const std::string wq = wp + ".qas[" + std::to_string(q) + "]";
        QaExample e;
        e.id = field(qas[q], "id", T::string, path, wq.c_str()).get<std::string>();
        e.question = field(qas[q], "question", T::string, path, wq.c_str()).get<std::string>();
        e.context = context;
        const auto& answers = field(qas[q], "answers", T::array, path, wq.c_str());
        for (std::size_t k = 0; k < answers.size(); ++k) {
          const std::string wk = wq + ".answers[" + std::to_string(k) + "]";
          e.answers.push_back(field(answers[k], "text", T::string, path, wk.c_str()).get<std::string>());
          if (k > 0) continue;
          const auto& start = answers[k].contains("answer_start") ? answers[k]["answer_start"] : nlohmann::json();
          if (!start.is_number_unsigned()) throw std::runtime_error(path + ": " + wk + ".answer_start is missing or not a count");
          const std::size_t begin = byte_offset(context, start.get<std::size_t>());
          if (begin != std::string::npos && context.compare(begin, e.answers[0].size(), e.answers[0]) == 0) {
            e.answer_begin = static_cast<std::int64_t>(begin);
            e.answer_end = static_cast<std::int64_t>(begin + e.answers[0].size());
          }
        }
        if (e.answers.empty()) throw std::runtime_error(path + ": " + wq + ".answers is empty (SQuAD v1.1 questions have answers)");
        out.push_back(std::move(e));
      }
    }
  }
  if (out.empty()) throw std::runtime_error(path + ": no questions");
  return out;
}

std::vector<QaExample> read_tweetqa(const std::string& path) {
  using T = nlohmann::json::value_t;
  const auto root = parse_json(path);
  if (!root.is_array()) throw std::runtime_error(path + ": expected a JSON array of TweetQA records");
  std::vector<QaExample> out;
  for (std::size_t i = 0; i < root.size(); ++i) {
    const std::string w = "[" + std::to_string(i) + "]";
    QaExample e;
    e.id = field(root[i], "qid", T::string, path, w.c_str()).get<std::string>();
    e.question = field(root[i], "Question", T::string, path, w.c_str()).get<std::string>();
    e.context = field(root[i], "Tweet", T::string, path, w.c_str()).get<std::string>();
    if (!root[i].contains("Answer"))
      throw std::runtime_error(path + ": " + w + ".Answer is missing (TweetQA's test.json has no answers; use train.json and dev.json)");
    for (const auto& a : field(root[i], "Answer", T::array, path, w.c_str())) {
      if (!a.is_string()) throw std::runtime_error(path + ": " + w + ".Answer holds a non-string");
      e.answers.push_back(a.get<std::string>());
    }
    if (e.answers.empty()) throw std::runtime_error(path + ": " + w + ".Answer is empty");
    // Located case-insensitively (ASCII): TweetQA answers are written by annotators, not spans.
    const std::string tweet = lowercase(e.context);
    for (const auto& answer : e.answers) {
      const auto at = tweet.find(lowercase(answer));
      if (answer.empty() || at == std::string::npos || tweet.size() != e.context.size()) continue;
      e.answer_begin = static_cast<std::int64_t>(at);
      e.answer_end = static_cast<std::int64_t>(at + answer.size());
      break;
    }
    out.push_back(std::move(e));
  }
  if (out.empty()) throw std::runtime_error(path + ": no records");
  return out;
}

std::vector<ByteSpan> word_spans(const std::string& text) {
  std::vector<ByteSpan> spans;
  std::size_t i = 0;
  bool in_word = false;
  while (i < text.size()) {
    utf8proc_int32_t c;
    auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + i),
                              static_cast<utf8proc_ssize_t>(text.size() - i), &c);
    if (n <= 0) n = 1, c = 0xFFFD;
    const auto cat = utf8proc_category(c);
    const bool word = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO);  // letters, marks, numbers
    if (is_space(static_cast<char32_t>(c))) {
      in_word = false;
    } else if (word && in_word) {
      spans.back().end = i + static_cast<std::size_t>(n);
    } else {
      spans.push_back({i, i + static_cast<std::size_t>(n)});
      in_word = word;
    }
    i += static_cast<std::size_t>(n);
  }
  return spans;
}

}  // namespace optbench::text
