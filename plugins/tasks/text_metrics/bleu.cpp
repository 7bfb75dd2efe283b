// Corpus and sentence BLEU computed exactly as sacreBLEU 2.x does (github.com/mjpost/sacrebleu):
// sacrebleu/metrics/bleu.py (compute_bleu, segment statistics, closest reference length),
// metrics/base.py (empty references dropped), metrics/helpers.py (word n-grams),
// tokenizers/tokenizer_13a.py and tokenizer_re.py (mteval-v13a), and the Python string
// semantics they rely on (str.split, str.rstrip, str.lower, float formatting and sum).
// Written anew in C++, standard library only.
#include "bleu.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

namespace optbench::text_metrics {
namespace {

// ---------------------------------------------------------------------------------------
// UTF-8 <-> code points. sacreBLEU works on Python str, i.e. on code points; bytes that are
// not valid UTF-8 (which Python could not have decoded) are carried through unchanged as
// pseudo code points above U+10FFFF that are neither space, cased nor case-ignorable.

constexpr char32_t kRawByteBase = 0x110000;

struct DecodedChar {
  char32_t code_point;
  std::size_t length;
};

// Bytes in the sequence a lead byte starts; 0 for a byte that cannot start one.
std::size_t utf8_sequence_length(unsigned char lead) {
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

DecodedChar decode_utf8(std::string_view text, std::size_t pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80) return {lead, 1};
  const std::size_t length = utf8_sequence_length(lead);
  if (length == 0 || pos + length > text.size()) return {kRawByteBase + lead, 1};
  char32_t code_point = lead & (0x7F >> length);
  for (std::size_t i = 1; i < length; ++i) {
    const auto next = static_cast<unsigned char>(text[pos + i]);
    if ((next & 0xC0) != 0x80) return {kRawByteBase + lead, 1};
    code_point = (code_point << 6) | (next & 0x3F);
  }
  const bool overlong = (length == 3 && code_point < 0x800) || (length == 4 && code_point < 0x10000);
  const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
  if (overlong || surrogate || code_point > 0x10FFFF) return {kRawByteBase + lead, 1};
  return {code_point, length};
}

void append_utf8(std::string& out, char32_t c) {
  if (c >= kRawByteBase) {
    out += static_cast<char>(c - kRawByteBase);
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

std::u32string to_code_points(std::string_view text) {
  std::u32string code_points;
  code_points.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const DecodedChar c = decode_utf8(text, pos);
    code_points += c.code_point;
    pos += c.length;
  }
  return code_points;
}

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// ---------------------------------------------------------------------------------------
// Python's whitespace (str.isspace), which str.split() and str.rstrip() use: more than
// ASCII, e.g. U+00A0 NO-BREAK SPACE and U+3000 IDEOGRAPHIC SPACE separate tokens too.

bool is_python_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

// str.split(): runs of whitespace separate tokens; no empty tokens.
std::vector<std::string> split_python_whitespace(std::string_view text) {
  std::vector<std::string> tokens;
  std::size_t token_start = std::string_view::npos;
  for (std::size_t pos = 0; pos < text.size();) {
    const DecodedChar c = decode_utf8(text, pos);
    if (is_python_space(c.code_point)) {
      if (token_start != std::string_view::npos) tokens.emplace_back(text.substr(token_start, pos - token_start));
      token_start = std::string_view::npos;
    } else if (token_start == std::string_view::npos) {
      token_start = pos;
    }
    pos += c.length;
  }
  if (token_start != std::string_view::npos) tokens.emplace_back(text.substr(token_start));
  return tokens;
}

// str.rstrip()
std::string_view rstrip_python_whitespace(std::string_view text) {
  std::size_t end = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const DecodedChar c = decode_utf8(text, pos);
    pos += c.length;
    if (!is_python_space(c.code_point)) end = pos;
  }
  return text.substr(0, end);
}

// ---------------------------------------------------------------------------------------
// Python's str.lower(). The simple mappings come from CPython's own str.lower() (identical
// for Unicode 14.0-15.1, CPython 3.11-3.13): runs of code points shifted by `delta`, either
// every code point (stride 1) or every other one (stride 2, upper/lower pairs).

struct LowercaseRun {
  char32_t first, last;
  std::int32_t delta;
  std::uint8_t stride;
};

constexpr LowercaseRun kLowercaseRuns[] = {
    {0x0041, 0x005A, 32, 1},     {0x00C0, 0x00D6, 32, 1},     {0x00D8, 0x00DE, 32, 1},     {0x0100, 0x012E, 1, 2},
    {0x0132, 0x0136, 1, 2},      {0x0139, 0x0147, 1, 2},      {0x014A, 0x0176, 1, 2},      {0x0178, 0x0178, -121, 1},
    {0x0179, 0x017D, 1, 2},      {0x0181, 0x0181, 210, 1},    {0x0182, 0x0184, 1, 2},      {0x0186, 0x0186, 206, 1},
    {0x0187, 0x0187, 1, 1},      {0x0189, 0x018A, 205, 1},    {0x018B, 0x018B, 1, 1},      {0x018E, 0x018E, 79, 1},
    {0x018F, 0x018F, 202, 1},    {0x0190, 0x0190, 203, 1},    {0x0191, 0x0191, 1, 1},      {0x0193, 0x0193, 205, 1},
    {0x0194, 0x0194, 207, 1},    {0x0196, 0x0196, 211, 1},    {0x0197, 0x0197, 209, 1},    {0x0198, 0x0198, 1, 1},
    {0x019C, 0x019C, 211, 1},    {0x019D, 0x019D, 213, 1},    {0x019F, 0x019F, 214, 1},    {0x01A0, 0x01A4, 1, 2},
    {0x01A6, 0x01A6, 218, 1},    {0x01A7, 0x01A7, 1, 1},      {0x01A9, 0x01A9, 218, 1},    {0x01AC, 0x01AC, 1, 1},
    {0x01AE, 0x01AE, 218, 1},    {0x01AF, 0x01AF, 1, 1},      {0x01B1, 0x01B2, 217, 1},    {0x01B3, 0x01B5, 1, 2},
    {0x01B7, 0x01B7, 219, 1},    {0x01B8, 0x01B8, 1, 1},      {0x01BC, 0x01BC, 1, 1},      {0x01C4, 0x01C4, 2, 1},
    {0x01C5, 0x01C5, 1, 1},      {0x01C7, 0x01C7, 2, 1},      {0x01C8, 0x01C8, 1, 1},      {0x01CA, 0x01CA, 2, 1},
    {0x01CB, 0x01DB, 1, 2},      {0x01DE, 0x01EE, 1, 2},      {0x01F1, 0x01F1, 2, 1},      {0x01F2, 0x01F4, 1, 2},
    {0x01F6, 0x01F6, -97, 1},    {0x01F7, 0x01F7, -56, 1},    {0x01F8, 0x021E, 1, 2},      {0x0220, 0x0220, -130, 1},
    {0x0222, 0x0232, 1, 2},      {0x023A, 0x023A, 10795, 1},  {0x023B, 0x023B, 1, 1},      {0x023D, 0x023D, -163, 1},
    {0x023E, 0x023E, 10792, 1},  {0x0241, 0x0241, 1, 1},      {0x0243, 0x0243, -195, 1},   {0x0244, 0x0244, 69, 1},
    {0x0245, 0x0245, 71, 1},     {0x0246, 0x024E, 1, 2},      {0x0370, 0x0372, 1, 2},      {0x0376, 0x0376, 1, 1},
    {0x037F, 0x037F, 116, 1},    {0x0386, 0x0386, 38, 1},     {0x0388, 0x038A, 37, 1},     {0x038C, 0x038C, 64, 1},
    {0x038E, 0x038F, 63, 1},     {0x0391, 0x03A1, 32, 1},     {0x03A3, 0x03AB, 32, 1},     {0x03CF, 0x03CF, 8, 1},
    {0x03D8, 0x03EE, 1, 2},      {0x03F4, 0x03F4, -60, 1},    {0x03F7, 0x03F7, 1, 1},      {0x03F9, 0x03F9, -7, 1},
    {0x03FA, 0x03FA, 1, 1},      {0x03FD, 0x03FF, -130, 1},   {0x0400, 0x040F, 80, 1},     {0x0410, 0x042F, 32, 1},
    {0x0460, 0x0480, 1, 2},      {0x048A, 0x04BE, 1, 2},      {0x04C0, 0x04C0, 15, 1},     {0x04C1, 0x04CD, 1, 2},
    {0x04D0, 0x052E, 1, 2},      {0x0531, 0x0556, 48, 1},     {0x10A0, 0x10C5, 7264, 1},   {0x10C7, 0x10C7, 7264, 1},
    {0x10CD, 0x10CD, 7264, 1},   {0x13A0, 0x13EF, 38864, 1},  {0x13F0, 0x13F5, 8, 1},      {0x1C90, 0x1CBA, -3008, 1},
    {0x1CBD, 0x1CBF, -3008, 1},  {0x1E00, 0x1E94, 1, 2},      {0x1E9E, 0x1E9E, -7615, 1},  {0x1EA0, 0x1EFE, 1, 2},
    {0x1F08, 0x1F0F, -8, 1},     {0x1F18, 0x1F1D, -8, 1},     {0x1F28, 0x1F2F, -8, 1},     {0x1F38, 0x1F3F, -8, 1},
    {0x1F48, 0x1F4D, -8, 1},     {0x1F59, 0x1F5F, -8, 2},     {0x1F68, 0x1F6F, -8, 1},     {0x1F88, 0x1F8F, -8, 1},
    {0x1F98, 0x1F9F, -8, 1},     {0x1FA8, 0x1FAF, -8, 1},     {0x1FB8, 0x1FB9, -8, 1},     {0x1FBA, 0x1FBB, -74, 1},
    {0x1FBC, 0x1FBC, -9, 1},     {0x1FC8, 0x1FCB, -86, 1},    {0x1FCC, 0x1FCC, -9, 1},     {0x1FD8, 0x1FD9, -8, 1},
    {0x1FDA, 0x1FDB, -100, 1},   {0x1FE8, 0x1FE9, -8, 1},     {0x1FEA, 0x1FEB, -112, 1},   {0x1FEC, 0x1FEC, -7, 1},
    {0x1FF8, 0x1FF9, -128, 1},   {0x1FFA, 0x1FFB, -126, 1},   {0x1FFC, 0x1FFC, -9, 1},     {0x2126, 0x2126, -7517, 1},
    {0x212A, 0x212A, -8383, 1},  {0x212B, 0x212B, -8262, 1},  {0x2132, 0x2132, 28, 1},     {0x2160, 0x216F, 16, 1},
    {0x2183, 0x2183, 1, 1},      {0x24B6, 0x24CF, 26, 1},     {0x2C00, 0x2C2F, 48, 1},     {0x2C60, 0x2C60, 1, 1},
    {0x2C62, 0x2C62, -10743, 1}, {0x2C63, 0x2C63, -3814, 1},  {0x2C64, 0x2C64, -10727, 1}, {0x2C67, 0x2C6B, 1, 2},
    {0x2C6D, 0x2C6D, -10780, 1}, {0x2C6E, 0x2C6E, -10749, 1}, {0x2C6F, 0x2C6F, -10783, 1}, {0x2C70, 0x2C70, -10782, 1},
    {0x2C72, 0x2C72, 1, 1},      {0x2C75, 0x2C75, 1, 1},      {0x2C7E, 0x2C7F, -10815, 1}, {0x2C80, 0x2CE2, 1, 2},
    {0x2CEB, 0x2CED, 1, 2},      {0x2CF2, 0x2CF2, 1, 1},      {0xA640, 0xA66C, 1, 2},      {0xA680, 0xA69A, 1, 2},
    {0xA722, 0xA72E, 1, 2},      {0xA732, 0xA76E, 1, 2},      {0xA779, 0xA77B, 1, 2},      {0xA77D, 0xA77D, -35332, 1},
    {0xA77E, 0xA786, 1, 2},      {0xA78B, 0xA78B, 1, 1},      {0xA78D, 0xA78D, -42280, 1}, {0xA790, 0xA792, 1, 2},
    {0xA796, 0xA7A8, 1, 2},      {0xA7AA, 0xA7AA, -42308, 1}, {0xA7AB, 0xA7AB, -42319, 1}, {0xA7AC, 0xA7AC, -42315, 1},
    {0xA7AD, 0xA7AD, -42305, 1}, {0xA7AE, 0xA7AE, -42308, 1}, {0xA7B0, 0xA7B0, -42258, 1}, {0xA7B1, 0xA7B1, -42282, 1},
    {0xA7B2, 0xA7B2, -42261, 1}, {0xA7B3, 0xA7B3, 928, 1},    {0xA7B4, 0xA7C2, 1, 2},      {0xA7C4, 0xA7C4, -48, 1},
    {0xA7C5, 0xA7C5, -42307, 1}, {0xA7C6, 0xA7C6, -35384, 1}, {0xA7C7, 0xA7C9, 1, 2},      {0xA7D0, 0xA7D0, 1, 1},
    {0xA7D6, 0xA7D8, 1, 2},      {0xA7F5, 0xA7F5, 1, 1},      {0xFF21, 0xFF3A, 32, 1},     {0x10400, 0x10427, 40, 1},
    {0x104B0, 0x104D3, 40, 1},   {0x10570, 0x1057A, 39, 1},   {0x1057C, 0x1058A, 39, 1},   {0x1058C, 0x10592, 39, 1},
    {0x10594, 0x10595, 39, 1},   {0x10C80, 0x10CB2, 64, 1},   {0x118A0, 0x118BF, 32, 1},   {0x16E40, 0x16E5F, 32, 1},
    {0x1E900, 0x1E921, 34, 1},
};

char32_t simple_lowercase(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  const auto* run = std::upper_bound(std::begin(kLowercaseRuns), std::end(kLowercaseRuns), c,
                                     [](char32_t value, const LowercaseRun& r) { return value < r.first; });
  if (run == std::begin(kLowercaseRuns)) return c;
  --run;
  if (c > run->last || (c - run->first) % run->stride != 0) return c;
  return static_cast<char32_t>(static_cast<std::int64_t>(c) + run->delta);
}

// Whether c is the lower-case partner of some upper-case letter (inverse of the table).
bool is_lowercase_partner(char32_t c) {
  return std::any_of(std::begin(kLowercaseRuns), std::end(kLowercaseRuns), [c](const LowercaseRun& r) {
    const std::int64_t source = static_cast<std::int64_t>(c) - r.delta;
    return source >= r.first && source <= r.last && (source - r.first) % r.stride == 0;
  });
}

// Final_Sigma (CPython's handle_capital_sigma): U+03A3 lowers to U+03C2 (final sigma)
// when a cased letter precedes it and none follows, skipping case-ignorable characters
// both ways. The classes are CPython's, probed from its str.lower(), for Latin, Greek,
// Cyrillic, Armenian, the phonetic and Greek extensions and general punctuation; elsewhere
// a letter with a case partner counts as cased and everything else as neither.
enum SigmaContextClass : std::uint8_t { kOther, kCased, kIgnorable };

struct SigmaContextRun {
  char32_t first, last;
  SigmaContextClass klass;
};

constexpr SigmaContextRun kSigmaContextRuns[] = {
    {0x0027, 0x0027, kIgnorable}, {0x002E, 0x002E, kIgnorable}, {0x003A, 0x003A, kIgnorable},
    {0x0041, 0x005A, kCased},     {0x005E, 0x005E, kIgnorable}, {0x0060, 0x0060, kIgnorable},
    {0x0061, 0x007A, kCased},     {0x00A8, 0x00A8, kIgnorable}, {0x00AA, 0x00AA, kCased},
    {0x00AD, 0x00AD, kIgnorable}, {0x00AF, 0x00AF, kIgnorable}, {0x00B4, 0x00B4, kIgnorable},
    {0x00B5, 0x00B5, kCased},     {0x00B7, 0x00B8, kIgnorable}, {0x00BA, 0x00BA, kCased},
    {0x00C0, 0x00D6, kCased},     {0x00D8, 0x00F6, kCased},     {0x00F8, 0x01BA, kCased},
    {0x01BC, 0x01BF, kCased},     {0x01C4, 0x0293, kCased},     {0x0295, 0x02AF, kCased},
    {0x02B0, 0x036F, kIgnorable}, {0x0370, 0x0373, kCased},     {0x0374, 0x0375, kIgnorable},
    {0x0376, 0x0377, kCased},     {0x037A, 0x037A, kIgnorable}, {0x037B, 0x037D, kCased},
    {0x037F, 0x037F, kCased},     {0x0384, 0x0385, kIgnorable}, {0x0386, 0x0386, kCased},
    {0x0387, 0x0387, kIgnorable}, {0x0388, 0x038A, kCased},     {0x038C, 0x038C, kCased},
    {0x038E, 0x03A1, kCased},     {0x03A3, 0x03F5, kCased},     {0x03F7, 0x0481, kCased},
    {0x0483, 0x0489, kIgnorable}, {0x048A, 0x052F, kCased},     {0x0531, 0x0556, kCased},
    {0x0559, 0x0559, kIgnorable}, {0x055F, 0x055F, kIgnorable}, {0x0560, 0x0588, kCased},
    {0x1D00, 0x1D2B, kCased},     {0x1D2C, 0x1D6A, kIgnorable}, {0x1D6B, 0x1D77, kCased},
    {0x1D78, 0x1D78, kIgnorable}, {0x1D79, 0x1D9A, kCased},     {0x1D9B, 0x1DFF, kIgnorable},
    {0x1E00, 0x1F15, kCased},     {0x1F18, 0x1F1D, kCased},     {0x1F20, 0x1F45, kCased},
    {0x1F48, 0x1F4D, kCased},     {0x1F50, 0x1F57, kCased},     {0x1F59, 0x1F59, kCased},
    {0x1F5B, 0x1F5B, kCased},     {0x1F5D, 0x1F5D, kCased},     {0x1F5F, 0x1F7D, kCased},
    {0x1F80, 0x1FB4, kCased},     {0x1FB6, 0x1FBC, kCased},     {0x1FBD, 0x1FBD, kIgnorable},
    {0x1FBE, 0x1FBE, kCased},     {0x1FBF, 0x1FC1, kIgnorable}, {0x1FC2, 0x1FC4, kCased},
    {0x1FC6, 0x1FCC, kCased},     {0x1FCD, 0x1FCF, kIgnorable}, {0x1FD0, 0x1FD3, kCased},
    {0x1FD6, 0x1FDB, kCased},     {0x1FDD, 0x1FDF, kIgnorable}, {0x1FE0, 0x1FEC, kCased},
    {0x1FED, 0x1FEF, kIgnorable}, {0x1FF2, 0x1FF4, kCased},     {0x1FF6, 0x1FFC, kCased},
    {0x1FFD, 0x1FFE, kIgnorable}, {0x200B, 0x200F, kIgnorable}, {0x2018, 0x2019, kIgnorable},
    {0x2024, 0x2024, kIgnorable}, {0x2027, 0x2027, kIgnorable}, {0x202A, 0x202E, kIgnorable},
    {0x2060, 0x2064, kIgnorable}, {0x2066, 0x206F, kIgnorable},
};

SigmaContextClass sigma_context_class(char32_t c) {
  const bool in_probed_blocks = c < 0x590 || (c >= 0x1D00 && c < 0x2070);
  if (in_probed_blocks) {
    const auto* run = std::upper_bound(std::begin(kSigmaContextRuns), std::end(kSigmaContextRuns), c,
                                       [](char32_t value, const SigmaContextRun& r) { return value < r.first; });
    if (run == std::begin(kSigmaContextRuns) || c > (run - 1)->last) return kOther;
    return (run - 1)->klass;
  }
  if (c >= kRawByteBase) return kOther;
  return simple_lowercase(c) != c || is_lowercase_partner(c) ? kCased : kOther;
}

bool sigma_is_final(const std::u32string& text, std::size_t at) {
  std::size_t before = at;
  while (before > 0 && sigma_context_class(text[before - 1]) == kIgnorable) --before;
  if (before == 0 || sigma_context_class(text[before - 1]) != kCased) return false;
  std::size_t after = at + 1;
  while (after < text.size() && sigma_context_class(text[after]) == kIgnorable) ++after;
  return after == text.size() || sigma_context_class(text[after]) != kCased;
}

std::string python_lowercase(const std::string& text) {
  if (is_ascii(text)) {
    std::string lowered = text;
    for (char& c : lowered) c = static_cast<char>(simple_lowercase(static_cast<unsigned char>(c)));
    return lowered;
  }
  const std::u32string code_points = to_code_points(text);
  std::string lowered;
  lowered.reserve(text.size() + 8);
  for (std::size_t i = 0; i < code_points.size(); ++i) {
    const char32_t c = code_points[i];
    if (c == 0x130) {  // the one unconditional multi-character lower case: i + COMBINING DOT ABOVE
      append_utf8(lowered, U'i');
      append_utf8(lowered, 0x307);
    } else if (c == 0x3A3) {
      append_utf8(lowered, sigma_is_final(code_points, i) ? 0x3C2 : 0x3C3);
    } else {
      append_utf8(lowered, simple_lowercase(c));
    }
  }
  return lowered;
}

// ---------------------------------------------------------------------------------------
// mteval-v13a tokenization (tokenizer_13a.py + tokenizer_re.py). Every pattern is ASCII and
// every rewrite only inserts spaces, so scanning bytes gives what Python's regexes give on
// code points: a UTF-8 lead or continuation byte is, like the character, "not a digit".

// str.replace(from, to): left to right, non-overlapping.
std::string replace_all(const std::string& text, std::string_view from, std::string_view to) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  for (std::size_t hit = text.find(from); hit != std::string::npos; hit = text.find(from, pos)) {
    out.append(text, pos, hit - pos);
    out += to;
    pos = hit + from.size();
  }
  out.append(text, pos, std::string::npos);
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_period_or_comma(char c) { return c == '.' || c == ','; }

// re.sub(r'([\{-\~\[-\` -\&\(-\+\:-\@\/])', r' \1 '): ASCII punctuation and symbols
// except ' , - . (the next passes decide those), and space itself.
bool is_isolated_symbol(char c) {
  return (c >= '{' && c <= '~') || (c >= '[' && c <= '`') || (c >= ' ' && c <= '&') || (c >= '(' && c <= '+') ||
         (c >= ':' && c <= '@') || c == '/';
}

std::string isolate_symbols(const std::string& text) {
  std::string out;
  out.reserve(text.size() * 2);
  for (char c : text) {
    if (is_isolated_symbol(c)) {
      out += ' ';
      out += c;
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// re.sub(r'([^0-9])([\.,])', r'\1 \2 '): period and comma unless preceded by a digit.
// A match consumes both characters, so in "a.." only the first period is matched here.
std::string split_period_comma_after_non_digit(const std::string& text) {
  std::string out;
  out.reserve(text.size() * 2);
  for (std::size_t i = 0; i < text.size();) {
    if (i + 1 < text.size() && !is_digit(text[i]) && is_period_or_comma(text[i + 1])) {
      out += text[i];
      out += ' ';
      out += text[i + 1];
      out += ' ';
      i += 2;
    } else {
      out += text[i++];
    }
  }
  return out;
}

// re.sub(r'([\.,])([^0-9])', r' \1 \2'): period and comma unless followed by a digit.
std::string split_period_comma_before_non_digit(const std::string& text) {
  std::string out;
  out.reserve(text.size() * 2);
  for (std::size_t i = 0; i < text.size();) {
    if (i + 1 < text.size() && is_period_or_comma(text[i]) && !is_digit(text[i + 1])) {
      out += ' ';
      out += text[i];
      out += ' ';
      out += text[i + 1];
      i += 2;
    } else {
      out += text[i++];
    }
  }
  return out;
}

// re.sub(r'([0-9])(-)', r'\1 \2 '): a dash after a digit.
std::string split_dash_after_digit(const std::string& text) {
  std::string out;
  out.reserve(text.size() * 2);
  for (std::size_t i = 0; i < text.size();) {
    if (i + 1 < text.size() && is_digit(text[i]) && text[i + 1] == '-') {
      out += text[i];
      out += " - ";
      i += 2;
    } else {
      out += text[i++];
    }
  }
  return out;
}

std::vector<std::string> tokens_13a(const std::string& line) {
  std::string text = replace_all(line, "<skipped>", "");
  text = replace_all(text, "-\n", "");
  text = replace_all(text, "\n", " ");
  text = replace_all(text, "&quot;", "\"");
  text = replace_all(text, "&amp;", "&");
  text = replace_all(text, "&lt;", "<");
  text = replace_all(text, "&gt;", ">");
  // The padding gives a first or last period a non-digit neighbour, as in mteval.
  text = " " + text + " ";
  text = isolate_symbols(text);
  text = split_period_comma_after_non_digit(text);
  text = split_period_comma_before_non_digit(text);
  text = split_dash_after_digit(text);
  return split_python_whitespace(text);
}

std::string join_with_spaces(const std::vector<std::string>& tokens) {
  std::string joined;
  for (const std::string& token : tokens) {
    if (!joined.empty()) joined += ' ';
    joined += token;
  }
  return joined;
}

// ---------------------------------------------------------------------------------------
// Word n-grams (helpers.extract_all_word_ngrams counts tuples of tokens). Within one segment
// every distinct n-gram gets a dense id per order, shared by the hypothesis and its
// references; an n-gram is keyed by the id of its first n-1 tokens and the id of its last
// token, so equal tuples get equal ids without any n-gram string being built.

using NgramIds = std::vector<std::vector<std::uint32_t>>;  // [order - 1][start token]

class SegmentNgramIndex {
 public:
  explicit SegmentNgramIndex(std::size_t max_order) : ngram_ids_(max_order) {}

  NgramIds ids_of(const std::vector<std::string>& tokens) {
    NgramIds ids(ngram_ids_.size());
    for (const std::string& token : tokens) ids[0].push_back(intern(token_ids_, token));
    for (std::size_t n = 2; n <= ids.size() && n <= tokens.size(); ++n) {
      const std::vector<std::uint32_t>& prefixes = ids[n - 2];
      for (std::size_t start = 0; start + n <= tokens.size(); ++start) {
        const std::uint64_t key = (std::uint64_t{prefixes[start]} << 32) | ids[0][start + n - 1];
        ids[n - 1].push_back(intern(ngram_ids_[n - 1], key));
      }
    }
    return ids;
  }

  std::size_t distinct(std::size_t order_index) const {
    return order_index == 0 ? token_ids_.size() : ngram_ids_[order_index].size();
  }

 private:
  template <class Map, class Key>
  static std::uint32_t intern(Map& ids, const Key& key) {
    return ids.emplace(key, static_cast<std::uint32_t>(ids.size())).first->second;
  }

  std::unordered_map<std::string, std::uint32_t> token_ids_;
  std::vector<std::unordered_map<std::uint64_t, std::uint32_t>> ngram_ids_;  // [order - 1], used from order 2
};

struct OrderCounts {
  std::int64_t correct = 0, total = 0;
};

// One order: every hypothesis n-gram counts in the total, and matches at most as often as
// it occurs in the one reference that has it most often (the clipped count of bleu.py).
OrderCounts count_order(const std::vector<std::uint32_t>& hypothesis,
                        const std::vector<std::vector<std::uint32_t>>& references, std::size_t distinct_ngrams) {
  std::vector<std::int64_t> reference_max(distinct_ngrams, 0), counts(distinct_ngrams, 0);
  for (const std::vector<std::uint32_t>& reference : references) {
    for (std::uint32_t id : reference) ++counts[id];
    for (std::uint32_t id : reference) reference_max[id] = std::max(reference_max[id], counts[id]);
    for (std::uint32_t id : reference) counts[id] = 0;
  }
  OrderCounts result;
  result.total = static_cast<std::int64_t>(hypothesis.size());
  for (std::uint32_t id : hypothesis) ++counts[id];
  for (std::uint32_t id : hypothesis) {
    result.correct += std::min(counts[id], reference_max[id]);
    counts[id] = 0;  // each distinct n-gram once
  }
  return result;
}

// _get_closest_ref_len: the reference length nearest the hypothesis', the shorter on a tie.
std::int64_t closest_reference_length(std::int64_t hypothesis_length, const std::vector<std::int64_t>& lengths) {
  std::int64_t closest = lengths.front();
  for (std::int64_t length : lengths) {
    const std::int64_t diff = std::abs(hypothesis_length - length);
    const std::int64_t best_diff = std::abs(hypothesis_length - closest);
    if (diff < best_diff || (diff == best_diff && length < closest)) closest = length;
  }
  return closest;
}

// ---------------------------------------------------------------------------------------
// Scoring arithmetic, operation for operation as compute_bleu in Python floats.

// utils.my_log: log, with log(0) floored to -9999999999 so that exp() of the mean gives 0.
double floored_log(double value) { return value == 0.0 ? -9999999999.0 : std::log(value); }

// Python's built-in sum() over floats. CPython >= 3.12 sums with Neumaier compensation;
// matching it keeps the last bit of the score identical (<= 3.11 summed naively, which
// can differ by a few ulps).
double python_float_sum(const std::vector<double>& values) {
  double sum = 0.0, compensation = 0.0;
  for (double x : values) {
    const double t = sum + x;
    compensation += std::fabs(sum) >= std::fabs(x) ? (sum - t) + x : (x - t) + sum;
    sum = t;
  }
  if (compensation != 0.0 && std::isfinite(compensation)) sum += compensation;
  return sum;
}

double brevity_penalty(std::int64_t sys_len, std::int64_t ref_len) {
  if (sys_len >= ref_len) return 1.0;
  if (sys_len <= 0) return 0.0;
  return std::exp(1.0 - static_cast<double>(ref_len) / static_cast<double>(sys_len));
}

double default_smooth_value(const std::string& method) {
  if (method == "floor") return 0.1;
  if (method == "add-k") return 1.0;
  return 0.0;  // "exp" and "none" take no value
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  // to_chars is locale-independent and correctly rounded, as Python's format().
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
  return std::string(buffer, result.ptr);
}

void check_options(const BleuOptions& options) {
  if (options.tokenize != "13a" && options.tokenize != "none")
    throw std::invalid_argument("Bleu: unknown tokenizer \"" + options.tokenize + "\" (supported: \"13a\", \"none\")");
  const std::string& method = options.smooth_method;
  if (method != "exp" && method != "floor" && method != "add-k" && method != "none")
    throw std::invalid_argument("Bleu: unknown smooth_method \"" + method +
                                "\" (supported: \"exp\", \"floor\", \"add-k\", \"none\")");
  if (options.max_ngram_order < 1)
    throw std::invalid_argument("Bleu: max_ngram_order must be at least 1, got " +
                                std::to_string(options.max_ngram_order));
}

}  // namespace

// ---------------------------------------------------------------------------------------

BleuStatistics& BleuStatistics::operator+=(const BleuStatistics& other) {
  const bool other_is_empty = other.correct.empty() && other.total.empty();  // nothing summed into it yet
  const bool this_is_empty = correct.empty() && total.empty();
  if (!other_is_empty && !this_is_empty &&
      (other.correct.size() != correct.size() || other.total.size() != total.size()))
    throw std::invalid_argument("BleuStatistics: cannot add statistics of " + std::to_string(other.correct.size()) +
                                " n-gram orders to statistics of " + std::to_string(correct.size()));
  if (!other_is_empty) {
    correct.resize(other.correct.size(), 0);
    total.resize(other.total.size(), 0);
    for (std::size_t i = 0; i < correct.size(); ++i) correct[i] += other.correct[i];
    for (std::size_t i = 0; i < total.size(); ++i) total[i] += other.total[i];
  }
  sys_len += other.sys_len;
  ref_len += other.ref_len;
  return *this;
}

std::string BleuScore::format() const {
  std::string text = "BLEU = " + fixed(score, 2) + " ";
  for (std::size_t i = 0; i < precisions.size(); ++i) text += (i ? "/" : "") + fixed(precisions[i], 1);
  text += " (BP = " + fixed(bp, 3) + " ratio = " + fixed(ratio, 3) + " hyp_len = " + std::to_string(sys_len) +
          " ref_len = " + std::to_string(ref_len) + ")";
  return text;
}

std::string tokenize_13a(const std::string& line) { return join_with_spaces(tokens_13a(line)); }

Bleu::Bleu(BleuOptions options) : options_(std::move(options)) { check_options(options_); }

// _preprocess_segment: lower-case, strip trailing whitespace, tokenize; then str.split().
std::vector<std::string> Bleu::preprocess(const std::string& segment) const {
  const std::string cased = options_.lowercase ? python_lowercase(segment) : segment;
  const std::string stripped(rstrip_python_whitespace(cased));
  return options_.tokenize == "13a" ? tokens_13a(stripped) : split_python_whitespace(stripped);
}

BleuStatistics Bleu::statistics(const std::string& hypothesis, const std::vector<std::string>& references) const {
  const auto order = static_cast<std::size_t>(options_.max_ngram_order);
  SegmentNgramIndex index(order);
  std::vector<NgramIds> reference_ids;
  std::vector<std::int64_t> reference_lengths;
  for (const std::string& reference : references) {
    if (reference.empty()) continue;  // a missing reference for this segment (base.py _cache_references)
    const std::vector<std::string> tokens = preprocess(reference);
    reference_lengths.push_back(static_cast<std::int64_t>(tokens.size()));
    reference_ids.push_back(index.ids_of(tokens));
  }
  if (reference_lengths.empty())
    throw std::invalid_argument(
        "Bleu: a segment has no non-empty reference (sacreBLEU: \"Empty or `None` reference sentence found.\")");
  const std::vector<std::string> hypothesis_tokens = preprocess(hypothesis);
  const NgramIds hypothesis_ids = index.ids_of(hypothesis_tokens);

  BleuStatistics stats;
  stats.sys_len = static_cast<std::int64_t>(hypothesis_tokens.size());
  stats.ref_len = closest_reference_length(stats.sys_len, reference_lengths);
  std::vector<std::vector<std::uint32_t>> references_of_order(reference_ids.size());
  for (std::size_t n = 0; n < order; ++n) {
    for (std::size_t k = 0; k < reference_ids.size(); ++k) references_of_order[k] = std::move(reference_ids[k][n]);
    const OrderCounts counts = count_order(hypothesis_ids[n], references_of_order, index.distinct(n));
    stats.correct.push_back(counts.correct);
    stats.total.push_back(counts.total);
  }
  return stats;
}

BleuScore Bleu::compute(const BleuStatistics& statistics) const {
  return compute_with(statistics, options_.effective_order);
}

BleuScore Bleu::compute_with(const BleuStatistics& statistics, bool effective_order) const {
  const auto order = static_cast<std::size_t>(options_.max_ngram_order);
  BleuScore result;
  result.statistics = statistics;
  BleuStatistics& stats = result.statistics;
  if (stats.correct.empty() && stats.total.empty()) {  // nothing summed yet: all zero
    stats.correct.assign(order, 0);
    stats.total.assign(order, 0);
  }
  if (stats.correct.size() != order || stats.total.size() != order)
    throw std::invalid_argument("Bleu::compute: statistics have " + std::to_string(stats.correct.size()) + "/" +
                                std::to_string(stats.total.size()) +
                                " n-gram orders, expected max_ngram_order = " + std::to_string(order));
  result.sys_len = stats.sys_len;
  result.ref_len = stats.ref_len;
  result.ratio = stats.ref_len != 0 ? static_cast<double>(stats.sys_len) / static_cast<double>(stats.ref_len) : 0.0;
  result.bp = brevity_penalty(stats.sys_len, stats.ref_len);
  result.precisions.assign(order, 0.0);

  // No match at any order: 0 without smoothing (sacreBLEU #141).
  if (std::all_of(stats.correct.begin(), stats.correct.end(), [](std::int64_t c) { return c == 0; })) return result;

  const std::string& method = options_.smooth_method;
  const double smooth_value = options_.smooth_value.value_or(default_smooth_value(method));
  double exp_smoothing_factor = 1.0;  // mteval's: doubles at each order without a match
  std::size_t used_orders = order;
  for (std::size_t n = 1; n <= order; ++n) {
    double correct = static_cast<double>(stats.correct[n - 1]);
    double total = static_cast<double>(stats.total[n - 1]);
    if (method == "add-k" && n > 1) {  // add-k leaves unigrams alone
      correct += smooth_value;
      total += smooth_value;
    }
    if (total == 0) break;  // hypothesis shorter than n: no higher order either
    if (effective_order) used_orders = n;
    double& precision = result.precisions[n - 1];
    if (correct == 0) {
      if (method == "exp") {
        exp_smoothing_factor *= 2;
        precision = 100.0 / (exp_smoothing_factor * total);
      } else if (method == "floor") {
        precision = 100.0 * smooth_value / total;
      }
    } else {
      precision = 100.0 * correct / total;
    }
  }

  std::vector<double> logs;
  for (std::size_t n = 0; n < used_orders; ++n) logs.push_back(floored_log(result.precisions[n]));
  result.score = result.bp * std::exp(python_float_sum(logs) / static_cast<double>(used_orders));
  return result;
}

BleuScore Bleu::corpus_score(const std::vector<std::string>& hypotheses,
                             const std::vector<std::vector<std::string>>& reference_streams) const {
  if (hypotheses.empty()) throw std::invalid_argument("Bleu::corpus_score: no hypotheses");
  if (reference_streams.empty()) throw std::invalid_argument("Bleu::corpus_score: no reference stream");
  for (std::size_t k = 0; k < reference_streams.size(); ++k) {
    if (reference_streams[k].size() != hypotheses.size())
      throw std::invalid_argument("Bleu::corpus_score: reference stream " + std::to_string(k) + " has " +
                                  std::to_string(reference_streams[k].size()) + " segments but there are " +
                                  std::to_string(hypotheses.size()) + " hypotheses");
  }
  BleuStatistics corpus;
  std::vector<std::string> references(reference_streams.size());
  for (std::size_t i = 0; i < hypotheses.size(); ++i) {
    for (std::size_t k = 0; k < reference_streams.size(); ++k) references[k] = reference_streams[k][i];
    try {
      corpus += statistics(hypotheses[i], references);
    } catch (const std::invalid_argument& error) {
      throw std::invalid_argument("Bleu::corpus_score: segment " + std::to_string(i) + ": " + error.what());
    }
  }
  return compute(corpus);
}

BleuScore Bleu::sentence_score(const std::string& hypothesis, const std::vector<std::string>& references) const {
  if (references.empty()) throw std::invalid_argument("Bleu::sentence_score: no reference");
  return compute_with(statistics(hypothesis, references), /*effective_order=*/true);
}

}  // namespace optbench::text_metrics
