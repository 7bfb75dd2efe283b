// Encoder-decoder models for translation and summarisation. All share one embedding
// matrix between encoder, decoder and output layer (the joint vocabulary allows it, as
// fairseq's --share-all-embeddings). forward() is teacher-forced over batch["target_in"];
// start()/step() decode a token at a time for greedy decoding and beam search.
//  - transformer_seq2seq / tiny_transformer_seq2seq: Vaswani et al. 2017 (post-LayerNorm,
//    ReLU, sinusoidal positions), fairseq's transformer_iwslt_de_en sizes and a tiny one;
//  - bart_small: BART's architecture (Lewis et al. 2020: learned positions, embedding
//    LayerNorm, GELU) at a small size, trained with BART's token-masking noise;
//  - lstm_seq2seq: bidirectional LSTM encoder, LSTM decoder with Luong et al. 2015's
//    "general" attention and attentional hidden state.
#include <optbench/sdk.h>

#include <cmath>

#include "text_spec.h"
#include "transformer_blocks.h"

namespace nn = torch::nn;
namespace F = torch::nn::functional;
using optbench::format_number;
using optbench::Outputs;
using namespace optbench::text_models;

namespace {

struct TransformerShape {
  std::int64_t dim, layers, heads, ffn;
  double dropout;
  bool bart;  // learned positions + embedding LayerNorm + GELU, else sinusoidal + ReLU
};

// Post-LayerNorm decoder layer: causal self-attention, attention over the encoder, ffn.
class DecoderLayerImpl : public nn::Module {
 public:
  DecoderLayerImpl(const TransformerShape& s) : dropout_(s.dropout) {
    self_attention = register_module("self_attention", Attention(s.dim, s.heads, s.dropout));
    norm1 = register_module("norm1", nn::LayerNorm(nn::LayerNormOptions({s.dim})));
    cross_attention = register_module("cross_attention", Attention(s.dim, s.heads, s.dropout));
    norm2 = register_module("norm2", nn::LayerNorm(nn::LayerNormOptions({s.dim})));
    ffn = register_module("ffn", FeedForward(s.dim, s.ffn, s.bart ? "gelu" : "relu"));
    norm3 = register_module("norm3", nn::LayerNorm(nn::LayerNormOptions({s.dim})));
  }
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& causal, const torch::Tensor& memory,
                        const torch::Tensor& memory_allowed) {
    auto h = norm1(x + torch::dropout(self_attention(x, x, causal), dropout_, is_training()));
    h = norm2(h + torch::dropout(cross_attention(h, memory, memory_allowed), dropout_, is_training()));
    return norm3(h + torch::dropout(ffn(h), dropout_, is_training()));
  }
  Attention self_attention{nullptr}, cross_attention{nullptr};
  FeedForward ffn{nullptr};
  nn::LayerNorm norm1{nullptr}, norm2{nullptr}, norm3{nullptr};

 private:
  double dropout_;
};
TORCH_MODULE(DecoderLayer);

class TransformerSeq2Seq final : public optbench::Seq2SeqModel {
 public:
  TransformerSeq2Seq(const optbench::Params& p, const optbench::DataSpec& spec, const std::string& name, bool bart)
      : shape_{p.get<std::int64_t>("dim"), p.get<std::int64_t>("layers"), p.get<std::int64_t>("heads"),
               p.get<std::int64_t>("ffn_dim"), p.get<double>("dropout"), bart},
        pad_(spec.pad_id) {
    require_text(spec, "sequence", name);
    check_heads(shape_.dim, shape_.heads, name);
    if (bart) {
      mask_prob_ = p.get<double>("mask_prob");
      unk_ = spec.token_id("<unk>", name);
    }
    auto target_length = spec.attributes.find("max_target_length");
    if (target_length == spec.attributes.end())
      throw std::invalid_argument(name + " needs the dataset's max_target_length attribute (the longest target)");
    const std::int64_t positions = std::max<std::int64_t>(spec.input_shape[0], std::stoll(target_length->second) + 2);
    embedding = register_module("embedding", nn::Embedding(vocab_size(spec), shape_.dim));
    if (bart) {
      positions_ = register_module("positions", nn::Embedding(positions, shape_.dim))->weight;
      embedding_norm = register_module("embedding_norm", nn::LayerNorm(nn::LayerNormOptions({shape_.dim})));
    } else {
      positions_ = register_buffer("positions", sinusoids(positions, shape_.dim));
    }
    for (std::int64_t i = 0; i < shape_.layers; ++i) {
      encoder->push_back(EncoderLayer(shape_.dim, shape_.heads, shape_.ffn, shape_.dropout, bart ? "gelu" : "relu"));
      decoder->push_back(DecoderLayer(shape_));
    }
    register_module("encoder", encoder);
    register_module("decoder", decoder);
    init_normal(*this, bart ? 0.02 : std::pow(static_cast<double>(shape_.dim), -0.5));
    description_ = name + ": " + std::to_string(shape_.layers) + "+" + std::to_string(shape_.layers) +
                   " post-LayerNorm layers, dim " + std::to_string(shape_.dim) + ", " + std::to_string(shape_.heads) +
                   " heads, feed-forward " + std::to_string(shape_.ffn) + (bart ? " (GELU)" : " (ReLU)") + ", dropout " +
                   format_number(shape_.dropout) + ", " + (bart ? "learned positions and embedding LayerNorm" : "sinusoidal positions") +
                   "; encoder, decoder and output share one " + std::to_string(vocab_size(spec)) + "-token embedding" +
                   (bart ? "; training masks source tokens with probability " + format_number(mask_prob_) + " (BART's token masking)"
                         : "");
  }

  Outputs forward(const optbench::Batch& batch) override {
    auto source = batch.at("source");
    if (is_training() && mask_prob_ > 0) {  // BART's token masking: corrupted input, original target
      auto noise = torch::rand(source.sizes(), torch::TensorOptions().device(source.device())) < mask_prob_;
      source = source.masked_fill(noise & (source != pad_), unk_);
    }
    const auto [memory, allowed] = encode(source);
    return {{"logits", decode(batch.at("target_in"), memory, allowed)}};
  }
  Outputs start(const optbench::Batch& batch) override {
    auto [memory, allowed] = encode(batch.at("source"));
    return {{"memory", memory}, {"memory_allowed", allowed},
            {"prefix", torch::empty({batch.size, 0}, batch.at("source").options())}};
  }
  // The decoder runs over the whole prefix each step (no key/value cache): simple, and the
  // prefix is short next to the source it attends to.
  torch::Tensor step(Outputs& state, const torch::Tensor& tokens) override {
    auto& prefix = state.at("prefix");
    prefix = torch::cat({prefix, tokens.unsqueeze(1)}, 1);
    return decode(prefix, state.at("memory"), state.at("memory_allowed")).select(1, -1);
  }
  std::string description() const override { return description_; }
  std::vector<std::string> output_parameters() const override { return {"embedding.weight"}; }  // tied

  nn::Embedding embedding{nullptr};
  nn::LayerNorm embedding_norm{nullptr};
  nn::ModuleList encoder, decoder;

 private:
  static torch::Tensor sinusoids(std::int64_t positions, std::int64_t dim) {
    auto pos = torch::arange(positions, torch::kFloat32).unsqueeze(1);
    auto freq = torch::exp(torch::arange(0, dim, 2, torch::kFloat32) * (-std::log(10000.0) / static_cast<double>(dim)));
    auto table = torch::zeros({positions, dim});
    table.slice(1, 0, dim, 2) = torch::sin(pos * freq);
    table.slice(1, 1, dim, 2) = torch::cos(pos * freq.slice(0, 0, dim / 2));
    return table;
  }
  torch::Tensor embed(const torch::Tensor& tokens) {
    auto x = embedding(tokens) * (shape_.bart ? 1.0 : std::sqrt(static_cast<double>(shape_.dim))) +
             positions_.narrow(0, 0, tokens.size(1)).unsqueeze(0);
    if (embedding_norm) x = embedding_norm(x);
    return torch::dropout(x, shape_.dropout, is_training());
  }
  std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor& source) {
    const auto allowed = (source != pad_).view({source.size(0), 1, 1, source.size(1)});
    auto x = embed(source);
    for (const auto& layer : *encoder) x = layer->as<EncoderLayer>()->forward(x, allowed);
    return {x, allowed};
  }
  torch::Tensor decode(const torch::Tensor& target_in, const torch::Tensor& memory, const torch::Tensor& allowed) {
    auto x = embed(target_in);
    const auto causal = causal_mask(target_in.size(1), target_in.device());
    for (const auto& layer : *decoder) x = layer->as<DecoderLayer>()->forward(x, causal, memory, allowed);
    return F::linear(x, embedding->weight);
  }

  TransformerShape shape_;
  std::int64_t pad_, unk_ = 0;
  double mask_prob_ = 0;
  torch::Tensor positions_;
  std::string description_;
};

// Bidirectional LSTM encoder; LSTM decoder whose output attends over the encoder states
// (score = h W m), combined as tanh(W [context; h]) and projected onto the shared embedding.
class LstmSeq2Seq final : public optbench::Seq2SeqModel {
 public:
  LstmSeq2Seq(const optbench::Params& p, const optbench::DataSpec& spec) : pad_(spec.pad_id) {
    require_text(spec, "sequence", "lstm_seq2seq");
    const auto dim = p.get<std::int64_t>("embedding_dim"), hidden = p.get<std::int64_t>("hidden_size");
    layers_ = p.get<std::int64_t>("layers");
    dropout_ = p.get<double>("dropout");
    if (hidden % 2 != 0) throw std::invalid_argument("lstm_seq2seq: hidden_size must be even (two encoder directions)");
    embedding = register_module("embedding", nn::Embedding(nn::EmbeddingOptions(vocab_size(spec), dim).padding_idx(pad_)));
    encoder = register_module("encoder", nn::LSTM(nn::LSTMOptions(dim, hidden / 2).num_layers(layers_).batch_first(true)
                                                      .bidirectional(true).dropout(layers_ > 1 ? dropout_ : 0.0)));
    decoder = register_module("decoder", nn::LSTM(nn::LSTMOptions(dim, hidden).num_layers(layers_).batch_first(true)
                                                      .dropout(layers_ > 1 ? dropout_ : 0.0)));
    attention = register_module("attention", nn::Linear(nn::LinearOptions(hidden, hidden).bias(false)));
    combine = register_module("combine", nn::Linear(nn::LinearOptions(2 * hidden, hidden).bias(false)));
    to_embedding = register_module("to_embedding", nn::Linear(hidden, dim));
    description_ = "lstm_seq2seq: embedding " + std::to_string(dim) + " shared by encoder, decoder and output; " +
                   std::to_string(layers_) + "-layer bidirectional LSTM encoder (" + std::to_string(hidden) +
                   "), LSTM decoder (" + std::to_string(hidden) + ") with Luong 'general' attention, dropout " +
                   format_number(dropout_);
  }

  Outputs forward(const optbench::Batch& batch) override {
    auto state = start(batch);
    auto out = std::get<0>(decoder->forward(embed(batch.at("target_in"))));
    return {{"logits", output(out, state.at("memory"), state.at("memory_allowed"))}};
  }
  Outputs start(const optbench::Batch& batch) override {
    const auto& source = batch.at("source");
    auto memory = std::get<0>(encoder->forward(embed(source)));  // [B, S, hidden]
    const auto b = source.size(0), hidden = memory.size(2);
    auto zeros = torch::zeros({b, layers_, hidden}, memory.options());
    return {{"memory", memory}, {"memory_allowed", source != pad_}, {"h", zeros}, {"c", zeros.clone()}};
  }
  torch::Tensor step(Outputs& state, const torch::Tensor& tokens) override {
    // The decoder's (h, c) are [layers, N, H]; the state keeps them batch-first for reordering.
    auto hc = std::make_tuple(state.at("h").transpose(0, 1).contiguous(), state.at("c").transpose(0, 1).contiguous());
    auto [out, next] = decoder->forward(embed(tokens.unsqueeze(1)), hc);
    state["h"] = std::get<0>(next).transpose(0, 1);
    state["c"] = std::get<1>(next).transpose(0, 1);
    return output(out, state.at("memory"), state.at("memory_allowed")).squeeze(1);
  }
  std::string description() const override { return description_; }
  std::vector<std::string> output_parameters() const override { return {"embedding.weight"}; }  // tied

  nn::Embedding embedding{nullptr};
  nn::LSTM encoder{nullptr}, decoder{nullptr};
  nn::Linear attention{nullptr}, combine{nullptr}, to_embedding{nullptr};

 private:
  torch::Tensor embed(const torch::Tensor& tokens) { return torch::dropout(embedding(tokens), dropout_, is_training()); }
  // out [B, T, H] attends over memory [B, S, H]; returns logits [B, T, V].
  torch::Tensor output(const torch::Tensor& out, const torch::Tensor& memory, const torch::Tensor& allowed) {
    auto scores = out.matmul(attention(memory).transpose(1, 2));  // [B, T, S]
    scores = scores.masked_fill(allowed.unsqueeze(1).logical_not(), lowest_value(scores));
    auto context = torch::softmax(scores, -1).matmul(memory);
    auto h = torch::tanh(combine(torch::cat({context, out}, -1)));
    return F::linear(to_embedding(torch::dropout(h, dropout_, is_training())), embedding->weight);
  }
  std::int64_t pad_, layers_ = 1;
  double dropout_ = 0;
  std::string description_;
};

using ModelBuilder = optbench::ComponentBuilder<optbench::ModelFactory>;

ModelBuilder transformer_params(ModelBuilder b, std::int64_t dim, std::int64_t layers, std::int64_t heads,
                                std::int64_t ffn, double dropout) {
  b.param("dim", dim, "embedding and hidden width", optbench::at_least_one)
      .param("layers", layers, "encoder layers (and as many decoder layers)", optbench::at_least_one)
      .param("heads", heads, "attention heads (must divide dim)", optbench::at_least_one)
      .param("ffn_dim", ffn, "feed-forward width", optbench::at_least_one)
      .param("dropout", dropout, "dropout on embeddings, attention weights and residual branches", optbench::unit_right_open);
  return b;
}

}  // namespace

void register_seq2seq_models(optbench::Registrar& r) {
  transformer_params(r.model("transformer_seq2seq", "Transformer encoder-decoder, fairseq's transformer_iwslt_de_en "
                                                    "sizes; Vaswani et al. 2017, arXiv:1706.03762"),
                     512, 6, 4, 1024, 0.3)
      .factory([](const optbench::Params& p, const optbench::DataSpec& s) {
        return std::make_shared<TransformerSeq2Seq>(p, s, "transformer_seq2seq", false);
      });
  transformer_params(r.model("tiny_transformer_seq2seq", "a tiny Transformer encoder-decoder for quick runs"), 128, 2,
                     4, 256, 0.1)
      .factory([](const optbench::Params& p, const optbench::DataSpec& s) {
        return std::make_shared<TransformerSeq2Seq>(p, s, "tiny_transformer_seq2seq", false);
      });
  transformer_params(r.model("bart_small", "a small BART-style denoising encoder-decoder; Lewis et al. 2020, "
                                           "arXiv:1910.13461"),
                     256, 3, 4, 1024, 0.1)
      .param("mask_prob", 0.1, "probability of replacing a source token by <unk> during training", optbench::unit_right_open)
      .factory([](const optbench::Params& p, const optbench::DataSpec& s) {
        return std::make_shared<TransformerSeq2Seq>(p, s, "bart_small", true);
      });
  r.model("lstm_seq2seq", "LSTM encoder-decoder with attention; Luong et al. 2015, arXiv:1508.04025")
      .param("embedding_dim", 256, "embedding width (shared by encoder, decoder and output)", optbench::at_least_one)
      .param("hidden_size", 512, "encoder (both directions together) and decoder width", optbench::at_least_one)
      .param("layers", 2, "LSTM layers", optbench::at_least_one)
      .param("dropout", 0.3, "dropout on embeddings, between layers and before the output", optbench::unit_right_open)
      .factory<LstmSeq2Seq>();
}
