#include "cli/commands.h"

#include <algorithm>
#include <cstdio>

#include "analysis/analysis.h"
#include "analysis/report.h"
#include "analysis/score.h"
#include "analysis/score_label_maps.h"
#include "cli/host_options.h"
#include "common/diagnostics.h"
#include "results/atomic_file.h"
#include "results/results.h"

using namespace optbench::core;

namespace optbench::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

int score_miou(const VariablesMap& vm, const Arguments& args) {
  LabelMapRequest r;
  if (args.size() != 3 || !vm.count("classes"))
    throw UsageError("score miou needs PREDICTIONS LABELS (two PNG label maps, or two directories of them that pair "
                     "up by file name) and --classes N");
  r.predictions = args[1];
  r.labels = args[2];
  r.classes = vm["classes"].as<std::int64_t>();
  r.ignore_index = vm["ignore-index"].as<std::int64_t>();
  if (r.classes < 1 || r.classes > 255)
    throw UsageError("--classes: " + std::to_string(r.classes) + " is out of range; accepted: [1, 255] (8-bit label maps)");
  if (r.ignore_index < 0 || r.ignore_index > 255)
    throw UsageError("--ignore-index: " + std::to_string(r.ignore_index) + " is out of range; accepted: [0, 255]");
  r.reduce_zero_label = vm.count("reduce-zero-label") > 0;
  r.json = vm.count("json") > 0;
  score_label_maps(r);
  return 0;
}

}  // namespace

Options score_options() {
  po::options_description o("score options");
  o.add_options()
      ("hyp", po::value<std::string>(), "hypotheses, one segment per line")
      ("ref", po::value<std::vector<std::string>>()->composing(), "references, one segment per line (repeatable)")
      ("json", "print JSON")
      ("tokenize", po::value<std::string>()->default_value("13a"), "BLEU: 13a or none (as sacreBLEU's -tok)")
      ("lowercase", "BLEU: case-insensitive (as sacreBLEU's -lc)")
      ("types", po::value<std::string>()->default_value("rouge1,rouge2,rougeL,rougeLsum"),
       "ROUGE: comma-separated rouge1..rouge9, rougeL, rougeLsum")
      ("stem", "ROUGE: Porter-stem words longer than 3 characters (rouge-score's --use_stemmer)")
      ("classes", po::value<std::int64_t>(), "miou: the number of classes (label values 0 to N-1)")
      ("ignore-index", po::value<std::int64_t>()->default_value(255),
       "miou: the label value left out (mmsegmentation's ignore_index)")
      ("reduce-zero-label", "miou: label 0 is left out and the others count one lower "
       "(mmsegmentation's reduce_zero_label, as for ADE20K's annotation files)")
      ("help,h", "show this help");
  return o;
}

int cmd_score(const VariablesMap& vm, const Arguments& args) {
  const std::vector<std::string> metrics = {"bleu", "rouge", "squad", "seqeval", "miou"};
  if (args.empty() || std::find(metrics.begin(), metrics.end(), args[0]) == metrics.end())
    throw UsageError("score needs the metric: " + join(metrics) +
                     (args.empty() ? std::string() : did_you_mean(args[0], metrics)));
  if (args[0] == "miou") return score_miou(vm, args);
  ScoreRequest r;
  r.metric = args[0];
  r.files.assign(args.begin() + 1, args.end());
  if (r.metric == "bleu" || r.metric == "rouge") {
    if (!vm.count("hyp") || !vm.count("ref") || !r.files.empty())
      throw UsageError("score " + r.metric + " needs --hyp FILE and at least one --ref FILE");
    r.hypotheses = vm["hyp"].as<std::string>();
    r.references = vm["ref"].as<std::vector<std::string>>();
  }
  if (r.metric == "squad" && r.files.size() != 2)
    throw UsageError("score squad needs DATASET.json PREDICTIONS.json (the official evaluate-v1.1.py's inputs)");
  if (r.metric == "seqeval" && r.files.size() != 1)
    throw UsageError("score seqeval needs one file of token, gold tag, predicted tag columns");
  r.json = vm.count("json") > 0;
  r.tokenize = vm["tokenize"].as<std::string>();
  r.lowercase = vm.count("lowercase") > 0;
  r.rouge_types = split_commas(vm["types"].as<std::string>());
  for (const auto& type : r.rouge_types) {
    const bool n_gram = type.size() == 6 && type.rfind("rouge", 0) == 0 && type[5] >= '1' && type[5] <= '9';
    if (!n_gram && type != "rougeL" && type != "rougeLsum")
      throw UsageError("--types: unknown ROUGE type '" + type + "' (accepted: rouge1 to rouge9, rougeL, rougeLsum)");
  }
  r.use_stemmer = vm.count("stem") > 0;
  score_files(r);
  return 0;
}

Options report_options() {
  po::options_description o("report options");
  o.add_options()
      ("output,o", po::value<std::string>(), "the HTML file to write (default: RESULTS_DIR/report.html)")
      ("assets", po::value<std::string>(), "directory of vega_bundle.js (Vega, Vega-Lite, vega-embed) "
       "(default: share/optbench/report beside the host's bin/)")
      ("help,h", "show this help");
  return o;
}

int cmd_report(const VariablesMap& vm, const Arguments& args) {
  if (args.size() != 1) throw UsageError("report needs one results directory (an experiment's, or output_dir)");
  const fs::path dir = args[0];
  const auto experiments = read_results(dir);
  if (experiments.empty())
    throw std::runtime_error(dir.string() + ": no experiment results here (a directory with experiment.json, "
                             "or one whose subdirectories have it; `optbench-host run` writes them)");
  const nlohmann::json analysis = analyse(experiments);
  const fs::path html = vm.count("output") ? fs::path(vm["output"].as<std::string>()) : dir / "report.html";
  const fs::path assets = vm.count("assets") ? fs::path(vm["assets"].as<std::string>()) : default_report_assets();
  for (const auto& ex : experiments) write_csv_tables(ex);
  write_text_atomically(html.parent_path() / "analysis.json", analysis.dump(2) + "\n");
  write_text_atomically(html, report_html(analysis, assets));
  std::printf("report: %s (%zu experiment(s)); numbers: %s\n", html.string().c_str(), experiments.size(),
              (html.parent_path() / "analysis.json").string().c_str());
  return 0;
}

}  // namespace optbench::cli
