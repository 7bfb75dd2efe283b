#include "vocabulary.h"

#include <algorithm>
#include <stdexcept>

#include "text_corpora.h"

namespace optbench::text {

void Vocabulary::add(std::string token) {
  index_.emplace(token, size());
  tokens_.push_back(std::move(token));
}

Vocabulary Vocabulary::build(const Counts& counts, const std::vector<std::string>& specials,
                             std::int64_t max_size, std::int64_t min_count) {
  Vocabulary v;
  v.source_ = "the vocabulary built from the training data";
  for (const auto& s : specials) v.add(s);
  std::vector<std::pair<std::string, std::int64_t>> ranked;
  for (const auto& [token, count] : counts)
    if (count >= min_count && !v.contains(token)) ranked.emplace_back(token, count);
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  for (auto& [token, count] : ranked) {
    if (max_size > 0 && v.size() >= max_size) break;
    v.add(std::move(token));
  }
  return v;
}

Vocabulary Vocabulary::read(const std::string& vocab_txt) {
  const std::string text = read_text_file(vocab_txt);
  Vocabulary v;
  v.source_ = vocab_txt;
  std::size_t start = 0, line = 1;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string token = text.substr(start, end - start);
    if (!token.empty() && token.back() == '\r') token.pop_back();
    // BERT's load_vocab strips each line; an empty line still takes an id.
    const auto first = token.find_first_not_of(" \t"), last = token.find_last_not_of(" \t");
    token = first == std::string::npos ? "" : token.substr(first, last - first + 1);
    if (v.contains(token))
      throw std::runtime_error(vocab_txt + ":" + std::to_string(line) + ": token '" + token +
                               "' already appears on line " + std::to_string(v.index_.at(token) + 1));
    v.add(std::move(token));
    start = end + 1;
    ++line;
  }
  if (v.size() == 0) throw std::runtime_error(vocab_txt + ": empty vocabulary file");
  return v;
}

std::int64_t Vocabulary::require(const std::string& token) const {
  auto it = index_.find(token);
  if (it == index_.end()) throw std::runtime_error(source_ + " has no token '" + token + "'");
  return it->second;
}

}  // namespace optbench::text
