// [training] precision, channels_last and deterministic in host runs on CPU: bf16 autocast trains
// a CNN, a causal language model and a padded-text classifier (masks and losses right in bf16),
// channels_last trains the same model to the same numbers up to rounding, and every choice is
// recorded in config.toml (only when not the default), summary.json and details.txt.
#include "fixtures.h"
#include "text_fixtures.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace optbench::testing;

namespace {

// The IDX fixture experiment with `training` added to [training], in dir_/name.
json idx_run(const fs::path& dir, const std::string& name, const std::string& training) {
  fs::create_directories(dir / name);
  write_idx_dataset(dir / name / "data", 300, 100);
  return run_single(dir / name, idx_experiment(dir / name / "data", dir / name / "out", "[\"adam\"]", training),
                    "fixture");
}

std::string config_of(const json& s) { return read_file(fs::path(s["run_dir"].get<std::string>()) / "config.toml"); }

std::string text_experiment(const fs::path& out, const std::string& task, const std::string& dataset,
                            const std::string& model, const std::string& optimizer, double lr) {
  return "name = \"text\"\noutput_dir = \"" + out.string() + "\"\noptimizers = [\"" + optimizer + "\"]\n" +
         "[task]\nname = \"" + task + "\"\n[dataset]\n" + dataset + "\n[model]\n" + model + "\n" +
         "[training]\nepochs = 4\nbatch_size = 16\nseeds = [1]\nthreads = 1\nearly_stopping_patience = 0\n"
         "precision = \"bf16\"\n[lr_overrides]\n" + optimizer + " = " + std::to_string(lr) + "\n";
}

}  // namespace

TEST_F(HostTest, Bf16AutocastTrainsTheCnnAndIsRecorded) {
  const json fp32 = idx_run(dir_, "fp32", "");
  const json bf16 = idx_run(dir_, "bf16", "precision = \"bf16\"\n");
  expect_trained(fp32);
  expect_trained(bf16);
  const double a = fp32["final_train_loss"], b = bf16["final_train_loss"];
  EXPECT_NE(a, b) << "autocast changes the numbers";
  EXPECT_NEAR(a, b, 0.05 * a) << "... but not the training";
  EXPECT_EQ(fp32["precision"], "fp32");
  EXPECT_EQ(bf16["precision"], "bf16");
  EXPECT_TRUE(contains(bf16["details"], "precision bf16 (autocast to bfloat16 on cpu)")) << bf16["details"];
  EXPECT_TRUE(contains(fp32["details"], "precision fp32 (TF32 off)")) << fp32["details"];
  EXPECT_TRUE(contains(config_of(bf16), "precision = \"bf16\"")) << config_of(bf16);
  EXPECT_FALSE(contains(config_of(fp32), "precision")) << "defaults stay out: older runs keep their directories";
}

TEST_F(HostTest, Bf16AutocastKeepsTheLanguageModelsMaskAndLoss) {
  write_wikitext2_dataset(dir_ / "data", 60);
  const json s = run_single(dir_, text_experiment(dir_ / "out", "text_generation",
                                                  "name = \"wikitext2\"\nroot = \"" + (dir_ / "data").string() +
                                                      "\"\nblock_size = 16",
                                                  "name = \"gpt_small\"\ndim = 32\nlayers = 1\nheads = 2", "adam", 0.003),
                            "text");
  expect_trained(s);
  const double perplexity = s["test"]["perplexity"];
  EXPECT_NEAR(perplexity, std::exp(s["test"]["token_nll"].get<double>()), 1e-9 * perplexity);
  EXPECT_LT(perplexity, 20) << "a causal mask that leaked the next token would give ~1; a broken one, the vocabulary size";
  EXPECT_GT(perplexity, 1.5);
}

TEST_F(HostTest, Bf16AutocastKeepsPaddingMasks) {
  write_sst2_dataset(dir_ / "data", 400, 80);
  write_bert_vocab(dir_ / "vocab.txt");
  const json s = run_single(
      dir_, text_experiment(dir_ / "out", "sentiment_analysis",
                            "name = \"sst2\"\nroot = \"" + (dir_ / "data").string() +
                                "\"\ntokenizer = \"wordpiece\"\nvocab_file = \"" + (dir_ / "vocab.txt").string() + "\"",
                            "name = \"distilbert_sentiment\"\ndim = 32\nlayers = 1\nheads = 2\nhidden_dim = 64",
                            "adamw", 0.001),
      "text");
  expect_trained(s);
  EXPECT_GT(s["test"]["accuracy"].get<double>(), 0.9) << "two sentiment words decide every label";
}

TEST_F(HostTest, ChannelsLastTrainsToTheSameNumbers) {
  const json plain = idx_run(dir_, "nchw", "");
  const json nhwc = idx_run(dir_, "nhwc", "channels_last = true\n");
  expect_trained(nhwc);
  const double a = plain["final_train_loss"], b = nhwc["final_train_loss"];
  EXPECT_NEAR(a, b, 1e-4 * a) << "the same sums in another order";
  EXPECT_NEAR(plain["test"]["accuracy"].get<double>(), nhwc["test"]["accuracy"].get<double>(), 0.02);
  EXPECT_EQ(nhwc["channels_last"], true);
  EXPECT_TRUE(contains(nhwc["details"], "channels_last on")) << nhwc["details"];
  EXPECT_TRUE(contains(config_of(nhwc), "channels_last = true"));
}

TEST_F(HostTest, ChannelsLastIsRefusedForAModelWithoutConvolutions) {
  write_sst2_dataset(dir_ / "data", 40, 10);
  write_file(dir_ / "exp.toml", "name = \"text\"\noptimizers = [\"adam\"]\n[task]\nname = \"sentiment_analysis\"\n"
                                "[dataset]\nname = \"sst2\"\nroot = \"" + (dir_ / "data").string() + "\"\n"
                                "[model]\nname = \"lstm_sentiment\"\n[training]\nchannels_last = true\n");
  const auto r = run_host("validate '" + (dir_ / "exp.toml").string() + "'");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.output, "exp.toml: [training] channels_last = true is for convolutional models, and model "
                                 "lstm_sentiment has no 4-D (convolution) weight; remove the key"))
      << r.output;
}

TEST_F(HostTest, DeterministicRunsAreIdenticalAndSaySo) {
  const json a = idx_run(dir_, "a", "deterministic = true\n");
  const json b = idx_run(dir_, "b", "deterministic = true\n");
  expect_trained(a);
  EXPECT_EQ(a["final_train_loss"], b["final_train_loss"]);
  EXPECT_EQ(a["test"], b["test"]);
  EXPECT_EQ(a["deterministic"], true);
  EXPECT_TRUE(contains(a["details"], "deterministic on (deterministic algorithms and cuDNN, "
                                     "CUBLAS_WORKSPACE_CONFIG=:4096:8)")) << a["details"];
  EXPECT_FALSE(a.contains("peak_gpu_allocated_mb")) << "a CPU run has no GPU memory";
}

TEST_F(HostTest, ReportShowsGpuMemoryOnlyForGpuRuns) {
  const json s = idx_run(dir_, "run", "");
  const fs::path results = dir_ / "run" / "out";
  auto report = [&] {
    const auto r = run_host("report '" + results.string() + "' -o '" + (dir_ / "report.html").string() + "'");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return read_file(dir_ / "report.html");
  };
  EXPECT_FALSE(contains(report(), "peak GPU MB")) << "a CPU run has no GPU columns";
  // The figures a GPU run writes (training on a GPU is not possible here).
  const fs::path summary = fs::path(s["run_dir"].get<std::string>()) / "summary.json";
  json gpu = read_json(summary);
  gpu["peak_gpu_allocated_mb"] = 1234.5;
  gpu["peak_gpu_reserved_mb"] = 2048.0;
  write_file(summary, gpu.dump(2));
  const std::string html = report();
  EXPECT_TRUE(contains(html, "peak GPU MB (tensors)")) << "efficiency table";
  EXPECT_TRUE(contains(html, "1234")) << "allocated";
  EXPECT_TRUE(contains(html, "2048")) << "reserved";
  EXPECT_TRUE(contains(read_file(results / "fixture" / "summary.csv"), "peak_gpu_allocated_mb"));
}
