// Sentiment analysis: a label per token sequence; cross-entropy with label
// smoothing, accuracy as the primary metric. The suite's policy: plateau schedule,
// gradient clipping at 1.0, label smoothing 0.05.
#include <optbench/sdk.h>

namespace F = torch::nn::functional;

namespace {

class SentimentAnalysis final : public optbench::Task {
 public:
  SentimentAnalysis(const optbench::Params&, const optbench::DataSpec& spec) {
    const std::string target = spec.target();
    if (spec.modality != "text" || target != "label")
      throw std::invalid_argument("sentiment_analysis needs labelled text (e.g. sst2, imdb), got modality '" +
                                  spec.modality + "'" + (target.empty() ? "" : " with target '" + target + "'"));
    if (spec.num_classes < 2) throw std::invalid_argument("sentiment_analysis needs at least 2 classes");
  }

  optbench::TrainingPolicy default_policy() const override {
    optbench::TrainingPolicy policy;
    policy.scheduler = "plateau";
    policy.early_stopping_patience = 5;
    policy.max_grad_norm = 1.0;
    policy.label_smoothing = 0.05;
    return policy;
  }
  std::string primary_metric() const override { return "accuracy"; }
  bool higher_is_better() const override { return true; }
  void prepare(optbench::Batch&, bool, torch::Generator&) const override {}
  torch::Tensor loss(const optbench::Outputs& outputs, const optbench::Batch& batch,
                     const optbench::TrainingPolicy& policy) const override {
    return F::cross_entropy(outputs.at("logits"), batch.at("label"),
                            F::CrossEntropyFuncOptions().label_smoothing(policy.label_smoothing));
  }
  std::unique_ptr<optbench::MetricAccumulator> metrics() const override {
    return std::make_unique<optbench::AccuracyAccumulator>();
  }
  std::string description() const override {
    return "token ids as the dataset made them (padding ignored by the model); loss: cross-entropy with "
           "label smoothing; metric: accuracy";
  }
};

}  // namespace

OPTBENCH_PLUGIN("sentiment_analysis", "1.0.0", [](optbench::Registrar& r) {
  r.task("sentiment_analysis", "sentiment analysis of token sequences: cross-entropy, accuracy")
      .factory<SentimentAnalysis>();
})
