// Readers for the text corpora in their distributed formats. Every reader checks
// UTF-8 and structure and names the file and line of the first problem.
#pragma once

#include <string>
#include <vector>

namespace optbench::text {

struct LabelledText {
  std::string text;
  int label = 0;
};

// Reads a whole text file (UTF-8 checked).
std::string read_text_file(const std::string& path);

// GLUE SST-2 train.tsv / dev.tsv: header `sentence<TAB>label`, then one sentence and
// its label (0 negative, 1 positive) per line.
std::vector<LabelledText> read_sst2_tsv(const std::string& path);

// aclImdb/{train,test}: pos/*.txt (label 1) and neg/*.txt (label 0), one review per
// file named <id>_<rating>.txt, in id order; `<br />` tags become spaces.
std::vector<LabelledText> read_imdb_split(const std::string& split_dir);

// The lines of a line-oriented corpus (WikiText, PTB), without line terminators.
std::vector<std::string> read_lines(const std::string& path);

}  // namespace optbench::text
