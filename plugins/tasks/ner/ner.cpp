// Named-entity recognition: the model's CRF negative log-likelihood is the loss;
// entity-level precision, recall and F1 (micro) exactly as seqeval's default mode
// computes them, from the model's Viterbi tags.
#include <optbench/sdk.h>

#include "seqeval.h"

namespace {

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t end; (end = s.find(',', start)) != std::string::npos; start = end + 1) out.push_back(s.substr(start, end - start));
  out.push_back(s.substr(start));
  return out;
}

class EntityF1 final : public optbench::MetricAccumulator {
 public:
  explicit EntityF1(std::vector<std::string> tags) : tags_(std::move(tags)) {}
  void update(const optbench::Outputs& outputs, const optbench::Batch& batch) override {
    auto it = outputs.find("predicted");
    if (it == outputs.end()) throw std::invalid_argument("ner needs the model's decoded tags (output 'predicted')");
    const auto predicted = it->second.cpu(), gold = batch.at("tags").cpu(), lengths = batch.at("length").cpu();
    const auto p = predicted.accessor<std::int64_t, 2>(), g = gold.accessor<std::int64_t, 2>();
    for (std::int64_t i = 0; i < gold.size(0); ++i) {
      std::vector<std::string> gold_tags, predicted_tags;
      for (std::int64_t j = 0; j < lengths[i].item<std::int64_t>(); ++j) {
        gold_tags.push_back(tags_.at(static_cast<std::size_t>(g[i][j])));
        predicted_tags.push_back(tags_.at(static_cast<std::size_t>(std::max<std::int64_t>(p[i][j], 0))));
      }
      scorer_.add(gold_tags, predicted_tags);
    }
  }
  std::map<std::string, double> compute() const override {
    const auto micro = scorer_.result().micro;
    return {{"f1", micro.f1}, {"precision", micro.precision}, {"recall", micro.recall}};
  }

 private:
  std::vector<std::string> tags_;
  optbench::text_metrics::SeqevalScorer scorer_;
};

class Ner final : public optbench::Task {
 public:
  Ner(const optbench::Params&, const optbench::DataSpec& spec) {
    auto tags = spec.attributes.find("tags");
    if (spec.modality != "text" || spec.target() != "tags" || tags == spec.attributes.end())
      throw std::invalid_argument("ner needs tagged sentences (e.g. conll2003, wikiann_en), got modality '" + spec.modality + "'");
    tags_ = split_commas(tags->second);
  }
  optbench::TrainingPolicy default_policy() const override {
    optbench::TrainingPolicy policy;
    policy.scheduler = "cosine";
    policy.early_stopping_patience = 5;
    policy.max_grad_norm = 5.0;  // Lample et al. clip at 5
    return policy;
  }
  std::string primary_metric() const override { return "f1"; }
  bool higher_is_better() const override { return true; }
  void prepare(optbench::Batch&, bool, torch::Generator&) const override {}
  torch::Tensor loss(const optbench::Outputs& outputs, const optbench::Batch&, const optbench::TrainingPolicy&) const override {
    auto it = outputs.find("nll");
    if (it == outputs.end())
      throw std::invalid_argument("ner trains on the model's CRF negative log-likelihood (output 'nll'), e.g. lstm_crf_ner");
    return it->second;
  }
  std::unique_ptr<optbench::MetricAccumulator> metrics() const override { return std::make_unique<EntityF1>(tags_); }
  std::string description() const override {
    return "loss: the CRF's negative log-likelihood of the gold IOB2 tags; metrics: entity-level micro precision, "
           "recall and F1 of the Viterbi tags, as seqeval's default mode computes them";
  }

 private:
  std::vector<std::string> tags_;
};

}  // namespace

OPTBENCH_PLUGIN("ner", "1.0.0", [](optbench::Registrar& r) {
  r.task("ner", "named-entity recognition: CRF negative log-likelihood, entity F1 (seqeval)").factory<Ner>();
})
