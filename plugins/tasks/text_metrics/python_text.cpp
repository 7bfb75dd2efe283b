// Python str semantics on UTF-8 bytes; see python_text.h. The decoding, whitespace and
// lower-casing rules are CPython's (Objects/unicodeobject.c, Objects/unicodectype.c).
#include "python_text.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <utility>

namespace optbench::text_metrics::python {

// ------------------------------------------------------------------ UTF-8

std::size_t utf8_sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

namespace {

struct DecodedChar {
  char32_t code_point;  // or a raw byte
  std::size_t length;   // bytes consumed
};

// The character at text[pos]. Strict: overlong forms, surrogates, values above U+10FFFF and
// truncated sequences decode as one raw byte.
DecodedChar decode_at(std::string_view text, std::size_t pos) {
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

// Inverse of decoding: a raw byte is written back as that byte.
void append_utf8(std::string& out, char32_t c) {
  if (is_raw_byte(c)) {
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

std::string encode_utf8(const std::u32string& code_points) {
  std::string out;
  out.reserve(code_points.size());
  for (char32_t c : code_points) append_utf8(out, c);
  return out;
}

// str.isspace(): more than ASCII, e.g. U+00A0 NO-BREAK SPACE, U+3000 IDEOGRAPHIC SPACE and
// U+001C..U+001F count; U+200B ZERO WIDTH SPACE does not.
bool is_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

}  // namespace

std::u32string decode_utf8(std::string_view text) {
  std::u32string code_points;
  code_points.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const DecodedChar c = decode_at(text, pos);
    code_points += c.code_point;
    pos += c.length;
  }
  return code_points;
}

// ------------------------------------------------------------- whitespace

std::vector<std::string> split(std::string_view text) {
  std::vector<std::string> tokens;
  std::size_t token_start = std::string_view::npos;
  for (std::size_t pos = 0; pos < text.size();) {
    const DecodedChar c = decode_at(text, pos);
    if (is_space(c.code_point)) {
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

std::vector<std::string> split(const std::u32string& code_points) {
  std::vector<std::string> tokens;
  std::string current;
  bool in_token = false;
  for (char32_t c : code_points) {
    if (is_space(c)) {
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

std::string_view rstrip(std::string_view text) {
  std::size_t end = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const DecodedChar c = decode_at(text, pos);
    pos += c.length;
    if (!is_space(c.code_point)) end = pos;
  }
  return text.substr(0, end);
}

std::string join_with_spaces(const std::vector<std::string>& tokens) {
  std::string joined;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) joined += ' ';
    joined += tokens[i];
  }
  return joined;
}

// ------------------------------------------------------------- str.lower()

namespace {

// What the Final_Sigma rule asks of a neighbour of U+03A3.
enum SigmaContextClass : std::uint8_t { kOther, kCased, kIgnorable };

// --- CaseData::kBuiltinTables. The simple mappings come from CPython's own str.lower()
// (identical for Unicode 14.0-15.1, CPython 3.11-3.13): runs of code points shifted by
// `delta`, either every code point (stride 1) or every other one (stride 2, upper/lower pairs).

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

char32_t simple_lowercase_from_tables(char32_t c) {
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

// CPython's Final_Sigma classes, probed from its str.lower(), for the blocks
// sigma_context_class_from_tables() looks up here.
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

SigmaContextClass sigma_context_class_from_tables(char32_t c) {
  const bool in_probed_blocks = c < 0x590 || (c >= 0x1D00 && c < 0x2070);
  if (in_probed_blocks) {
    const auto* run = std::upper_bound(std::begin(kSigmaContextRuns), std::end(kSigmaContextRuns), c,
                                       [](char32_t value, const SigmaContextRun& r) { return value < r.first; });
    if (run == std::begin(kSigmaContextRuns) || c > (run - 1)->last) return kOther;
    return (run - 1)->klass;
  }
  if (is_raw_byte(c)) return kOther;
  return simple_lowercase_from_tables(c) != c || is_lowercase_partner(c) ? kCased : kOther;
}

// --- CaseData::kUtf8proc.

utf8proc_category_t category(char32_t c) { return utf8proc_category(static_cast<utf8proc_int32_t>(c)); }

// Unicode's Case_Ignorable: categories Mn, Me, Cf, Lm, Sk plus Word_Break MidLetter,
// MidNumLet and Single_Quote (listed).
bool is_case_ignorable(char32_t c) {
  switch (c) {
    case 0x0027: case 0x002E: case 0x003A: case 0x00B7: case 0x0387: case 0x055F:
    case 0x05F4: case 0x2018: case 0x2019: case 0x2024: case 0x2027: case 0xFE13:
    case 0xFE52: case 0xFE55: case 0xFF07: case 0xFF0E: case 0xFF1A:
      return true;
    default:
      break;
  }
  if (is_raw_byte(c)) return false;
  switch (category(c)) {
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_SK:
      return true;
    default:
      return false;
  }
}

// Unicode's Cased (Lowercase, Uppercase or Lt). utf8proc has no such flag: Lu/Ll/Lt and
// anything with a case mapping (e.g. Roman numerals, circled letters) covers it except
// Other_Lowercase/Other_Uppercase code points without a mapping, listed here (the Lm ones
// among those are also case-ignorable, which is checked first, so they need no entry).
bool is_cased(char32_t c) {
  if (is_raw_byte(c)) return false;
  if (c == 0xAA || c == 0xBA) return true;  // ª º
  if ((c >= 0x1F130 && c <= 0x1F149) || (c >= 0x1F150 && c <= 0x1F169) || (c >= 0x1F170 && c <= 0x1F189)) {
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

SigmaContextClass sigma_context_class_from_utf8proc(char32_t c) {
  if (is_case_ignorable(c)) return kIgnorable;
  return is_cased(c) ? kCased : kOther;
}

// --- Both.

char32_t simple_lowercase(char32_t c, CaseData data) {
  if (data == CaseData::kBuiltinTables) return simple_lowercase_from_tables(c);
  if (is_raw_byte(c)) return c;
  return static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c)));
}

SigmaContextClass sigma_context_class(char32_t c, CaseData data) {
  return data == CaseData::kBuiltinTables ? sigma_context_class_from_tables(c) : sigma_context_class_from_utf8proc(c);
}

// Final_Sigma (CPython's handle_capital_sigma): U+03A3 lowers to U+03C2 when a cased letter
// precedes it and none follows, skipping case-ignorable characters both ways, in the
// original text.
bool sigma_is_final(const std::u32string& text, std::size_t at, CaseData data) {
  std::size_t before = at;
  while (before > 0 && sigma_context_class(text[before - 1], data) == kIgnorable) --before;
  if (before == 0 || sigma_context_class(text[before - 1], data) != kCased) return false;
  std::size_t after = at + 1;
  while (after < text.size() && sigma_context_class(text[after], data) == kIgnorable) ++after;
  return after == text.size() || sigma_context_class(text[after], data) != kCased;
}

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

std::u32string lower(const std::u32string& code_points, CaseData data) {
  std::u32string lowered;
  lowered.reserve(code_points.size() + 1);
  for (std::size_t i = 0; i < code_points.size(); ++i) {
    const char32_t c = code_points[i];
    if (c == 0x130) {
      lowered += U'i';
      lowered += char32_t{0x307};  // COMBINING DOT ABOVE
    } else if (c == 0x3A3) {
      lowered += sigma_is_final(code_points, i, data) ? char32_t{0x3C2} : char32_t{0x3C3};
    } else {
      lowered += simple_lowercase(c, data);
    }
  }
  return lowered;
}

std::string lower(std::string_view text, CaseData data) {
  if (is_ascii(text)) {  // the common case, without decoding: only A-Z change
    std::string lowered(text);
    for (char& c : lowered) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return lowered;
  }
  return encode_utf8(lower(decode_utf8(text), data));
}

}  // namespace optbench::text_metrics::python
