// `optbench-host score bleu|rouge|squad|seqeval`: scores any system's output files with
// the same code the tasks use: plain-text hypotheses and references (one segment per
// line) like sacreBLEU's and rouge-score's command lines, SQuAD v1.1 dataset and
// prediction JSON like the official evaluate-v1.1.py, CoNLL columns like conlleval.
#pragma once

#include <string>
#include <vector>

namespace optbench::core {

struct ScoreRequest {
  std::string metric;  // "bleu", "rouge", "squad" or "seqeval"
  std::string hypotheses;
  std::vector<std::string> references;  // one file per reference stream
  std::vector<std::string> files;       // squad: DATASET.json PREDICTIONS.json; seqeval: FILE
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
