// Recurrent text models: an LSTM sentiment classifier, and a GRU language model
// in the shape of PyTorch's word_language_model example (embedding, stacked RNN
// with dropout, linear decoder; Zaremba et al. 2014, arXiv:1409.2329).
#include <optbench/sdk.h>

#include "text_spec.h"

namespace nn = torch::nn;
using optbench::format_number;
using optbench::text_models::require_text;
using optbench::text_models::vocab_size;

namespace {

// Embedding -> LSTM -> the output at each sequence's last real token -> dropout -> linear.
class LstmSentiment final : public optbench::Model {
 public:
  LstmSentiment(const optbench::Params& p, const optbench::DataSpec& spec) {
    require_text(spec, "label", "lstm_sentiment");
    const auto dim = p.get<std::int64_t>("embedding_dim"), hidden = p.get<std::int64_t>("hidden_size"),
               layers = p.get<std::int64_t>("layers");
    dropout_ = p.get<double>("dropout");
    embedding_ = register_module(
        "embedding", nn::Embedding(nn::EmbeddingOptions(vocab_size(spec), dim).padding_idx(spec.pad_id)));
    lstm_ = register_module("lstm", nn::LSTM(nn::LSTMOptions(dim, hidden).num_layers(layers).batch_first(true)
                                                 .dropout(layers > 1 ? dropout_ : 0.0)));
    classifier_ = register_module("classifier", nn::Linear(hidden, spec.num_classes));
    description_ = "lstm_sentiment: embedding(" + std::to_string(vocab_size(spec)) + " x " + std::to_string(dim) +
                   "), " + std::to_string(layers) + "-layer LSTM(" + std::to_string(hidden) +
                   "), output at the last real token, dropout(" + format_number(dropout_) + "), linear(" +
                   std::to_string(spec.num_classes) + ")";
  }

  optbench::Outputs forward(const optbench::Batch& batch) override {
    const auto& tokens = batch.at("tokens");
    auto out = std::get<0>(lstm_->forward(embedding_(tokens)));  // [B, L, H]
    // A unidirectional LSTM's output at the last real token ignores the padding after it.
    auto last = (batch.at("length").clamp(1, tokens.size(1)) - 1).view({-1, 1, 1}).expand({-1, 1, out.size(2)});
    auto features = torch::dropout(out.gather(1, last).squeeze(1), dropout_, is_training());
    return {{"logits", classifier_(features)}};
  }
  std::string description() const override { return description_; }

 private:
  nn::Embedding embedding_{nullptr};
  nn::LSTM lstm_{nullptr};
  nn::Linear classifier_{nullptr};
  double dropout_ = 0;
  std::string description_;
};

// Embedding -> dropout -> stacked GRU -> dropout -> linear decoder over the vocabulary.
class GruLm final : public optbench::Model {
 public:
  GruLm(const optbench::Params& p, const optbench::DataSpec& spec) {
    require_text(spec, "next_token", "gru_lm");
    const auto dim = p.get<std::int64_t>("embedding_dim"), hidden = p.get<std::int64_t>("hidden_size"),
               layers = p.get<std::int64_t>("layers");
    const bool tie = p.get<bool>("tie_weights");
    if (tie && dim != hidden)
      throw std::invalid_argument("gru_lm: tie_weights needs embedding_dim == hidden_size (got " + std::to_string(dim) +
                                  " and " + std::to_string(hidden) + ")");
    dropout_ = p.get<double>("dropout");
    const auto v = vocab_size(spec);
    embedding_ = register_module("embedding", nn::Embedding(v, dim));
    gru_ = register_module("gru", nn::GRU(nn::GRUOptions(dim, hidden).num_layers(layers).batch_first(true)
                                              .dropout(layers > 1 ? dropout_ : 0.0)));
    // The example's initialisation: U(-0.1, 0.1) for the embedding and decoder, zero decoder bias.
    {
      torch::NoGradGuard no_grad;
      embedding_->weight.uniform_(-0.1, 0.1);
    }
    // Tied (Press & Wolf 2017): the decoder reads the embedding matrix itself.
    tied_ = tie;
    decoder_weight_ = tie ? embedding_->weight
                          : register_parameter("decoder_weight", torch::empty({v, hidden}).uniform_(-0.1, 0.1));
    decoder_bias_ = register_parameter("decoder_bias", torch::zeros({v}));
    description_ = "gru_lm: embedding(" + std::to_string(v) + " x " + std::to_string(dim) + "), " +
                   std::to_string(layers) + "-layer GRU(" + std::to_string(hidden) + "), dropout(" +
                   format_number(dropout_) + "), linear decoder" + (tie ? " tied to the embedding" : "") +
                   "; each block starts from a zero hidden state";
  }

  optbench::Outputs forward(const optbench::Batch& batch) override {
    auto x = torch::dropout(embedding_(batch.at("tokens")), dropout_, is_training());
    auto out = torch::dropout(std::get<0>(gru_->forward(x)), dropout_, is_training());
    return {{"logits", torch::nn::functional::linear(out, decoder_weight_, decoder_bias_)}};
  }
  std::string description() const override { return description_; }
  std::vector<std::string> output_parameters() const override {
    return {tied_ ? "embedding.weight" : "decoder_weight", "decoder_bias"};
  }

 private:
  nn::Embedding embedding_{nullptr};
  nn::GRU gru_{nullptr};
  torch::Tensor decoder_weight_, decoder_bias_;
  bool tied_ = false;
  double dropout_ = 0;
  std::string description_;
};

}  // namespace

void register_recurrent_models(optbench::Registrar& r) {
  r.model("lstm_sentiment", "LSTM sentence classifier: embedding, LSTM, dropout, linear")
      .param("embedding_dim", 128, "embedding width", optbench::at_least_one)
      .param("hidden_size", 256, "LSTM hidden width", optbench::at_least_one)
      .param("layers", 1, "stacked LSTM layers", optbench::at_least_one)
      .param("dropout", 0.5, "dropout before the classifier (and between LSTM layers)", optbench::unit_right_open)
      .factory<LstmSentiment>();
  r.model("gru_lm", "GRU language model as PyTorch's word_language_model example; Zaremba et al. 2014")
      .param("embedding_dim", 200, "embedding width", optbench::at_least_one)
      .param("hidden_size", 200, "GRU hidden width", optbench::at_least_one)
      .param("layers", 2, "stacked GRU layers", optbench::at_least_one)
      .param("dropout", 0.2, "dropout on the embeddings, between layers and before the decoder",
             optbench::unit_right_open)
      .param("tie_weights", false, "share the embedding matrix with the decoder (needs embedding_dim == hidden_size)")
      .factory<GruLm>();
}
