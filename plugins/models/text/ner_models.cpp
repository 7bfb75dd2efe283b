// BiLSTM-CRF taggers: word embeddings (lstm_crf_ner; Lample et al. 2016,
// arXiv:1603.01360) and with a character CNN per word as well (lstm_crf_charcnn_ner;
// Ma & Hovy 2016, arXiv:1603.01354). forward() returns the tag scores ("emissions"),
// the CRF's negative log-likelihood of batch["tags"] ("nll") and, in evaluation, the
// Viterbi tags ("predicted", -1 on padding).
#include <optbench/sdk.h>

#include "crf.h"
#include "packed_lstm.h"
#include "text_spec.h"

namespace nn = torch::nn;
using optbench::format_number;
using namespace optbench::text_models;

namespace {

class LstmCrfNer final : public optbench::Model {
 public:
  LstmCrfNer(const optbench::Params& p, const optbench::DataSpec& spec, const std::string& name, bool char_cnn) {
    require_text(spec, "tags", name);
    if (spec.num_classes < 2) throw std::invalid_argument(name + " needs at least 2 tags");
    const auto dim = p.get<std::int64_t>("embedding_dim"), hidden = p.get<std::int64_t>("hidden_size");
    if (hidden % 2 != 0) throw std::invalid_argument(name + ": hidden_size must be even (two LSTM directions)");
    dropout_ = p.get<double>("dropout");
    std::int64_t features = dim;
    embedding = register_module("embedding", nn::Embedding(nn::EmbeddingOptions(vocab_size(spec), dim).padding_idx(spec.pad_id)));
    std::string chars_text;
    if (char_cnn) {
      auto it = spec.attributes.find("char_vocab_size");
      if (it == spec.attributes.end()) throw std::invalid_argument(name + " needs the dataset's character vocabulary");
      const auto char_dim = p.get<std::int64_t>("char_embedding_dim"), filters = p.get<std::int64_t>("char_filters");
      char_embedding = register_module("char_embedding", nn::Embedding(nn::EmbeddingOptions(std::stoll(it->second), char_dim).padding_idx(0)));
      char_conv = register_module("char_conv", nn::Conv1d(nn::Conv1dOptions(char_dim, filters, 3).padding(1)));
      features += filters;
      chars_text = ", character CNN (" + std::to_string(char_dim) + "-dim characters, " + std::to_string(filters) +
                   " width-3 filters, max-pooled)";
    }
    lstm = register_module("lstm", nn::LSTM(nn::LSTMOptions(features, hidden / 2).batch_first(true).bidirectional(true)));
    to_tags = register_module("to_tags", nn::Linear(hidden, spec.num_classes));
    crf = register_module("crf", Crf(spec.num_classes));
    description_ = name + ": word embedding " + std::to_string(dim) + chars_text + ", dropout " + format_number(dropout_) +
                   ", bidirectional LSTM (" + std::to_string(hidden) + "), linear to " + std::to_string(spec.num_classes) +
                   " tags, CRF (negative log-likelihood by the forward algorithm, Viterbi decoding)";
  }

  optbench::Outputs forward(const optbench::Batch& batch) override {
    const auto& tokens = batch.at("tokens");
    const auto lengths = batch.at("length").clamp_min(1);
    const auto mask = torch::arange(tokens.size(1), lengths.options()).unsqueeze(0) < lengths.unsqueeze(1);
    auto x = embedding(tokens);
    if (char_embedding) x = torch::cat({x, word_features(batch.at("chars"))}, 2);
    x = torch::dropout(x, dropout_, is_training());
    auto out = run_packed(lstm, x, lengths);
    auto emissions = to_tags(torch::dropout(out, dropout_, is_training()));
    optbench::Outputs outputs{{"emissions", emissions}};
    if (batch.tensors.count("tags")) outputs["nll"] = crf->nll(emissions, batch.at("tags"), mask);
    if (!is_training()) outputs["predicted"] = crf->decode(emissions, mask);
    return outputs;
  }
  std::string description() const override { return description_; }

  nn::Embedding embedding{nullptr}, char_embedding{nullptr};
  nn::Conv1d char_conv{nullptr};
  nn::LSTM lstm{nullptr};
  nn::Linear to_tags{nullptr};
  Crf crf{nullptr};

 private:
  // chars [B, L, W] -> [B, L, filters]: convolution over each word's characters, max-pooled.
  torch::Tensor word_features(const torch::Tensor& chars) {
    const auto b = chars.size(0), l = chars.size(1), w = chars.size(2);
    auto c = char_embedding(chars.view({b * l, w})).transpose(1, 2);  // [B*L, dim, W]
    c = torch::dropout(c, dropout_, is_training());
    return std::get<0>(char_conv(c).max(2)).view({b, l, -1});
  }
  double dropout_ = 0;
  std::string description_;
};

using ModelBuilder = optbench::ComponentBuilder<optbench::ModelFactory>;

ModelBuilder tagger_params(ModelBuilder b) {
  b.param("embedding_dim", 100, "word embedding width", optbench::at_least_one)
      .param("hidden_size", 200, "BiLSTM width (both directions together)", optbench::at_least_one)
      .param("dropout", 0.5, "dropout on the LSTM's input and output", optbench::unit_right_open);
  return b;
}

}  // namespace

void register_ner_models(optbench::Registrar& r) {
  tagger_params(r.model("lstm_crf_ner", "BiLSTM-CRF named-entity tagger; Lample et al. 2016, arXiv:1603.01360"))
      .factory([](const optbench::Params& p, const optbench::DataSpec& s) {
        return std::make_shared<LstmCrfNer>(p, s, "lstm_crf_ner", false);
      });
  tagger_params(r.model("lstm_crf_charcnn_ner", "BiLSTM-CNN-CRF tagger with character CNN; Ma & Hovy 2016, arXiv:1603.01354"))
      .param("char_embedding_dim", 30, "character embedding width", optbench::at_least_one)
      .param("char_filters", 50, "character CNN filters (width 3)", optbench::at_least_one)
      .factory([](const optbench::Params& p, const optbench::DataSpec& s) {
        return std::make_shared<LstmCrfNer>(p, s, "lstm_crf_charcnn_ner", true);
      });
}
