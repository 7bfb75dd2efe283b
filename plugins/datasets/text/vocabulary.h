// A token <-> id table: built from counted training tokens (special tokens first,
// then by frequency, ties in lexicographic order as torchtext does), or read from a
// BERT-style vocab.txt (one token per line; the line number is the id).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace optbench::text {

// The step that takes about `samples` of `n` training examples evenly spread (every
// k-th), so that a vocabulary built from a subset sees every part of the data; 1 when
// samples is 0 (all).
inline std::size_t subset_stride(std::size_t n, std::int64_t samples) {
  if (samples <= 0) return 1;
  const auto s = static_cast<std::size_t>(samples);
  return n > s ? (n + s - 1) / s : 1;
}

class Vocabulary {
 public:
  using Counts = std::unordered_map<std::string, std::int64_t>;

  // `max_size` counts the special tokens too (0: no limit); tokens seen fewer than
  // `min_count` times are left out.
  static Vocabulary build(const Counts& counts, const std::vector<std::string>& specials,
                          std::int64_t max_size, std::int64_t min_count);
  static Vocabulary read(const std::string& vocab_txt);

  std::int64_t size() const { return static_cast<std::int64_t>(tokens_.size()); }
  const std::vector<std::string>& tokens() const { return tokens_; }
  bool contains(const std::string& token) const { return index_.count(token) != 0; }
  // The id of `token`; throws naming the vocabulary's source if it is absent.
  std::int64_t require(const std::string& token) const;
  // The id of `token`, or `fallback` if it is absent.
  std::int64_t id_or(const std::string& token, std::int64_t fallback) const {
    auto it = index_.find(token);
    return it == index_.end() ? fallback : it->second;
  }

 private:
  void add(std::string token);
  std::string source_ = "the vocabulary";
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, std::int64_t> index_;
};

}  // namespace optbench::text
