#include "unicode_text.h"

#include <utf8proc.h>

#include <stdexcept>

namespace optbench::text {

void check_utf8(std::string_view text, const std::string& file) {
  std::size_t line = 1, i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\n') ++line;
    if (byte == 0)
      throw std::runtime_error(file + ":" + std::to_string(line) + ": NUL byte: this is not a text file");
    if (byte < 0x80) {
      ++i;
      continue;
    }
    utf8proc_int32_t c;
    const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + i),
                                    static_cast<utf8proc_ssize_t>(text.size() - i), &c);
    if (n < 0) {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "0x%02x", byte);
      throw std::runtime_error(file + ":" + std::to_string(line) + ": invalid UTF-8 (byte " + hex +
                               "); text files must be UTF-8");
    }
    i += static_cast<std::size_t>(n);
  }
}

std::u32string to_code_points(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  std::size_t i = 0;
  while (i < utf8.size()) {
    utf8proc_int32_t c;
    auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data() + i),
                              static_cast<utf8proc_ssize_t>(utf8.size() - i), &c);
    if (n <= 0) {  // not reached after check_utf8; keep going rather than loop forever
      c = 0xFFFD;
      n = 1;
    }
    out.push_back(static_cast<char32_t>(c));
    i += static_cast<std::size_t>(n);
  }
  return out;
}

void append_utf8(std::string& out, char32_t c) {
  utf8proc_uint8_t buf[4];
  const auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

std::string to_utf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t c : text) append_utf8(out, c);
  return out;
}

bool is_space(char32_t c) {
  if ((c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85) return true;
  if (c < 0x80) return false;
  const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP;
}

char32_t to_lower(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  return static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c)));
}

std::string lowercase(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (char32_t c : to_code_points(utf8)) append_utf8(out, to_lower(c));
  return out;
}

std::vector<std::string> split_whitespace(std::string_view utf8) {
  std::vector<std::string> words;
  std::string word;
  for (char32_t c : to_code_points(utf8)) {
    if (is_space(c)) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      append_utf8(word, c);
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

}  // namespace optbench::text
