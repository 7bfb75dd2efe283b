// Extractive question answering: the mean of the start and end cross-entropies; the
// predicted answer is the context text of the best span (end >= start, at most
// max_answer_length tokens) and is scored with exact match and F1 exactly as the
// official SQuAD v1.1 evaluation script normalises answers (F1 primary).
#include <optbench/sdk.h>

#include "squad.h"

namespace F = torch::nn::functional;

namespace {

std::vector<std::string> split_answers(const std::string& joined) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t end; (end = joined.find('\x1f', start)) != std::string::npos; start = end + 1)
    out.push_back(joined.substr(start, end - start));
  out.push_back(joined.substr(start));
  return out;
}

class SquadMetrics final : public optbench::MetricAccumulator {
 public:
  explicit SquadMetrics(std::int64_t max_answer_length) : max_answer_length_(max_answer_length) {}
  void update(const optbench::Outputs& outputs, const optbench::Batch& batch) override {
    const auto start = outputs.at("start_logits").to(torch::kFloat64), end = outputs.at("end_logits").to(torch::kFloat64);
    const auto lc = start.size(1);
    // score[i][j] = start_i + end_j over spans j >= i no longer than max_answer_length.
    const auto allowed = torch::ones({lc, lc}, torch::TensorOptions().dtype(torch::kBool).device(start.device()))
                             .triu().tril(max_answer_length_ - 1);
    const auto scores = (start.unsqueeze(2) + end.unsqueeze(1)).masked_fill(allowed.logical_not(), -1e300);
    const auto best = std::get<1>(scores.view({start.size(0), -1}).max(1)).cpu();
    const auto offsets = batch.at("offsets").cpu();
    const auto o = offsets.accessor<std::int64_t, 3>();
    for (std::int64_t b = 0; b < start.size(0); ++b) {
      const std::int64_t i = best[b].item<std::int64_t>() / lc, j = best[b].item<std::int64_t>() % lc;
      const std::string& context = batch.texts.at("context")[static_cast<std::size_t>(b)];
      std::string prediction;
      if (o[b][i][0] >= 0 && o[b][j][1] >= 0)
        prediction = context.substr(static_cast<std::size_t>(o[b][i][0]), static_cast<std::size_t>(o[b][j][1] - o[b][i][0]));
      scorer_.add(prediction, split_answers(batch.texts.at("answers")[static_cast<std::size_t>(b)]));
    }
  }
  std::map<std::string, double> compute() const override {
    const auto r = scorer_.result();
    return {{"f1", r.f1}, {"exact_match", r.exact_match}};
  }

 private:
  std::int64_t max_answer_length_;
  optbench::text_metrics::SquadScorer scorer_;
};

class QuestionAnswering final : public optbench::Task {
 public:
  QuestionAnswering(const optbench::Params& p, const optbench::DataSpec& spec)
      : max_answer_length_(p.get<std::int64_t>("max_answer_length")) {
    if (spec.modality != "text" || spec.target() != "span")
      throw std::invalid_argument("question_answering needs questions with answer spans (e.g. squad_v1, tweet_qa), got modality '" +
                                  spec.modality + "'");
  }
  optbench::TrainingPolicy default_policy() const override {
    optbench::TrainingPolicy policy;
    policy.scheduler = "cosine";
    policy.early_stopping_patience = 3;
    policy.max_grad_norm = 1.0;
    return policy;
  }
  std::string primary_metric() const override { return "f1"; }
  bool higher_is_better() const override { return true; }
  void prepare(optbench::Batch&, bool, torch::Generator&) const override {}
  // Questions whose answer has no token span (start -1; only in evaluation splits) add no loss.
  torch::Tensor loss(const optbench::Outputs& outputs, const optbench::Batch& batch,
                     const optbench::TrainingPolicy& policy) const override {
    const auto& start = batch.at("start");
    const auto options = F::CrossEntropyFuncOptions().ignore_index(-1).reduction(torch::kSum).label_smoothing(policy.label_smoothing);
    const auto located = (start >= 0).sum().clamp_min(1);
    return (F::cross_entropy(outputs.at("start_logits"), start, options) +
            F::cross_entropy(outputs.at("end_logits"), batch.at("end"), options)) / (2 * located);
  }
  std::unique_ptr<optbench::MetricAccumulator> metrics() const override {
    return std::make_unique<SquadMetrics>(max_answer_length_);
  }
  std::string description() const override {
    return "loss: mean of the answer start and end cross-entropies over the context tokens; prediction: the context "
           "text of the span maximising start + end score with end >= start and at most " +
           std::to_string(max_answer_length_) + " tokens; metrics: exact match and F1 (percentages) as the official "
           "SQuAD v1.1 script computes them, against every reference answer";
  }

 private:
  std::int64_t max_answer_length_;
};

}  // namespace

OPTBENCH_PLUGIN("question_answering", "1.0.0", [](optbench::Registrar& r) {
  r.task("question_answering", "extractive question answering: start/end cross-entropy, SQuAD EM and F1")
      .param("max_answer_length", 30, "longest predicted answer in tokens", optbench::at_least_one)
      .factory<QuestionAnswering>();
})
