// Transformer text models: DistilBERT (Sanh et al. 2019, arXiv:1910.01108) for
// sentence classification, with parameter names as Hugging Face's
// DistilBertForSequenceClassification so that its safetensors checkpoints load
// directly; and a small GPT (Radford et al. 2019): pre-LayerNorm decoder blocks,
// causal self-attention, learned positions and tied input/output embeddings.
#include <optbench/sdk.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "safetensors_file.h"
#include "text_spec.h"
#include "transformer_blocks.h"

namespace nn = torch::nn;
namespace F = torch::nn::functional;
namespace fs = std::filesystem;
using optbench::format_number;
using optbench::text_models::require_text;
using optbench::text_models::SafetensorsFile;
using optbench::text_models::shape_text;
using optbench::text_models::vocab_size;
using optbench::text_models::Attention;
using optbench::text_models::causal_mask;
using optbench::text_models::check_heads;
using optbench::text_models::FeedForward;
using optbench::text_models::init_normal;

namespace {

// ---- DistilBERT ----

class DistilEmbeddingsImpl : public nn::Module {
 public:
  DistilEmbeddingsImpl(std::int64_t vocab, std::int64_t positions, std::int64_t dim, double dropout)
      : dropout_(dropout) {
    word_embeddings = register_module("word_embeddings", nn::Embedding(vocab, dim));
    position_embeddings = register_module("position_embeddings", nn::Embedding(positions, dim));
    LayerNorm = register_module("LayerNorm", nn::LayerNorm(nn::LayerNormOptions({dim}).eps(1e-12)));
  }
  torch::Tensor forward(const torch::Tensor& tokens) {
    auto positions = torch::arange(tokens.size(1), tokens.options());
    auto x = LayerNorm(word_embeddings(tokens) + position_embeddings(positions).unsqueeze(0));
    return torch::dropout(x, dropout_, is_training());
  }
  nn::Embedding word_embeddings{nullptr}, position_embeddings{nullptr};
  nn::LayerNorm LayerNorm{nullptr};

 private:
  double dropout_;
};
TORCH_MODULE(DistilEmbeddings);

// Post-LayerNorm block: x = LN(x + attention(x)); x = LN(x + dropout(ffn(x))).
class DistilLayerImpl : public nn::Module {
 public:
  DistilLayerImpl(std::int64_t dim, std::int64_t heads, std::int64_t hidden, double dropout, double attention_dropout)
      : dropout_(dropout) {
    attention = register_module("attention", Attention(dim, heads, attention_dropout));
    sa_layer_norm = register_module("sa_layer_norm", nn::LayerNorm(nn::LayerNormOptions({dim}).eps(1e-12)));
    ffn = register_module("ffn", FeedForward(dim, hidden, "gelu"));
    output_layer_norm = register_module("output_layer_norm", nn::LayerNorm(nn::LayerNormOptions({dim}).eps(1e-12)));
  }
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& allowed) {
    auto h = sa_layer_norm(attention(x, x, allowed) + x);
    return output_layer_norm(torch::dropout(ffn(h), dropout_, is_training()) + h);
  }
  Attention attention{nullptr};
  nn::LayerNorm sa_layer_norm{nullptr}, output_layer_norm{nullptr};
  FeedForward ffn{nullptr};

 private:
  double dropout_;
};
TORCH_MODULE(DistilLayer);

class DistilTransformerImpl : public nn::Module {
 public:
  DistilTransformerImpl() { layer = register_module("layer", nn::ModuleList()); }
  nn::ModuleList layer;
};
TORCH_MODULE(DistilTransformer);

// Copies a checkpoint's tensors into the model's parameters, checking names, shapes
// and dtypes; returns a sentence for the description.
std::string load_distilbert_checkpoint(nn::Module& model, const fs::path& file) {
  const SafetensorsFile st(file.string());
  static const std::map<std::string, torch::Dtype> float_types = {
      {"F64", torch::kFloat64}, {"F32", torch::kFloat32}, {"F16", torch::kFloat16}, {"BF16", torch::kBFloat16}};
  std::vector<std::string> missing, fresh;
  std::int64_t loaded = 0;
  torch::NoGradGuard no_grad;
  for (auto& item : model.named_parameters()) {
    const std::string& name = item.key();
    auto it = st.entries().find("distilbert." + name);
    if (it == st.entries().end()) it = st.entries().find(name);
    const bool head = name.rfind("pre_classifier.", 0) == 0 || name.rfind("classifier.", 0) == 0;
    if (it == st.entries().end()) {
      (head ? fresh : missing).push_back(name);
      continue;
    }
    const auto& [key, entry] = *it;
    const auto dtype = float_types.find(entry.dtype);
    if (dtype == float_types.end())
      throw std::runtime_error(st.path() + ": tensor '" + key + "' has dtype " + entry.dtype +
                               "; expected a floating-point dtype (F32, F16, BF16 or F64)");
    const auto expected = item.value().sizes().vec();
    if (entry.shape != expected) {
      std::string hint;
      if (name == "embeddings.word_embeddings.weight")
        hint = " (the first dimension is the vocabulary: use tokenizer = \"wordpiece\" with the checkpoint's vocab.txt)";
      if (head) hint = " (a head trained for another number of classes)";
      throw std::runtime_error(st.path() + ": tensor '" + key + "' has shape " + shape_text(entry.shape) +
                               " but the model expects " + shape_text(expected) + hint);
    }
    auto buffer = torch::empty(entry.shape, dtype->second);  // aligned copy of possibly unaligned bytes
    std::memcpy(buffer.data_ptr(), st.data(entry), entry.end - entry.begin);
    item.value().copy_(buffer);
    ++loaded;
  }
  if (!missing.empty()) {
    std::string list;
    for (std::size_t i = 0; i < missing.size() && i < 5; ++i) list += (i ? ", " : "") + missing[i];
    if (missing.size() > 5) list += " and " + std::to_string(missing.size() - 5) + " more";
    throw std::runtime_error(st.path() + ": no tensor for " + list +
                             " (looked for 'distilbert.<name>' and '<name>'); is this a DistilBERT checkpoint?");
  }
  return "loaded " + std::to_string(loaded) + " tensors from " + st.path() +
         (fresh.empty() ? std::string() : "; classification head newly initialised");
}

// config.json of a Hugging Face checkpoint must describe the architecture asked for.
void check_config(const fs::path& dir, const std::map<std::string, std::int64_t>& expected) {
  const fs::path path = dir / "config.json";
  std::ifstream in(path);
  if (!in) return;  // optional: the tensor shapes are checked anyway
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path.string() + ": not valid JSON: " + e.what());
  }
  for (const auto& [key, value] : expected) {
    if (!config.contains(key) || !config[key].is_number_integer()) continue;
    if (config[key].get<std::int64_t>() != value)
      throw std::runtime_error(path.string() + ": " + key + " = " + config[key].dump() + " but the model is built with " +
                               std::to_string(value) + "; set the [model] parameter to match the checkpoint");
  }
}

class DistilBertSentiment final : public optbench::Model {
 public:
  DistilBertSentiment(const optbench::Params& p, const optbench::DataSpec& spec) {
    require_text(spec, "label", "distilbert_sentiment");
    const auto dim = p.get<std::int64_t>("dim"), layers = p.get<std::int64_t>("layers"),
               heads = p.get<std::int64_t>("heads"), hidden = p.get<std::int64_t>("hidden_dim"),
               positions = p.get<std::int64_t>("max_position_embeddings");
    check_heads(dim, heads, "distilbert_sentiment");
    if (spec.input_shape[0] > positions)
      throw std::invalid_argument("distilbert_sentiment: sequences of " + std::to_string(spec.input_shape[0]) +
                                  " tokens exceed max_position_embeddings = " + std::to_string(positions));
    pad_ = spec.pad_id;
    classifier_dropout_ = p.get<double>("seq_classif_dropout");
    const double dropout = p.get<double>("dropout");
    embeddings = register_module("embeddings", DistilEmbeddings(vocab_size(spec), positions, dim, dropout));
    transformer = register_module("transformer", DistilTransformer());
    for (std::int64_t i = 0; i < layers; ++i)
      transformer->layer->push_back(DistilLayer(dim, heads, hidden, dropout, p.get<double>("attention_dropout")));
    pre_classifier = register_module("pre_classifier", nn::Linear(dim, dim));
    classifier = register_module("classifier", nn::Linear(dim, spec.num_classes));
    init_normal(*this, 0.02);
    description_ = "distilbert_sentiment: " + std::to_string(layers) + " layers, " + std::to_string(heads) +
                   " heads, dim " + std::to_string(dim) + ", feed-forward " + std::to_string(hidden) + ", vocabulary " +
                   std::to_string(vocab_size(spec)) + "; [CLS] state -> linear -> ReLU -> dropout(" +
                   format_number(classifier_dropout_) + ") -> linear(" + std::to_string(spec.num_classes) + "); ";
    const std::string pretrained = p.get<std::string>("pretrained");
    if (pretrained.empty()) {
      description_ += "trained from scratch";
      return;
    }
    fs::path file = pretrained;
    if (fs::is_directory(file)) {
      check_config(file, {{"dim", dim}, {"n_layers", layers}, {"n_heads", heads}, {"hidden_dim", hidden},
                          {"max_position_embeddings", positions}, {"vocab_size", vocab_size(spec)}});
      file /= "model.safetensors";
    }
    if (!fs::is_regular_file(file))
      throw std::runtime_error("distilbert_sentiment: " + file.string() +
                               " does not exist (pretrained must be a Hugging Face checkpoint directory holding "
                               "model.safetensors, or that file; pytorch_model.bin is not read)");
    description_ += load_distilbert_checkpoint(*this, file);
  }

  optbench::Outputs forward(const optbench::Batch& batch) override {
    const auto& tokens = batch.at("tokens");
    const auto allowed = (tokens != pad_).view({tokens.size(0), 1, 1, tokens.size(1)});
    auto x = embeddings(tokens);
    for (const auto& layer : *transformer->layer) x = layer->as<DistilLayer>()->forward(x, allowed);
    auto cls = torch::relu(pre_classifier(x.select(1, 0)));
    return {{"logits", classifier(torch::dropout(cls, classifier_dropout_, is_training()))}};
  }
  std::string description() const override { return description_; }

  DistilEmbeddings embeddings{nullptr};
  DistilTransformer transformer{nullptr};
  nn::Linear pre_classifier{nullptr}, classifier{nullptr};

 private:
  std::int64_t pad_ = 0;
  double classifier_dropout_ = 0;
  std::string description_;
};

// ---- GPT ----

// Pre-LayerNorm block: x += dropout(attention(LN(x))); x += dropout(mlp(LN(x))).
class GptBlockImpl : public nn::Module {
 public:
  GptBlockImpl(std::int64_t dim, std::int64_t heads, double dropout) : dropout_(dropout) {
    ln_1 = register_module("ln_1", nn::LayerNorm(nn::LayerNormOptions({dim})));
    attention = register_module("attention", Attention(dim, heads, dropout));
    ln_2 = register_module("ln_2", nn::LayerNorm(nn::LayerNormOptions({dim})));
    mlp = register_module("mlp", FeedForward(dim, 4 * dim, "gelu_tanh"));
  }
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& causal) {
    const auto normed = ln_1(x);
    auto h = x + torch::dropout(attention(normed, normed, causal), dropout_, is_training());
    return h + torch::dropout(mlp(ln_2(h)), dropout_, is_training());
  }
  nn::LayerNorm ln_1{nullptr}, ln_2{nullptr};
  Attention attention{nullptr};
  FeedForward mlp{nullptr};

 private:
  double dropout_;
};
TORCH_MODULE(GptBlock);

class GptSmall final : public optbench::Model {
 public:
  GptSmall(const optbench::Params& p, const optbench::DataSpec& spec) {
    require_text(spec, "next_token", "gpt_small");
    const auto dim = p.get<std::int64_t>("dim"), layers = p.get<std::int64_t>("layers"),
               heads = p.get<std::int64_t>("heads");
    check_heads(dim, heads, "gpt_small");
    dropout_ = p.get<double>("dropout");
    const auto context = spec.input_shape[0];
    wte = register_module("wte", nn::Embedding(vocab_size(spec), dim));
    wpe = register_module("wpe", nn::Embedding(context, dim));
    for (std::int64_t i = 0; i < layers; ++i) blocks->push_back(GptBlock(dim, heads, dropout_));
    register_module("h", blocks);
    ln_f = register_module("ln_f", nn::LayerNorm(nn::LayerNormOptions({dim})));
    init_normal(*this, 0.02);
    // GPT-2: residual output projections scaled by 1/sqrt(2 x layers).
    torch::NoGradGuard no_grad;
    for (const auto& block : *blocks) {
      auto* b = block->as<GptBlock>();
      b->attention->out_lin->weight.normal_(0.0, 0.02 / std::sqrt(2.0 * layers));
      b->mlp->lin2->weight.normal_(0.0, 0.02 / std::sqrt(2.0 * layers));
    }
    description_ = "gpt_small: " + std::to_string(layers) + " pre-LayerNorm decoder blocks, " + std::to_string(heads) +
                   " heads, dim " + std::to_string(dim) + ", context " + std::to_string(context) + ", vocabulary " +
                   std::to_string(vocab_size(spec)) + ", dropout " + format_number(dropout_) +
                   "; output layer tied to the token embedding";
  }

  optbench::Outputs forward(const optbench::Batch& batch) override {
    const auto& tokens = batch.at("tokens");
    const auto t = tokens.size(1);
    const auto causal = causal_mask(t, tokens.device());
    auto x = wte(tokens) + wpe(torch::arange(t, tokens.options())).unsqueeze(0);
    x = torch::dropout(x, dropout_, is_training());
    for (const auto& block : *blocks) x = block->as<GptBlock>()->forward(x, causal);
    return {{"logits", F::linear(ln_f(x), wte->weight)}};
  }
  std::string description() const override { return description_; }
  std::vector<std::string> output_parameters() const override { return {"wte.weight"}; }  // tied

  nn::Embedding wte{nullptr}, wpe{nullptr};
  nn::ModuleList blocks;
  nn::LayerNorm ln_f{nullptr};

 private:
  double dropout_ = 0;
  std::string description_;
};

}  // namespace

void register_recurrent_models(optbench::Registrar& r);
void register_seq2seq_models(optbench::Registrar& r);
void register_ner_models(optbench::Registrar& r);
void register_qa_models(optbench::Registrar& r);

OPTBENCH_PLUGIN("text_models", "1.0.0", [](optbench::Registrar& r) {
  register_recurrent_models(r);
  register_seq2seq_models(r);
  register_ner_models(r);
  register_qa_models(r);
  r.model("distilbert_sentiment", "DistilBERT sentence classifier; Sanh et al. 2019, arXiv:1910.01108")
      .param("dim", 768, "hidden width", optbench::at_least_one)
      .param("layers", 6, "transformer layers", optbench::at_least_one)
      .param("heads", 12, "attention heads (must divide dim)", optbench::at_least_one)
      .param("hidden_dim", 3072, "feed-forward width", optbench::at_least_one)
      .param("max_position_embeddings", 512, "learned positions (longest sequence)", optbench::at_least_one)
      .param("dropout", 0.1, "dropout on embeddings and feed-forward outputs", optbench::unit_right_open)
      .param("attention_dropout", 0.1, "dropout on attention weights", optbench::unit_right_open)
      .param("seq_classif_dropout", 0.2, "dropout before the classifier", optbench::unit_right_open)
      .param("pretrained", std::string(),
             "Hugging Face checkpoint directory with model.safetensors (and config.json), or the file; empty: from scratch")
      .factory<DistilBertSentiment>();
  r.model("gpt_small", "small GPT language model: causal pre-LN transformer, tied embeddings; Radford et al. 2019")
      .param("dim", 256, "hidden width", optbench::at_least_one)
      .param("layers", 4, "decoder blocks", optbench::at_least_one)
      .param("heads", 4, "attention heads (must divide dim)", optbench::at_least_one)
      .param("dropout", 0.1, "dropout on embeddings, attention weights and residual branches", optbench::unit_right_open)
      .factory<GptSmall>();
})
