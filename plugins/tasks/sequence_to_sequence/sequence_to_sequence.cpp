// Machine translation and text summarisation: teacher-forced cross-entropy over the
// non-padding target tokens for training; for evaluation the model's output is decoded
// (greedy or beam search, optbench/generation.h) and scored against the reference texts
// with BLEU exactly as sacreBLEU computes it, or ROUGE as Google's rouge-score does.
#include <optbench/sdk.h>

#include "bleu.h"
#include "rouge.h"

namespace F = torch::nn::functional;
using optbench::format_number;
namespace metrics = optbench::text_metrics;

namespace {

// Token ids back to text: special tokens dropped, words joined by spaces; with
// `sentence_lines`, a newline after each sentence-final token (rougeLsum's sentences).
class Detokeniser {
 public:
  Detokeniser(const optbench::DataSpec& spec, bool sentence_lines)
      : vocabulary_(spec.vocabulary), pad_(spec.pad_id), sentence_lines_(sentence_lines) {}
  std::vector<std::string> operator()(const torch::Tensor& ids) const {
    const auto rows = ids.to(torch::kCPU).contiguous();
    const auto acc = rows.accessor<std::int64_t, 2>();
    std::vector<std::string> texts;
    for (std::int64_t i = 0; i < rows.size(0); ++i) {
      std::string text;
      for (std::int64_t j = 0; j < rows.size(1); ++j) {
        if (acc[i][j] == pad_) continue;
        const std::string& word = vocabulary_[static_cast<std::size_t>(acc[i][j])];
        if (!text.empty() && text.back() != '\n') text += ' ';
        text += word;
        if (sentence_lines_ && (word == "." || word == "!" || word == "?")) text += '\n';
      }
      while (!text.empty() && text.back() == '\n') text.pop_back();
      texts.push_back(std::move(text));
    }
    return texts;
  }

 private:
  std::vector<std::string> vocabulary_;
  std::int64_t pad_;
  bool sentence_lines_;
};

class BleuAccumulator final : public optbench::MetricAccumulator {
 public:
  BleuAccumulator(metrics::BleuOptions options, Detokeniser detokenise) : bleu_(std::move(options)), detokenise_(std::move(detokenise)) {}
  void update(const optbench::Outputs& outputs, const optbench::Batch& batch) override {
    const auto hypotheses = detokenise_(outputs.at("generated"));
    const auto& references = batch.texts.at("reference");
    for (std::size_t i = 0; i < hypotheses.size(); ++i) totals_ += bleu_.statistics(hypotheses[i], {references[i]});
  }
  std::map<std::string, double> compute() const override {
    if (totals_.correct.empty()) return {{"bleu", 0.0}};
    const auto s = bleu_.compute(totals_);
    return {{"bleu", s.score}, {"bleu_brevity_penalty", s.bp}, {"bleu_length_ratio", s.ratio}};
  }

 private:
  metrics::Bleu bleu_;
  Detokeniser detokenise_;
  metrics::BleuStatistics totals_;
};

// Mean precision, recall and F-measure over the segments, per ROUGE type.
class RougeAccumulator final : public optbench::MetricAccumulator {
 public:
  RougeAccumulator(metrics::RougeScorer scorer, Detokeniser detokenise) : scorer_(std::move(scorer)), detokenise_(std::move(detokenise)) {}
  void update(const optbench::Outputs& outputs, const optbench::Batch& batch) override {
    const auto hypotheses = detokenise_(outputs.at("generated"));
    const auto& references = batch.texts.at("reference");
    for (std::size_t i = 0; i < hypotheses.size(); ++i) {
      for (const auto& [type, score] : scorer_.score(references[i], hypotheses[i])) {
        auto& sum = sums_[type];
        sum.precision += score.precision;
        sum.recall += score.recall;
        sum.fmeasure += score.fmeasure;
      }
      ++segments_;
    }
  }
  std::map<std::string, double> compute() const override {
    std::map<std::string, double> out;
    const double n = segments_ ? static_cast<double>(segments_) : 1.0;
    for (const auto& type : scorer_.rouge_types()) {
      auto it = sums_.find(type);
      const metrics::RougeScore sum = it == sums_.end() ? metrics::RougeScore{} : it->second;
      out[type] = sum.fmeasure / n;
      out[type + "_precision"] = sum.precision / n;
      out[type + "_recall"] = sum.recall / n;
    }
    return out;
  }

 private:
  metrics::RougeScorer scorer_;
  Detokeniser detokenise_;
  std::map<std::string, metrics::RougeScore> sums_;
  std::int64_t segments_ = 0;
};

class SequenceToSequence : public optbench::Task {
 public:
  SequenceToSequence(const optbench::Params& p, const optbench::DataSpec& spec, std::string name)
      : name_(std::move(name)), spec_(spec) {
    const std::string target = spec.target();
    if (spec.modality != "text" || target != "sequence")
      throw std::invalid_argument(name_ + " needs source/target text pairs (e.g. iwslt14_en_de, cnn_dailymail), got modality '" +
                                  spec.modality + "'" + (target.empty() ? "" : " with target '" + target + "'"));
    generation_.beam_size = p.get<std::int64_t>("beam_size");
    generation_.length_penalty = p.get<double>("length_penalty");
    generation_.max_length = p.get<std::int64_t>("max_length");
    if (generation_.max_length == 0) {
      auto longest = spec.attributes.find("max_target_length");
      if (longest == spec.attributes.end())
        throw std::invalid_argument(name_ + ": the dataset gives no max_target_length; set the task's max_length");
      generation_.max_length = std::stoll(longest->second) + 1;
    }
    generation_.bos = spec.token_id("<bos>", name_);
    generation_.eos = spec.token_id("<eos>", name_);
    generation_.pad = spec.pad_id;
  }

  // Targets <bos> y <eos> become decoder inputs (<bos> y) and outputs (y <eos>).
  void prepare(optbench::Batch& batch, bool, torch::Generator&) const override {
    const auto& target = batch.at("target");
    const auto t = target.size(1) - 1;
    batch.tensors["target_in"] = target.narrow(1, 0, t).contiguous();
    batch.tensors["target_out"] = target.narrow(1, 1, t).contiguous();
  }
  torch::Tensor loss(const optbench::Outputs& outputs, const optbench::Batch& batch,
                     const optbench::TrainingPolicy& policy) const override {
    return F::cross_entropy(outputs.at("logits").flatten(0, 1), batch.at("target_out").flatten(),
                            F::CrossEntropyFuncOptions().ignore_index(spec_.pad_id).label_smoothing(policy.label_smoothing));
  }
  optbench::Outputs evaluate(optbench::Model& model, const optbench::Batch& batch) const override {
    auto outputs = model.forward(batch);
    auto* seq2seq = dynamic_cast<optbench::Seq2SeqModel*>(&model);
    if (seq2seq == nullptr)
      throw std::invalid_argument(name_ + " decodes with a sequence-to-sequence model (optbench::Seq2SeqModel), e.g. "
                                          "transformer_seq2seq or lstm_seq2seq");
    outputs["generated"] = optbench::generate(*seq2seq, batch, generation_);
    return outputs;
  }

 protected:
  std::string decoding_text() const {
    return (generation_.beam_size > 1 ? "beam search (beam " + std::to_string(generation_.beam_size) +
                                            ", length penalty " + format_number(generation_.length_penalty) + ")"
                                      : std::string("greedy decoding")) +
           " of at most " + std::to_string(generation_.max_length) + " tokens";
  }
  std::string name_;
  optbench::DataSpec spec_;
  optbench::GenerationOptions generation_;
};

class MachineTranslation final : public SequenceToSequence {
 public:
  MachineTranslation(const optbench::Params& p, const optbench::DataSpec& spec)
      : SequenceToSequence(p, spec, "machine_translation") {
    bleu_.tokenize = p.get<std::string>("bleu_tokenize");
    bleu_.lowercase = p.get<bool>("bleu_lowercase");
    metrics::Bleu check(bleu_);  // refuses bad options now rather than after the first epoch
  }
  optbench::TrainingPolicy default_policy() const override {
    optbench::TrainingPolicy policy;
    policy.scheduler = "cosine";
    policy.early_stopping_patience = 5;
    policy.label_smoothing = 0.1;
    return policy;
  }
  std::string primary_metric() const override { return "bleu"; }
  bool higher_is_better() const override { return true; }
  std::unique_ptr<optbench::MetricAccumulator> metrics() const override {
    return std::make_unique<BleuAccumulator>(bleu_, Detokeniser(spec_, false));
  }
  std::string description() const override {
    return "decoder inputs <bos> y, outputs y <eos> (teacher forcing); loss: cross-entropy over non-padding target "
           "tokens with label smoothing; evaluation: " + decoding_text() + ", tokens joined by spaces, corpus BLEU as "
           "sacreBLEU computes it (tokenize " + bleu_.tokenize + (bleu_.lowercase ? ", lower-cased" : "") +
           ", exp smoothing) against the reference texts";
  }

 private:
  metrics::BleuOptions bleu_;
};

class TextSummarization final : public SequenceToSequence {
 public:
  TextSummarization(const optbench::Params& p, const optbench::DataSpec& spec)
      : SequenceToSequence(p, spec, "text_summarization"), use_stemmer_(p.get<bool>("use_stemmer")) {}
  optbench::TrainingPolicy default_policy() const override {
    optbench::TrainingPolicy policy;
    policy.scheduler = "cosine";
    policy.early_stopping_patience = 5;
    policy.max_grad_norm = 1.0;
    return policy;
  }
  std::string primary_metric() const override { return "rougeL"; }
  bool higher_is_better() const override { return true; }
  std::unique_ptr<optbench::MetricAccumulator> metrics() const override {
    return std::make_unique<RougeAccumulator>(metrics::RougeScorer({"rouge1", "rouge2", "rougeL", "rougeLsum"}, use_stemmer_),
                                              Detokeniser(spec_, true));
  }
  std::string description() const override {
    return "decoder inputs <bos> y, outputs y <eos> (teacher forcing); loss: cross-entropy over non-padding target "
           "tokens; evaluation: " + decoding_text() + ", one line per generated sentence, ROUGE-1/2/L/Lsum as "
           "rouge-score computes them" + (use_stemmer_ ? " (Porter stemmer)" : "") +
           " against the reference texts, averaged over segments (F-measure; _precision and _recall beside it)";
  }

 private:
  bool use_stemmer_;
};

using TaskBuilder = optbench::ComponentBuilder<optbench::TaskFactory>;

TaskBuilder decoding_params(TaskBuilder b) {
  b.param("beam_size", 4, "beams for evaluation decoding (1: greedy)", optbench::at_least_one)
      .param("length_penalty", 1.0, "beam scores are log P / length^length_penalty")
      .param("max_length", 0, "longest decoded output in tokens (0: the dataset's max_target_length + 1)",
             optbench::non_negative);
  return b;
}

}  // namespace

OPTBENCH_PLUGIN("sequence_to_sequence", "1.0.0", [](optbench::Registrar& r) {
  decoding_params(r.task("machine_translation", "translation: cross-entropy with label smoothing, BLEU (sacreBLEU)"))
      .choice("bleu_tokenize", "13a", {"13a", "none"}, "sacreBLEU tokenizer applied to hypotheses and references")
      .param("bleu_lowercase", false, "case-insensitive BLEU")
      .factory<MachineTranslation>();
  decoding_params(r.task("text_summarization", "summarisation: cross-entropy, ROUGE-1/2/L/Lsum (rouge-score)"))
      .param("use_stemmer", true, "Porter-stem words longer than 3 characters before matching (rouge-score's option)")
      .factory<TextSummarization>();
})
