#include "analysis/score.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "bleu.h"
#include "rouge.h"
#include "seqeval.h"
#include "squad.h"
#include "text_corpora.h"

namespace optbench::core {

namespace {

// One segment per line; the file is checked as UTF-8 (as the reference tools read it) on the way.
std::vector<std::string> read_segments(const std::string& path) {
  std::istringstream in(text::read_text_file(path));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  return lines;
}

// The hypotheses and, per reference file, its segments; every file must have as many lines.
std::pair<std::vector<std::string>, std::vector<std::vector<std::string>>> read_inputs(const ScoreRequest& r) {
  if (r.references.empty()) throw std::runtime_error("score needs at least one --ref file");
  auto hypotheses = read_segments(r.hypotheses);
  std::vector<std::vector<std::string>> streams;
  for (const auto& ref : r.references) {
    streams.push_back(read_segments(ref));
    if (streams.back().size() != hypotheses.size())
      throw std::runtime_error(ref + " has " + std::to_string(streams.back().size()) + " lines but " + r.hypotheses +
                               " has " + std::to_string(hypotheses.size()) + "; files must align line by line");
  }
  return {std::move(hypotheses), std::move(streams)};
}

void score_bleu(const ScoreRequest& r) {
  const auto [hypotheses, streams] = read_inputs(r);
  text_metrics::BleuOptions options;
  options.tokenize = r.tokenize;
  options.lowercase = r.lowercase;
  const auto s = text_metrics::Bleu(options).corpus_score(hypotheses, streams);
  // sacreBLEU's signature, without its version field.
  const std::string signature = "nrefs:" + std::to_string(streams.size()) + "|case:" + (r.lowercase ? "lc" : "mixed") +
                                "|eff:no|tok:" + r.tokenize + "|smooth:exp";
  if (!r.json) {
    std::printf("BLEU|%s = %s\n", signature.c_str(), s.format().substr(7).c_str());  // format() starts "BLEU = "
    return;
  }
  nlohmann::json j = {{"name", "BLEU"}, {"score", s.score}, {"signature", signature}, {"precisions", s.precisions},
                      {"bp", s.bp}, {"ratio", s.ratio}, {"hyp_len", s.sys_len}, {"ref_len", s.ref_len},
                      {"counts", s.statistics.correct}, {"totals", s.statistics.total}, {"segments", hypotheses.size()}};
  std::printf("%s\n", j.dump(1).c_str());
}

void score_rouge(const ScoreRequest& r) {
  const auto [hypotheses, streams] = read_inputs(r);
  const text_metrics::RougeScorer scorer(r.rouge_types, r.use_stemmer);
  std::map<std::string, text_metrics::RougeScore> sums;
  for (std::size_t i = 0; i < hypotheses.size(); ++i) {
    std::vector<std::string> targets;
    for (const auto& stream : streams) targets.push_back(stream[i]);
    for (const auto& [type, score] : scorer.score_multi(targets, hypotheses[i])) {
      sums[type].precision += score.precision;
      sums[type].recall += score.recall;
      sums[type].fmeasure += score.fmeasure;
    }
  }
  const double n = hypotheses.empty() ? 1.0 : static_cast<double>(hypotheses.size());
  nlohmann::json j = {{"segments", hypotheses.size()}, {"use_stemmer", r.use_stemmer}, {"references", streams.size()}};
  for (const auto& type : r.rouge_types) {
    const auto& sum = sums[type];
    if (r.json) {
      j[type] = {{"precision", sum.precision / n}, {"recall", sum.recall / n}, {"fmeasure", sum.fmeasure / n}};
    } else {
      std::printf("%s: P %.6f R %.6f F %.6f\n", type.c_str(), sum.precision / n, sum.recall / n, sum.fmeasure / n);
    }
  }
  if (r.json) std::printf("%s\n", j.dump(1).c_str());
  else std::printf("(mean over %zu segments%s)\n", hypotheses.size(), r.use_stemmer ? ", Porter stemmer" : "");
}

void score_squad(const ScoreRequest& r) {
  const auto result = text_metrics::squad_evaluate_files(r.files.at(0), r.files.at(1));
  if (r.json) {
    std::printf("%s\n", nlohmann::json{{"exact_match", result.exact_match}, {"f1", result.f1},
                                       {"questions", result.questions}, {"unanswered", result.unanswered}}.dump(1).c_str());
  } else {
    std::printf("exact_match %.6f\nf1 %.6f\n(%lld questions, %lld without a prediction scored 0)\n", result.exact_match,
                result.f1, static_cast<long long>(result.questions), static_cast<long long>(result.unanswered));
  }
}

void score_seqeval(const ScoreRequest& r) {
  const auto [gold, predicted] = text_metrics::read_conll_predictions(r.files.at(0));
  const auto report = text_metrics::seqeval_report(gold, predicted);
  nlohmann::json j;
  const auto line = [&](const std::string& name, const text_metrics::EntityScore& s) {
    if (r.json) j[name] = {{"precision", s.precision}, {"recall", s.recall}, {"f1", s.f1}, {"support", s.support}};
    else std::printf("%-10s precision %.6f recall %.6f f1 %.6f support %lld\n", name.c_str(), s.precision, s.recall, s.f1,
                     static_cast<long long>(s.support));
  };
  for (const auto& [type, s] : report.per_type) line(type, s);
  line("micro", report.micro);
  if (r.json) std::printf("%s\n", j.dump(1).c_str());
}

}  // namespace

void score_files(const ScoreRequest& request) {
  if (request.metric == "bleu") return score_bleu(request);
  if (request.metric == "rouge") return score_rouge(request);
  if (request.metric == "squad") return score_squad(request);
  if (request.metric == "seqeval") return score_seqeval(request);
  throw std::runtime_error("unknown metric '" + request.metric + "' (accepted: bleu, rouge, squad, seqeval)");
}

}  // namespace optbench::core
