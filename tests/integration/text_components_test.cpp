// The text plugins' components called directly through the registry: perplexity on a
// hand-computed case, and DistilBERT's safetensors loading on files written here in
// the real format (8-byte header length, JSON header, raw little-endian data). Also the
// SDK's greedy decoding and beam search on a model whose probabilities are known.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <optbench/generation.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "crf.h"
#include "safetensors_writer.h"
#include "in_tree_plugins.h"
#include "temp_dir_test.h"

namespace fs = std::filesystem;
using namespace optbench;
using namespace optbench::core;
using optbench::testing::message_of;
using optbench::testing::stored;
using optbench::testing::StoredTensor;
using optbench::testing::write_safetensors;

namespace {

const PluginRegistry& registry() { return optbench::testing::in_tree_plugins(); }
using optbench::testing::params_of;

TEST(TextGeneration, PerplexityIsExpOfTheMeanNllOverNonPadTargets) {
  DataSpec spec;
  spec.modality = "text";
  spec.vocabulary = {"<pad>", "a", "b"};
  spec.pad_id = 0;
  spec.input_shape = {2};
  spec.attributes["target"] = "next_token";
  const auto task = registry().make_task("text_generation", Params{}, spec);
  EXPECT_EQ(task->primary_metric(), "perplexity");
  EXPECT_FALSE(task->higher_is_better());

  // Blocks [a b a] and [b a <pad>]: targets [b a] and [a <pad>].
  Batch batch;
  batch.tensors["tokens"] = torch::tensor({1, 2, 1, 2, 1, 0}, torch::kInt64).view({2, 3});
  batch.size = 2;
  torch::Generator generator = at::detail::createCPUGenerator(0);
  task->prepare(batch, /*training=*/false, generator);
  ASSERT_TRUE(torch::equal(batch.at("target"), torch::tensor({2, 1, 1, 0}, torch::kInt64).view({2, 2})));
  ASSERT_TRUE(torch::equal(batch.at("tokens"), torch::tensor({1, 2, 2, 1}, torch::kInt64).view({2, 2})));

  // Probabilities of the targets: 3/5, 4/6 and 1/3; the padded position's logits must not count.
  const double l3 = std::log(3.0), l4 = std::log(4.0);
  auto logits = torch::tensor({0.0, 0.0, l3, 0.0, l4, 0.0, 0.0, 0.0, 0.0, 5.0, -1.0, 2.0}, torch::kFloat32)
                    .view({2, 2, 3});
  const double mean_nll = -(std::log(3.0 / 5) + std::log(4.0 / 6) + std::log(1.0 / 3)) / 3;
  TrainingPolicy policy = task->default_policy();
  EXPECT_NEAR(task->loss({{"logits", logits}}, batch, policy).item<double>(), mean_nll, 1e-6);

  // Accumulated over two batches of one row each.
  auto metrics = task->metrics();
  for (std::int64_t row = 0; row < 2; ++row) {
    Batch part;
    part.tensors["target"] = batch.at("target").narrow(0, row, 1);
    part.size = 1;
    metrics->update({{"logits", logits.narrow(0, row, 1)}}, part);
  }
  const auto m = metrics->compute();
  EXPECT_NEAR(m.at("token_nll"), mean_nll, 1e-7);
  EXPECT_NEAR(m.at("perplexity"), std::cbrt(5.0 / 3 * 6.0 / 4 * 3.0), 1e-6);  // = 7.5^(1/3)
  EXPECT_NEAR(m.at("accuracy"), 2.0 / 3, 1e-12) << "argmax hits b and a, misses the uniform row";
}

// ---- Decoding ----

// A Markov chain over {pad 0, bos 1, eos 2, a 3, b 4}: the next token's probabilities
// depend on the previous token and, for source 1, the chain ends at once.
class MarkovModel final : public Seq2SeqModel {
 public:
  Outputs forward(const Batch&) override { return {}; }
  std::string description() const override { return "Markov chain"; }
  Outputs start(const Batch& batch) override { return {{"source", batch.at("source").clone()}}; }
  torch::Tensor step(Outputs& state, const torch::Tensor& tokens) override {
    const auto source = state.at("source");
    auto logits = torch::full({tokens.size(0), 5}, -1e9, torch::kFloat64);
    for (std::int64_t i = 0; i < tokens.size(0); ++i) {
      std::vector<double> p;  // P(eos), P(a), P(b)
      switch (tokens[i].item<std::int64_t>()) {
        case 1: p = source[i].item<std::int64_t>() == 1 ? std::vector<double>{0.9, 0.05, 0.05}
                                                         : std::vector<double>{0.1, 0.5, 0.4}; break;
        case 3: p = {0.25, 0.45, 0.3}; break;
        default: p = {0.9, 0.05, 0.05};
      }
      for (int j = 0; j < 3; ++j) logits[i][2 + j] = std::log(p[static_cast<std::size_t>(j)]);
    }
    return logits;
  }
};

std::vector<std::vector<std::int64_t>> rows_of(const torch::Tensor& t) {
  std::vector<std::vector<std::int64_t>> rows;
  for (std::int64_t i = 0; i < t.size(0); ++i) {
    rows.emplace_back();
    for (std::int64_t j = 0; j < t.size(1); ++j) rows.back().push_back(t[i][j].item<std::int64_t>());
  }
  return rows;
}

TEST(Generation, GreedyFollowsTheMostLikelyTokenAndBeamSearchFindsTheLikeliestSequence) {
  MarkovModel model;
  Batch batch;
  batch.tensors["source"] = torch::tensor({0, 1}, torch::kInt64);
  batch.size = 2;
  GenerationOptions options;
  options.max_length = 5;
  options.length_penalty = 0;  // plain log probabilities
  // Greedy: a (0.5), then a (0.45) every time; <eos> (0.25) never wins, so it stops at max_length.
  // Source 1 ends at once.
  EXPECT_EQ(rows_of(generate(model, batch, options)),
            (std::vector<std::vector<std::int64_t>>{{3, 3, 3, 3, 3}, {0, 0, 0, 0, 0}}));
  // Beam 2, by hand: step 1 keeps a (.5), b (.4) and ends [] (.1); step 2 ends [b] (.4 x .9 = .36) and
  // keeps aa (.225), ab (.15); step 3 ends [a b] (.135) and the best live beam, aaa (.10125), can no
  // longer beat the worse of the two best ended ones (.135): the answer is [b].
  options.beam_size = 2;
  EXPECT_EQ(rows_of(generate(model, batch, options)), (std::vector<std::vector<std::int64_t>>{{4}, {0}}));
}

TEST(Generation, LengthPenaltyDividesByTheLengthWithEos) {
  MarkovModel model;
  Batch batch;
  batch.tensors["source"] = torch::tensor({0}, torch::kInt64);
  batch.size = 1;
  GenerationOptions options;
  options.max_length = 2;
  options.beam_size = 3;
  // Ended: [] log .1 / 1, [b] log .36 / 2, [a] log .125 / 2; cut at max_length: aa log .225 / 2 and
  // ab log .15 / 2. With penalty 1 the best is [b] (-0.51, then aa -0.75); with penalty -2, which
  // multiplies by length^2 and so favours short ones, it is [] (-2.30, then [b] -1.02 x 4 = -4.09).
  options.length_penalty = 1;
  EXPECT_EQ(rows_of(generate(model, batch, options)), (std::vector<std::vector<std::int64_t>>{{4}}));
  options.length_penalty = -2;
  EXPECT_EQ(rows_of(generate(model, batch, options)), (std::vector<std::vector<std::int64_t>>{{0}}));
}

// ---- CRF ----

// Every tag sequence of `length` tags over `k` tags, and its score under the CRF.
double brute_force_score(optbench::text_models::Crf& crf, const torch::Tensor& emissions, const std::vector<std::int64_t>& y) {
  double s = crf->start[y[0]].item<double>() + emissions[0][y[0]].item<double>();
  for (std::size_t t = 1; t < y.size(); ++t)
    s += crf->transitions[y[t - 1]][y[t]].item<double>() + emissions[static_cast<std::int64_t>(t)][y[t]].item<double>();
  return s + crf->end[y.back()].item<double>();
}

std::vector<std::vector<std::int64_t>> all_sequences(std::int64_t k, std::int64_t length) {
  std::vector<std::vector<std::int64_t>> out = {{}};
  for (std::int64_t t = 0; t < length; ++t) {
    std::vector<std::vector<std::int64_t>> next;
    for (const auto& prefix : out)
      for (std::int64_t tag = 0; tag < k; ++tag) {
        next.push_back(prefix);
        next.back().push_back(tag);
      }
    out = std::move(next);
  }
  return out;
}

TEST(Crf, ForwardAlgorithmAndViterbiEqualBruteForceEnumeration) {
  torch::manual_seed(3);
  const std::int64_t k = 3, steps = 4;
  optbench::text_models::Crf crf(k);
  crf->to(torch::kFloat64);
  {
    torch::NoGradGuard no_grad;
    for (auto& p : crf->parameters()) p.normal_();
  }
  const auto emissions = torch::randn({2, steps, k}, torch::kFloat64);
  const std::vector<std::int64_t> lengths = {4, 2};
  auto mask = torch::zeros({2, steps}, torch::kBool);
  for (std::int64_t b = 0; b < 2; ++b) mask[b].narrow(0, 0, lengths[static_cast<std::size_t>(b)]).fill_(true);
  const auto log_z = crf->log_partition(emissions, mask);
  const auto best = crf->decode(emissions, mask);
  const auto gold = torch::tensor({2, 0, 1, 1, 1, 2, -1, -1}, torch::kInt64).view({2, steps});
  const auto gold_score = crf->score(emissions, gold, mask);
  for (std::int64_t b = 0; b < 2; ++b) {
    const auto length = lengths[static_cast<std::size_t>(b)];
    double sum = 0, top = -1e300;
    std::vector<std::int64_t> argmax;
    for (const auto& y : all_sequences(k, length)) {
      const double s = brute_force_score(crf, emissions[b], y);
      sum += std::exp(s);
      if (s > top) top = s, argmax = y;
    }
    EXPECT_NEAR(log_z[b].item<double>(), std::log(sum), 1e-12) << "row " << b;
    std::vector<std::int64_t> decoded;
    for (std::int64_t t = 0; t < steps; ++t) decoded.push_back(best[b][t].item<std::int64_t>());
    argmax.resize(static_cast<std::size_t>(steps), -1);
    EXPECT_EQ(decoded, argmax) << "row " << b;
    std::vector<std::int64_t> y;
    for (std::int64_t t = 0; t < length; ++t) y.push_back(gold[b][t].item<std::int64_t>());
    EXPECT_NEAR(gold_score[b].item<double>(), brute_force_score(crf, emissions[b], y), 1e-12);
  }
  EXPECT_NEAR(crf->nll(emissions, gold, mask).item<double>(), (log_z - gold_score).mean().item<double>(), 1e-12);
}

// ---- DistilBERT checkpoints ----

DataSpec sentiment_spec() {
  DataSpec spec;
  spec.modality = "text";
  spec.num_classes = 2;
  for (int i = 0; i < 12; ++i) spec.vocabulary.push_back("t" + std::to_string(i));
  spec.pad_id = 0;
  spec.input_shape = {10};
  spec.attributes["target"] = "label";
  return spec;
}

const char* kTiny = "dim = 8\nlayers = 1\nheads = 2\nhidden_dim = 16\nmax_position_embeddings = 16\n";

std::shared_ptr<Model> distilbert(const std::string& pretrained) {
  return registry().make_model(
      "distilbert_sentiment",
      params_of(Kind::kModel, "distilbert_sentiment", std::string(kTiny) + "pretrained = \"" + pretrained + "\"\n"),
      sentiment_spec());
}

// A checkpoint as Hugging Face saves DistilBertForSequenceClassification: the backbone under
// "distilbert.", the head at the top level; values k/64 for the k-th element, exact in F16 too.
std::map<std::string, StoredTensor> checkpoint_for(Model& model, const std::string& dtype = "F32") {
  std::map<std::string, StoredTensor> out;
  std::int64_t k = 0;
  for (const auto& p : model.named_parameters()) {
    const bool head = p.key().rfind("classifier.", 0) == 0 || p.key().rfind("pre_classifier.", 0) == 0;
    auto values = (torch::arange(p.value().numel(), torch::kFloat32) + k).remainder(97).div(64).view(p.value().sizes());
    k += p.value().numel();
    out[(head ? "" : "distilbert.") + p.key()] = stored(values, dtype);
  }
  out["vocab_projector.bias"] = stored(torch::zeros({12}));  // an MLM head the classifier ignores
  return out;
}

class DistilBertCheckpoint : public optbench::testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    scratch_ = distilbert("");
  }
  std::shared_ptr<Model> scratch_;
};

TEST_F(DistilBertCheckpoint, LoadsEveryTensorByItsHuggingFaceName) {
  for (const std::string dtype : {"F32", "F16"}) {
    const auto tensors = checkpoint_for(*scratch_, dtype);
    write_safetensors(dir_ / "model.safetensors", tensors);
    const auto model = distilbert(dir_.string());
    std::int64_t compared = 0;
    for (const auto& p : model->named_parameters()) {
      auto it = tensors.find("distilbert." + p.key());
      if (it == tensors.end()) it = tensors.find(p.key());
      ASSERT_NE(it, tensors.end()) << p.key();
      const auto expected = checkpoint_for(*scratch_, "F32").at(it->first);
      const auto want = torch::from_blob(const_cast<char*>(expected.bytes.data()), expected.shape, torch::kFloat32);
      EXPECT_TRUE(torch::equal(p.value(), want)) << dtype << " " << p.key();
      ++compared;
    }
    EXPECT_EQ(compared, static_cast<std::int64_t>(tensors.size()) - 1);
    EXPECT_NE(model->description().find("loaded " + std::to_string(compared) + " tensors"), std::string::npos)
        << model->description();
  }
}

TEST_F(DistilBertCheckpoint, ABaseCheckpointWithoutHeadGetsAFreshHead) {
  auto tensors = checkpoint_for(*scratch_);
  for (const char* head : {"classifier.weight", "classifier.bias", "pre_classifier.weight", "pre_classifier.bias"})
    tensors.erase(head);
  write_safetensors(dir_ / "model.safetensors", tensors);
  EXPECT_NE(distilbert(dir_.string())->description().find("classification head newly initialised"), std::string::npos);
}

TEST_F(DistilBertCheckpoint, MismatchesAreReportedByTensorName) {
  const fs::path file = dir_ / "model.safetensors";
  auto tensors = checkpoint_for(*scratch_);
  tensors["distilbert.embeddings.word_embeddings.weight"] = stored(torch::zeros({5, 8}));
  write_safetensors(file, tensors);
  EXPECT_EQ(message_of([&] { distilbert(file.string()); }),
            "model 'distilbert_sentiment' (plugin text_models, " + registry().find(Kind::kModel, "distilbert_sentiment")->path +
                ") refused: " + file.string() +
                ": tensor 'distilbert.embeddings.word_embeddings.weight' has shape [5, 8] but the model expects [12, 8] "
                "(the first dimension is the vocabulary: use tokenizer = \"wordpiece\" with the checkpoint's vocab.txt)");

  tensors = checkpoint_for(*scratch_);
  tensors["distilbert.transformer.layer.0.attention.q_lin.weight"] = stored(torch::ones({8, 8}), "I32");
  write_safetensors(file, tensors);
  EXPECT_NE(message_of([&] { distilbert(file.string()); })
                .find("tensor 'distilbert.transformer.layer.0.attention.q_lin.weight' has dtype I32; expected a "
                      "floating-point dtype (F32, F16, BF16 or F64)"),
            std::string::npos);

  tensors = checkpoint_for(*scratch_);
  tensors.erase("distilbert.transformer.layer.0.ffn.lin2.bias");
  write_safetensors(file, tensors);
  EXPECT_NE(message_of([&] { distilbert(file.string()); })
                .find("no tensor for transformer.layer.0.ffn.lin2.bias (looked for 'distilbert.<name>' and '<name>')"),
            std::string::npos);
}

TEST_F(DistilBertCheckpoint, DamagedFilesAndConfigsAreRefusedClearly) {
  const fs::path file = dir_ / "model.safetensors";
  write_safetensors(file, checkpoint_for(*scratch_));
  fs::resize_file(file, fs::file_size(file) - 4);
  EXPECT_NE(message_of([&] { distilbert(dir_.string()); }).find("lie outside the data section"), std::string::npos);

  std::ofstream(file, std::ios::binary) << std::string("\xff\xff\xff\x00\x00\x00\x00\x00{}", 10);
  EXPECT_NE(message_of([&] { distilbert(dir_.string()); }).find("not a safetensors file: header length 16777215 exceeds"),
            std::string::npos);

  write_safetensors(file, checkpoint_for(*scratch_));
  std::ofstream(dir_ / "config.json") << R"({"dim": 8, "n_layers": 1, "n_heads": 12, "hidden_dim": 16})";
  EXPECT_NE(message_of([&] { distilbert(dir_.string()); })
                .find("config.json: n_heads = 12 but the model is built with 2"),
            std::string::npos);

  std::ofstream(dir_ / "config.json") << R"({"dim": 8, "n_layers": 1, "n_heads": 2, "hidden_dim": 16, "vocab_size": 12})";
  EXPECT_EQ(message_of([&] { distilbert(dir_.string()); }), "(no error)") << "a matching config.json is accepted";
  fs::remove(file);
  EXPECT_NE(message_of([&] { distilbert(dir_.string()); }).find("model.safetensors does not exist"), std::string::npos);
}

}  // namespace
