#include "seq2seq_corpora.h"

#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>

#include "text_corpora.h"

namespace optbench::text {

namespace {

std::string erase_all(std::string s, const std::string& what) {
  for (auto pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos)) s.erase(pos, what.size());
  return s;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n"), last = s.find_last_not_of(" \t\r\n");
  return first == std::string::npos ? "" : s.substr(first, last - first + 1);
}

std::vector<std::string> iwslt_train_lines(const std::string& path) {
  std::vector<std::string> kept;
  for (auto& line : read_lines(path)) {
    if (line.find("<url>") != std::string::npos || line.find("<talkid>") != std::string::npos ||
        line.find("<keywords>") != std::string::npos)
      continue;
    for (const char* tag : {"<title>", "</title>", "<description>", "</description>"}) line = erase_all(line, tag);
    kept.push_back(std::move(line));
  }
  return kept;
}

std::vector<TextPair> zip(const std::vector<std::string>& source, const std::vector<std::string>& target,
                          const std::string& source_file, const std::string& target_file) {
  if (source.size() != target.size())
    throw std::runtime_error(source_file + " has " + std::to_string(source.size()) + " lines but " + target_file +
                             " has " + std::to_string(target.size()) + "; the two sides must align line by line");
  std::vector<TextPair> pairs;
  pairs.reserve(source.size());
  for (std::size_t i = 0; i < source.size(); ++i) pairs.push_back({source[i], target[i]});
  return pairs;
}

bool ends_sentence(const std::string& line) {
  for (const char* end : {".", "!", "?", "...", "'", "`", "\"", "\xE2\x80\x99", "\xE2\x80\x9D", ")"}) {
    const std::string e = end;
    if (line.size() >= e.size() && line.compare(line.size() - e.size(), e.size(), e) == 0) return true;
  }
  return false;
}

}  // namespace

std::vector<TextPair> read_iwslt_train(const std::string& source_file, const std::string& target_file) {
  return zip(iwslt_train_lines(source_file), iwslt_train_lines(target_file), source_file, target_file);
}

std::vector<std::string> read_iwslt_segments(const std::string& xml_file) {
  std::vector<std::string> segments;
  const auto lines = read_lines(xml_file);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    const auto open = line.find("<seg id");
    if (open == std::string::npos) continue;
    const auto start = line.find('>', open), end = line.rfind("</seg>");
    if (start == std::string::npos || end == std::string::npos || end < start)
      throw std::runtime_error(xml_file + ":" + std::to_string(i + 1) + ": expected <seg id=\"N\">text</seg> on one line");
    std::string text = trim(line.substr(start + 1, end - start - 1));
    for (auto pos = text.find("\xE2\x80\x99"); pos != std::string::npos; pos = text.find("\xE2\x80\x99", pos))
      text.replace(pos, 3, "'");
    segments.push_back(std::move(text));
  }
  if (segments.empty()) throw std::runtime_error(xml_file + ": no <seg id=\"N\"> segments");
  return segments;
}

std::vector<TextPair> read_parallel_lines(const std::string& source_file, const std::string& target_file) {
  auto all = zip(read_lines(source_file), read_lines(target_file), source_file, target_file);
  std::vector<TextPair> pairs;
  for (auto& p : all)
    if (!trim(p.source).empty() && !trim(p.target).empty()) pairs.push_back(std::move(p));
  return pairs;
}

TextPair read_story(const std::string& story_file) {
  std::vector<std::string> article, highlights;
  bool in_highlights = false;  // everything after the first @highlight is highlights, as make_datafiles.py reads it
  for (const auto& raw : read_lines(story_file)) {
    std::string line = trim(raw);
    if (line.empty()) continue;
    if (line == "@highlight") {
      in_highlights = true;
      continue;
    }
    if (!ends_sentence(line)) line += " .";
    (in_highlights ? highlights : article).push_back(line);
  }
  if (highlights.empty()) throw std::runtime_error(story_file + ": no @highlight block: not a CNN/DailyMail story");
  TextPair story;
  for (const auto& l : article) story.source += (story.source.empty() ? "" : " ") + l;
  for (const auto& h : highlights) story.target += (story.target.empty() ? "" : "\n") + h;
  return story;
}

std::vector<std::string> read_url_list(const std::string& path) {
  std::vector<std::string> urls;
  for (const auto& line : read_lines(path))
    if (!trim(line).empty()) urls.push_back(trim(line));
  return urls;
}

std::string story_file_name(const std::string& url) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(url.data(), url.size(), digest, &length, EVP_sha1(), nullptr) != 1)
    throw std::runtime_error("SHA-1 failed for " + url);
  static const char* hex = "0123456789abcdef";
  std::string name;
  for (unsigned int i = 0; i < length; ++i) {
    name += hex[digest[i] >> 4];
    name += hex[digest[i] & 15];
  }
  return name + ".story";
}

TextPair read_aeslc_email(const std::string& path) {
  const auto lines = read_lines(path);
  TextPair email;
  std::size_t i = 0;
  for (; i < lines.size() && !lines[i].empty(); ++i) email.source += lines[i] + "\n";
  ++i;  // the blank line
  if (i >= lines.size() || trim(lines[i]) != "@subject")
    throw std::runtime_error(path + ":" + std::to_string(std::min(i, lines.size() - 1) + 1) +
                             ": expected '@subject' after the e-mail body and a blank line");
  for (++i; i < lines.size() && !lines[i].empty(); ++i) email.target += (email.target.empty() ? "" : "\n") + lines[i];
  if (trim(email.target).empty()) throw std::runtime_error(path + ": empty subject after '@subject'");
  return email;
}

}  // namespace optbench::text
