#include "wordpiece.h"

#include <utf8proc.h>

#include "unicode_text.h"

namespace optbench::text {

namespace {

constexpr std::size_t kMaxCharsPerWord = 100;  // longer words become [UNK], as in BERT

utf8proc_category_t category(char32_t c) { return utf8proc_category(static_cast<utf8proc_int32_t>(c)); }

bool is_control(char32_t c) {
  if (c == '\t' || c == '\n' || c == '\r') return false;
  const auto cat = category(c);
  return cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF || cat == UTF8PROC_CATEGORY_CN ||
         cat == UTF8PROC_CATEGORY_CO || cat == UTF8PROC_CATEGORY_CS;
}

// All non-alphanumeric ASCII counts as punctuation, like BERT, plus Unicode P*.
bool is_punctuation(char32_t c) {
  if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126))
    return true;
  const auto cat = category(c);
  return cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_PO;
}

// The CJK Unified Ideographs blocks BERT splits into single characters.
bool is_cjk(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

// NFD, then drop the non-spacing marks (Mn): "Héllo" -> "Hello".
std::u32string strip_accents(const std::u32string& word) {
  std::u32string out;
  for (char32_t c : word) {
    utf8proc_int32_t decomposed[8];
    utf8proc_ssize_t n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(c), decomposed, 8,
                                                  UTF8PROC_DECOMPOSE, nullptr);
    if (n < 0 || n > 8) {  // cannot happen for a valid code point; keep it as it is
      out.push_back(c);
      continue;
    }
    for (utf8proc_ssize_t i = 0; i < n; ++i)
      if (utf8proc_category(decomposed[i]) != UTF8PROC_CATEGORY_MN) out.push_back(static_cast<char32_t>(decomposed[i]));
  }
  return out;
}

}  // namespace

WordPiece::WordPiece(Vocabulary vocabulary, bool lowercase)
    : vocabulary_(std::move(vocabulary)), lowercase_(lowercase) {
  pad_ = vocabulary_.require("[PAD]");
  unk_ = vocabulary_.require("[UNK]");
  cls_ = vocabulary_.require("[CLS]");
  sep_ = vocabulary_.require("[SEP]");
}

std::vector<std::string> WordPiece::basic_tokens(std::string_view text) const {
  // Clean: drop NUL, U+FFFD and control characters; any whitespace becomes a space;
  // CJK characters and punctuation become words of their own.
  std::vector<std::u32string> words(1);
  auto end_word = [&] {
    if (!words.back().empty()) words.emplace_back();
  };
  for (char32_t c : to_code_points(text)) {
    if (c == 0 || c == 0xFFFD || is_control(c)) continue;
    if (is_space(c)) {  // after the control check, exactly the characters BERT splits on
      end_word();
    } else if (is_cjk(c)) {
      end_word();
      words.back().push_back(c);
      end_word();
    } else {
      words.back().push_back(c);
    }
  }
  std::vector<std::string> out;
  for (auto& word : words) {
    if (word.empty()) continue;
    if (lowercase_) {
      for (char32_t& c : word) c = to_lower(c);
      word = strip_accents(word);
    }
    std::u32string piece;
    for (char32_t c : word) {
      if (is_punctuation(c)) {
        if (!piece.empty()) out.push_back(to_utf8(piece));
        piece.clear();
        out.push_back(to_utf8(std::u32string(1, c)));
      } else {
        piece.push_back(c);
      }
    }
    if (!piece.empty()) out.push_back(to_utf8(piece));
  }
  return out;
}

std::vector<std::string> WordPiece::tokenize(std::string_view text) const {
  std::vector<std::string> out;
  for (const auto& word : basic_tokens(text)) {
    const std::u32string chars = to_code_points(word);
    if (chars.size() > kMaxCharsPerWord) {
      out.push_back("[UNK]");
      continue;
    }
    std::vector<std::string> pieces;
    std::size_t start = 0;
    bool bad = false;
    while (start < chars.size()) {
      std::size_t end = chars.size();
      std::string match;
      while (start < end) {
        std::string candidate = (start > 0 ? "##" : "") + to_utf8(chars.substr(start, end - start));
        if (vocabulary_.contains(candidate)) {
          match = std::move(candidate);
          break;
        }
        --end;
      }
      if (match.empty()) {
        bad = true;
        break;
      }
      pieces.push_back(std::move(match));
      start = end;
    }
    if (bad) {
      out.push_back("[UNK]");
    } else {
      for (auto& p : pieces) out.push_back(std::move(p));
    }
  }
  return out;
}

std::vector<std::int64_t> WordPiece::encode(const std::vector<std::string>& pieces, std::size_t max_length) const {
  std::vector<std::int64_t> ids = {cls_};
  for (const auto& piece : pieces) {
    if (ids.size() + 1 >= max_length) break;
    ids.push_back(vocabulary_.id_or(piece, unk_));
  }
  ids.push_back(sep_);
  return ids;
}

}  // namespace optbench::text
