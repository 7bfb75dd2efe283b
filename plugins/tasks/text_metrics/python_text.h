// What Python's str does, on UTF-8 bytes, for metrics that must match Python reference
// implementations bit for bit (sacreBLEU, the SQuAD script, seqeval). Torch-free.
//
// Python works on code points, so text is decoded from UTF-8. A byte that is not part of
// valid UTF-8 (which Python could not have decoded) is carried through unchanged as a
// "raw byte" pseudo code point above U+10FFFF: neither space, cased nor case-ignorable.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace optbench::text_metrics::python {

// ------------------------------------------------------------------ UTF-8

constexpr char32_t kRawByteBase = 0x110000;  // raw byte b decodes to kRawByteBase + b

inline bool is_raw_byte(char32_t c) { return c >= kRawByteBase; }

// Bytes in the UTF-8 sequence that `lead` starts: 1 for ASCII, 2-4 for a lead byte, 0 for a
// byte that cannot start a sequence. Says nothing about whether the sequence is valid.
std::size_t utf8_sequence_length(unsigned char lead);

// Strict: overlong forms, surrogates, values above U+10FFFF and truncated sequences decode as
// raw bytes. Wherever text comes back as UTF-8 below, raw bytes are written back unchanged.
std::u32string decode_utf8(std::string_view text);

// ------------------------------------------------------------- whitespace
// Python's whitespace (str.isspace()) is more than ASCII: e.g. U+00A0 NO-BREAK SPACE,
// U+3000 IDEOGRAPHIC SPACE and U+001C..U+001F count; U+200B ZERO WIDTH SPACE does not.

// str.split() without arguments: runs of whitespace separate tokens; no empty tokens.
std::vector<std::string> split(std::string_view text);
// The same on decoded text. Not split(encode(code_points)): two raw bytes brought together
// (say by removing a character between them) can encode to a valid character, e.g. U+00A0,
// which would then decode as whitespace.
std::vector<std::string> split(const std::u32string& code_points);

// str.rstrip() without arguments.
std::string_view rstrip(std::string_view text);

// ' '.join(tokens).
std::string join_with_spaces(const std::vector<std::string>& tokens);

// ------------------------------------------------------------- str.lower()

// The Unicode character data str.lower() is computed from. Both give the same simple
// lower-case mapping for every code point (CPython 3.11-3.13's; checked against utf8proc
// 2.8.0 exhaustively). They differ only in the Final_Sigma rule, i.e. in which neighbours of
// a capital sigma count as cased or case-ignorable; each metric keeps the one it was
// validated with, so that its scores stay bit-identical.
enum class CaseData {
  // Tables compiled in here, standard library only (sacreBLEU's BLEU). The Final_Sigma
  // classes are CPython's, probed, for Latin, Greek, Cyrillic, Armenian, the phonetic and
  // Greek extensions and general punctuation; elsewhere a letter with a case partner counts
  // as cased and nothing as case-ignorable (so e.g. Hebrew points next to a sigma differ
  // from CPython).
  kBuiltinTables,
  // utf8proc's Unicode 15.0 properties, Cased and Case_Ignorable for every code point, as
  // CPython 3.12 has them (the SQuAD script).
  kUtf8proc,
};

// str.lower(): the simple mappings, plus U+0130 -> "i" U+0307 (the one unconditional
// multi-code-point lower case) and U+03A3 -> final sigma U+03C2 by the Final_Sigma rule.
// Raw bytes are left alone.
std::u32string lower(const std::u32string& code_points, CaseData data);
std::string lower(std::string_view text, CaseData data);

}  // namespace optbench::text_metrics::python
