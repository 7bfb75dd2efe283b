// UTF-8 checks and the Unicode character classes the tokenisers need (utf8proc).
// Torch-free, so that the unit tests can use it cheaply.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace optbench::text {

// Throws std::runtime_error "FILE:LINE: ..." at the first invalid UTF-8 sequence or
// NUL byte (a binary file given as text), so a bad file is refused by name and line.
void check_utf8(std::string_view text, const std::string& file);

// Code points of valid UTF-8 (check_utf8 first) and back.
std::u32string to_code_points(std::string_view utf8);
void append_utf8(std::string& out, char32_t c);
std::string to_utf8(std::u32string_view text);

// Python's str.isspace(): what str.split() splits on.
bool is_space(char32_t c);
// Simple (one code point) Unicode lower-case mapping.
char32_t to_lower(char32_t c);
std::string lowercase(std::string_view utf8);

// Splits on runs of is_space, like Python's str.split().
std::vector<std::string> split_whitespace(std::string_view utf8);

}  // namespace optbench::text
