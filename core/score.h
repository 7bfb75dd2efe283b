// `optbench-host score bleu|rouge`: scores plain-text files (one segment per line) with
// the same BLEU and ROUGE code the generation tasks use, like sacreBLEU's and
// rouge-score's command lines.
#pragma once

#include <string>
#include <vector>

namespace optbench::core {

struct ScoreRequest {
  std::string metric;  // "bleu" or "rouge"
  std::string hypotheses;
  std::vector<std::string> references;  // one file per reference stream
  bool json = false;
  // BLEU
  std::string tokenize = "13a";
  bool lowercase = false;
  // ROUGE
  std::vector<std::string> rouge_types = {"rouge1", "rouge2", "rougeL", "rougeLsum"};
  bool use_stemmer = false;
};

// Prints the score (text or JSON) to stdout; throws std::runtime_error naming the file
// for unreadable files or line counts that differ.
void score_files(const ScoreRequest& request);

}  // namespace optbench::core
