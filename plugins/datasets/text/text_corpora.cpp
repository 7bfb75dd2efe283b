#include "text_corpora.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "unicode_text.h"

namespace fs = std::filesystem;

namespace optbench::text {

namespace {

// Splits on '\n', dropping a '\r' before it (files edited on Windows).
std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::size_t stop = end;
    if (stop > start && text[stop - 1] == '\r') --stop;
    lines.emplace_back(text, start, stop - start);
    start = end + 1;
  }
  return lines;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
  return s;
}

// The numeric id of an IMDB review file name "<id>_<rating>.txt", or -1.
long imdb_id(const std::string& name) {
  const auto underscore = name.find('_');
  if (underscore == 0 || underscore == std::string::npos) return -1;
  for (std::size_t i = 0; i < underscore; ++i)
    if (name[i] < '0' || name[i] > '9') return -1;
  return std::stol(name.substr(0, underscore));
}

}  // namespace

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  check_utf8(text, path);
  return text;
}

std::vector<LabelledText> read_sst2_tsv(const std::string& path) {
  const auto lines = split_lines(read_text_file(path));
  if (lines.empty()) throw std::runtime_error(path + ": empty file; expected the header 'sentence<TAB>label'");
  if (lines[0] != "sentence\tlabel")
    throw std::runtime_error(path + ":1: expected the SST-2 header 'sentence<TAB>label', got '" + lines[0] + "'");
  std::vector<LabelledText> out;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    const std::string where = path + ":" + std::to_string(i + 1) + ": ";
    if (line.empty() && i + 1 == lines.size()) break;
    const auto fields = std::count(line.begin(), line.end(), '\t') + 1;
    if (fields != 2)
      throw std::runtime_error(where + "expected 2 tab-separated fields (sentence, label), got " +
                               std::to_string(fields));
    const auto tab = line.find('\t');
    const std::string label = line.substr(tab + 1);
    if (label != "0" && label != "1")
      throw std::runtime_error(where + "label '" + label + "' is not accepted; accepted: 0 (negative), 1 (positive)");
    out.push_back({line.substr(0, tab), label == "1" ? 1 : 0});
  }
  if (out.empty()) throw std::runtime_error(path + ": no sentences after the header");
  return out;
}

std::vector<LabelledText> read_imdb_split(const std::string& split_dir) {
  std::vector<LabelledText> out;
  for (const auto& [sub, label] : {std::pair<const char*, int>{"neg", 0}, {"pos", 1}}) {
    const fs::path dir = fs::path(split_dir) / sub;
    if (!fs::is_directory(dir)) throw std::runtime_error("IMDB: directory " + dir.string() + " does not exist");
    std::vector<std::pair<long, std::string>> files;
    for (const auto& entry : fs::directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      if (entry.path().extension() != ".txt") continue;
      const long id = imdb_id(name);
      if (id < 0)
        throw std::runtime_error(entry.path().string() + ": not an IMDB review file name; expected <id>_<rating>.txt");
      files.emplace_back(id, entry.path().string());
    }
    if (files.empty()) throw std::runtime_error("IMDB: no <id>_<rating>.txt reviews in " + dir.string());
    std::sort(files.begin(), files.end());
    for (const auto& [id, path] : files) {
      std::string review = read_text_file(path);
      if (review.find_first_not_of(" \t\r\n") == std::string::npos)
        throw std::runtime_error(path + ":1: empty review");
      out.push_back({replace_all(std::move(review), "<br />", " "), label});
    }
  }
  return out;
}

std::vector<std::string> read_lines(const std::string& path) {
  auto lines = split_lines(read_text_file(path));
  if (lines.empty()) throw std::runtime_error(path + ": empty file");
  return lines;
}

}  // namespace optbench::text
