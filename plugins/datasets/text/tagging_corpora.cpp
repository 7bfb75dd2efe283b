#include "tagging_corpora.h"

#include <sstream>
#include <stdexcept>

#include "text_corpora.h"

namespace optbench::text {

namespace {

bool is_tag(const std::string& tag) {
  return tag == "O" || (tag.size() > 2 && (tag[0] == 'B' || tag[0] == 'I' || tag[0] == 'E' || tag[0] == 'S') && tag[1] == '-');
}

// Reads sentences whose lines `parse` turns into (token, tag), naming file:line on errors.
template <class Parse>
std::vector<TaggedSentence> read_sentences(const std::string& path, Parse parse) {
  std::vector<TaggedSentence> sentences(1);
  const auto lines = read_lines(path);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string line = lines[i];
    if (line.find_first_not_of(" \t") == std::string::npos) {
      if (!sentences.back().tokens.empty()) sentences.emplace_back();
      continue;
    }
    const std::string where = path + ":" + std::to_string(i + 1) + ": ";
    auto [token, tag] = parse(line, where);
    if (token == "-DOCSTART-") continue;
    if (!is_tag(tag)) throw std::runtime_error(where + "'" + tag + "' is not a tag; accepted: O, B-TYPE, I-TYPE (E-, S-)");
    sentences.back().tokens.push_back(std::move(token));
    sentences.back().tags.push_back(std::move(tag));
  }
  if (sentences.back().tokens.empty()) sentences.pop_back();
  if (sentences.empty()) throw std::runtime_error(path + ": no sentences");
  return sentences;
}

}  // namespace

std::vector<TaggedSentence> read_conll2003(const std::string& path) {
  return read_sentences(path, [](const std::string& line, const std::string& where) {
    std::istringstream in(line);
    std::vector<std::string> columns;
    for (std::string c; in >> c;) columns.push_back(c);
    if (columns.size() < 2)
      throw std::runtime_error(where + "expected columns 'token POS chunk NER' (at least a token and a tag), got '" + line + "'");
    return std::make_pair(columns.front(), columns.back());
  });
}

std::vector<TaggedSentence> read_panx(const std::string& path) {
  return read_sentences(path, [](const std::string& line, const std::string& where) {
    const auto tab = line.rfind('\t');
    const auto colon = line.find(':');
    if (tab == std::string::npos || colon == std::string::npos || colon > tab)
      throw std::runtime_error(where + "expected 'lang:token<TAB>TAG', got '" + line + "'");
    return std::make_pair(line.substr(colon + 1, tab - colon - 1), line.substr(tab + 1));
  });
}

}  // namespace optbench::text
