// Language modelling (text generation): next-token cross-entropy over the
// non-padding targets; perplexity = exp(mean token negative log-likelihood) over a
// whole split is the primary metric, lower is better.
#include <optbench/sdk.h>

namespace F = torch::nn::functional;

namespace {

// Sums the token NLL and correct top-1 predictions over non-padding targets.
class Perplexity final : public optbench::MetricAccumulator {
 public:
  explicit Perplexity(std::int64_t pad) : pad_(pad) {}
  void update(const optbench::Outputs& outputs, const optbench::Batch& batch) override {
    const auto logits = outputs.at("logits").flatten(0, 1);
    const auto target = batch.at("target").flatten();
    // Per-token NLL in the logits' precision (a float64 copy of batch x context x vocabulary
    // logits would be large), summed in float64.
    const auto nll = F::cross_entropy(logits, target, F::CrossEntropyFuncOptions().ignore_index(pad_).reduction(torch::kNone))
                         .to(torch::kFloat64)
                         .sum();
    const auto real = target != pad_;
    auto totals = torch::stack({nll, real.sum().to(torch::kFloat64),
                                ((logits.argmax(1) == target) & real).sum().to(torch::kFloat64)});
    totals_ = totals_.defined() ? totals_ + totals : totals;
  }
  std::map<std::string, double> compute() const override {
    if (!totals_.defined()) return {{"perplexity", std::nan("")}, {"token_nll", std::nan("")}, {"accuracy", 0.0}};
    const auto t = totals_.cpu();
    const double nll = t[0].item<double>(), tokens = t[1].item<double>(), correct = t[2].item<double>();
    const double mean = tokens > 0 ? nll / tokens : std::nan("");
    return {{"perplexity", std::exp(mean)}, {"token_nll", mean}, {"accuracy", tokens > 0 ? correct / tokens : 0.0}};
  }

 private:
  std::int64_t pad_;
  torch::Tensor totals_;  // float64 [nll sum, target tokens, correct]
};

class TextGeneration final : public optbench::Task {
 public:
  TextGeneration(const optbench::Params&, const optbench::DataSpec& spec) : pad_(spec.pad_id) {
    const std::string target = spec.target();
    if (spec.modality != "text" || target != "next_token")
      throw std::invalid_argument("text_generation needs a language-modelling corpus (e.g. wikitext2, "
                                  "ptb_text_only), got modality '" + spec.modality + "'" +
                                  (target.empty() ? "" : " with target '" + target + "'"));
    if (spec.vocabulary.empty()) throw std::invalid_argument("text_generation needs the dataset's vocabulary");
  }

  optbench::TrainingPolicy default_policy() const override {
    optbench::TrainingPolicy policy;
    policy.scheduler = "cosine";
    policy.early_stopping_patience = 5;
    policy.max_grad_norm = 1.0;
    return policy;
  }
  std::string primary_metric() const override { return "perplexity"; }
  bool higher_is_better() const override { return false; }
  // Blocks of T + 1 tokens become inputs (the first T) and targets (the last T).
  void prepare(optbench::Batch& batch, bool, torch::Generator&) const override {
    const auto blocks = batch.at("tokens");
    const auto t = blocks.size(1) - 1;
    batch.tensors["target"] = blocks.narrow(1, 1, t).contiguous();
    batch.tensors["tokens"] = blocks.narrow(1, 0, t).contiguous();
  }
  torch::Tensor loss(const optbench::Outputs& outputs, const optbench::Batch& batch,
                     const optbench::TrainingPolicy& policy) const override {
    return F::cross_entropy(outputs.at("logits").flatten(0, 1), batch.at("target").flatten(),
                            F::CrossEntropyFuncOptions().ignore_index(pad_).label_smoothing(policy.label_smoothing));
  }
  std::unique_ptr<optbench::MetricAccumulator> metrics() const override {
    return std::make_unique<Perplexity>(pad_);
  }
  std::string description() const override {
    return "blocks of tokens split into inputs and next-token targets; loss: cross-entropy over non-padding "
           "targets (with label smoothing if set); metrics: perplexity = exp(mean token NLL over the split's "
           "non-padding targets, without smoothing), token_nll, next-token accuracy";
  }

 private:
  std::int64_t pad_;
};

}  // namespace

OPTBENCH_PLUGIN("text_generation", "1.0.0", [](optbench::Registrar& r) {
  r.task("text_generation", "language modelling: next-token cross-entropy, perplexity (lower is better)")
      .factory<TextGeneration>();
})
