// Extractive question answering: both models score every context token as the
// answer's start and end ("start_logits", "end_logits" [B, Lc], padding at -inf).
//  - transformer_qa: a Transformer encoder over [question; <sep>; context] with segment
//    and learned position embeddings (BERT's input layout, Devlin et al. 2019);
//  - bilstm_attention_qa: BiDAF (Seo et al. 2017, arXiv:1611.01603): contextual BiLSTMs,
//    context-to-query and query-to-context attention, a modelling BiLSTM, and start/end
//    layers, on word embeddings.
#include <optbench/sdk.h>

#include "packed_lstm.h"
#include "text_spec.h"
#include "transformer_blocks.h"

namespace nn = torch::nn;
using optbench::format_number;
using namespace optbench::text_models;

namespace {

torch::Tensor masked_logits(const torch::Tensor& logits, const torch::Tensor& real) {
  return logits.masked_fill(real.logical_not(), lowest_value(logits));
}

class TransformerQa final : public optbench::Model {
 public:
  TransformerQa(const optbench::Params& p, const optbench::DataSpec& spec) : pad_(spec.pad_id) {
    require_text(spec, "span", "transformer_qa");
    const auto dim = p.get<std::int64_t>("dim"), layers = p.get<std::int64_t>("layers"), heads = p.get<std::int64_t>("heads");
    check_heads(dim, heads, "transformer_qa");
    dropout_ = p.get<double>("dropout");
    sep_ = spec.token_id("<sep>", "transformer_qa");
    auto question = spec.attributes.find("max_question_length");
    if (question == spec.attributes.end()) throw std::invalid_argument("transformer_qa needs the dataset's max_question_length");
    const std::int64_t positions = std::stoll(question->second) + 1 + spec.input_shape[0];
    embedding = register_module("embedding", nn::Embedding(vocab_size(spec), dim));
    position = register_module("position", nn::Embedding(positions, dim));
    segment = register_module("segment", nn::Embedding(2, dim));
    norm = register_module("norm", nn::LayerNorm(nn::LayerNormOptions({dim})));
    for (std::int64_t i = 0; i < layers; ++i)
      encoder->push_back(EncoderLayer(dim, heads, p.get<std::int64_t>("ffn_dim"), dropout_, "gelu"));
    register_module("encoder", encoder);
    span = register_module("span", nn::Linear(dim, 2));
    init_normal(*this, 0.02);
    description_ = "transformer_qa: [question; <sep>; context] with segment and learned position embeddings, " +
                   std::to_string(layers) + " post-LayerNorm encoder layers (dim " + std::to_string(dim) + ", " +
                   std::to_string(heads) + " heads, GELU), dropout " + format_number(dropout_) +
                   ", a linear start/end scorer on the context tokens";
  }

  optbench::Outputs forward(const optbench::Batch& batch) override {
    const auto& q = batch.at("question");
    const auto& c = batch.at("context");
    const auto b = q.size(0), lq = q.size(1), lc = c.size(1);
    const auto tokens = torch::cat({q, torch::full({b, 1}, sep_, q.options()), c}, 1);
    const auto segments = torch::cat({torch::zeros({b, lq + 1}, q.options()), torch::ones({b, lc}, q.options())}, 1);
    const auto real = tokens != pad_;
    auto x = embedding(tokens) + position(torch::arange(tokens.size(1), q.options())).unsqueeze(0) + segment(segments);
    x = torch::dropout(norm(x), dropout_, is_training());
    const auto allowed = real.view({b, 1, 1, -1});
    for (const auto& layer : *encoder) x = layer->as<EncoderLayer>()->forward(x, allowed);
    const auto scores = span(x.narrow(1, lq + 1, lc));  // [B, Lc, 2]
    const auto context_real = c != pad_;
    return {{"start_logits", masked_logits(scores.select(2, 0), context_real)},
            {"end_logits", masked_logits(scores.select(2, 1), context_real)}};
  }
  std::string description() const override { return description_; }

  nn::Embedding embedding{nullptr}, position{nullptr}, segment{nullptr};
  nn::LayerNorm norm{nullptr};
  nn::ModuleList encoder;
  nn::Linear span{nullptr};

 private:
  std::int64_t pad_, sep_ = 0;
  double dropout_ = 0;
  std::string description_;
};

class BidafQa final : public optbench::Model {
 public:
  BidafQa(const optbench::Params& p, const optbench::DataSpec& spec) : pad_(spec.pad_id) {
    require_text(spec, "span", "bilstm_attention_qa");
    const auto dim = p.get<std::int64_t>("embedding_dim"), hidden = p.get<std::int64_t>("hidden_size");
    dropout_ = p.get<double>("dropout");
    auto bilstm = [&](std::int64_t in) { return nn::LSTM(nn::LSTMOptions(in, hidden).batch_first(true).bidirectional(true)); };
    embedding = register_module("embedding", nn::Embedding(nn::EmbeddingOptions(vocab_size(spec), dim).padding_idx(pad_)));
    contextual = register_module("contextual", bilstm(dim));
    similarity = register_module("similarity", nn::Linear(6 * hidden, 1));
    modelling = register_module("modelling", nn::LSTM(nn::LSTMOptions(8 * hidden, hidden).num_layers(2).batch_first(true)
                                                          .bidirectional(true).dropout(dropout_)));
    end_lstm = register_module("end_lstm", bilstm(2 * hidden));
    start_layer = register_module("start_layer", nn::Linear(10 * hidden, 1));
    end_layer = register_module("end_layer", nn::Linear(10 * hidden, 1));
    description_ = "bilstm_attention_qa (BiDAF): word embedding " + std::to_string(dim) + ", contextual BiLSTM (" +
                   std::to_string(hidden) + " per direction), trilinear similarity, context-to-query and query-to-context "
                   "attention, 2-layer modelling BiLSTM, start and end layers; dropout " + format_number(dropout_);
  }

  optbench::Outputs forward(const optbench::Batch& batch) override {
    const auto& q = batch.at("question");
    const auto& c = batch.at("context");
    const auto q_real = q != pad_, c_real = c != pad_;
    const auto q_len = q_real.sum(1), c_len = c_real.sum(1);
    auto encode = [&](const torch::Tensor& tokens, const torch::Tensor& lengths) {
      return run_packed(contextual, torch::dropout(embedding(tokens), dropout_, is_training()), lengths);
    };
    const auto h = encode(c, c_len), u = encode(q, q_len);  // [B, Lc, 2H], [B, Lq, 2H]
    const auto lc = h.size(1), lq = u.size(1);
    // S_ij = w . [h_i; u_j; h_i * u_j]
    const auto hh = h.unsqueeze(2).expand({-1, lc, lq, -1}), uu = u.unsqueeze(1).expand({-1, lc, lq, -1});
    const auto s = similarity(torch::cat({hh, uu, hh * uu}, 3)).squeeze(3);  // [B, Lc, Lq]
    const auto a = torch::softmax(s.masked_fill(q_real.unsqueeze(1).logical_not(), lowest_value(s)), 2);
    const auto u_tilde = a.matmul(u);  // context-to-query
    const auto best = std::get<0>(s.max(2)).masked_fill(c_real.logical_not(), lowest_value(s));
    const auto h_tilde = torch::softmax(best, 1).unsqueeze(1).matmul(h).expand({-1, lc, -1});  // query-to-context
    const auto g = torch::cat({h, u_tilde, h * u_tilde, h * h_tilde}, 2);
    const auto m = run_packed(modelling, torch::dropout(g, dropout_, is_training()), c_len);
    const auto m2 = run_packed(end_lstm, torch::dropout(m, dropout_, is_training()), c_len);
    const auto start = start_layer(torch::dropout(torch::cat({g, m}, 2), dropout_, is_training())).squeeze(2);
    const auto end = end_layer(torch::dropout(torch::cat({g, m2}, 2), dropout_, is_training())).squeeze(2);
    return {{"start_logits", masked_logits(start, c_real)}, {"end_logits", masked_logits(end, c_real)}};
  }
  std::string description() const override { return description_; }

  nn::Embedding embedding{nullptr};
  nn::LSTM contextual{nullptr}, modelling{nullptr}, end_lstm{nullptr};
  nn::Linear similarity{nullptr}, start_layer{nullptr}, end_layer{nullptr};

 private:
  std::int64_t pad_;
  double dropout_ = 0;
  std::string description_;
};

}  // namespace

void register_qa_models(optbench::Registrar& r) {
  r.model("transformer_qa", "Transformer encoder over [question; context] predicting the answer's start and end")
      .param("dim", 256, "hidden width", optbench::at_least_one)
      .param("layers", 4, "encoder layers", optbench::at_least_one)
      .param("heads", 4, "attention heads (must divide dim)", optbench::at_least_one)
      .param("ffn_dim", 1024, "feed-forward width", optbench::at_least_one)
      .param("dropout", 0.1, "dropout on embeddings, attention weights and residual branches", optbench::unit_right_open)
      .factory<TransformerQa>();
  r.model("bilstm_attention_qa", "BiDAF: bidirectional attention flow between question and context; Seo et al. 2017")
      .param("embedding_dim", 100, "word embedding width", optbench::at_least_one)
      .param("hidden_size", 100, "LSTM width per direction", optbench::at_least_one)
      .param("dropout", 0.2, "dropout on LSTM inputs", optbench::unit_right_open)
      .factory<BidafQa>();
}
