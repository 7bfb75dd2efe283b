// End-to-end host runs of machine translation and summarisation on corpora written in
// their real formats (IWSLT'14 tags and XML, Europarl lines, CNN/DailyMail stories,
// AESLC e-mails): each model/task pair trains (loss falls) and is scored by decoding.
#include <cmath>

#include "fixtures.h"
#include "text_fixtures.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace optbench::testing;

namespace {

std::string experiment(const fs::path& out, const std::string& task, const std::string& dataset,
                       const std::string& model, int beam_size = 2) {
  return "name = \"s2s\"\noutput_dir = \"" + out.string() + "\"\noptimizers = [\"adam\"]\n[task]\nname = \"" + task +
         "\"\nbeam_size = " + std::to_string(beam_size) + "\n[dataset]\n" + dataset + "\n[model]\n" + model + "\n" +
         "[training]\nepochs = 4\nbatch_size = 16\nseeds = [1]\nthreads = 1\nlog_every_steps = 5\n"
         "early_stopping_patience = 0\n[lr_overrides]\nadam = 0.003\n";
}

const char* kTinyTransformer = "dim = 32\nlayers = 1\nheads = 2\nffn_dim = 64\ndropout = 0.0";

}  // namespace

TEST_F(HostTest, Iwslt14WithTransformerTrainsAndScoresBleu) {
  write_iwslt14_dataset(dir_ / "data", 400);
  const json s = run_single(dir_, experiment(dir_ / "out", "machine_translation",
                                          "name = \"iwslt14_en_de\"\nroot = \"" + (dir_ / "data").string() + "\"",
                                          std::string("name = \"transformer_seq2seq\"\n") + kTinyTransformer), "s2s");
  expect_trained(s);
  const double bleu = s["test"]["bleu"];
  EXPECT_TRUE(std::isfinite(bleu) && bleu >= 0 && bleu <= 100) << bleu;
  EXPECT_EQ(s["primary_metric"], "bleu");
  // 400 sentence pairs + 10 talks x (speaker, title, description) lines, which fairseq's recipe keeps:
  // 430 pairs, every 23rd for validation; the test set is the five XML sets of 4 segments.
  const std::string details = s["details"];
  for (const char* text : {"IWSLT'14 TED en->de", "beam search (beam 2", "sacreBLEU", "label smoothing 0.1",
                           "train 412, validation 18, test 20 samples"})
    EXPECT_TRUE(contains(details, text)) << text << "\n" << details;
}

TEST_F(HostTest, EuroparlWithLstmSeq2SeqTrains) {
  write_europarl_dataset(dir_ / "data", 300);
  const json s = run_single(dir_, experiment(dir_ / "out", "machine_translation",
                                          "name = \"europarl_bilingual\"\nroot = \"" + (dir_ / "data").string() +
                                              "\"\nvalidation_size = 30\ntest_size = 30",
                                          "name = \"lstm_seq2seq\"\nembedding_dim = 32\nhidden_size = 32\nlayers = 1\ndropout = 0.0"), "s2s");
  expect_trained(s);
  EXPECT_TRUE(s["test"].contains("bleu")) << s.dump(2);
}

TEST_F(HostTest, CnnDailymailWithBartSmallTrainsAndScoresRouge) {
  write_cnn_dailymail_dataset(dir_ / "data", 120, 20, 20);
  const json s = run_single(dir_, experiment(dir_ / "out", "text_summarization",
                                          "name = \"cnn_dailymail\"\nroot = \"" + (dir_ / "data").string() +
                                              "\"\nmax_source_length = 64\nmax_target_length = 24",
                                          std::string("name = \"bart_small\"\n") + kTinyTransformer), "s2s");
  expect_trained(s);
  EXPECT_EQ(s["primary_metric"], "rougeL");
  for (const char* key : {"rouge1", "rouge2", "rougeL", "rougeLsum", "rougeL_precision", "rougeL_recall"}) {
    ASSERT_TRUE(s["test"].contains(key)) << key << s.dump(2);
    const double v = s["test"][key];
    EXPECT_TRUE(v >= 0 && v <= 1) << key << " " << v;
  }
}

TEST_F(HostTest, AeslcWithTinyTransformerTrains) {
  write_aeslc_dataset(dir_ / "data", 150, 20, 20);
  const json s = run_single(dir_, experiment(dir_ / "out", "text_summarization",
                                          "name = \"aeslc\"\nroot = \"" + (dir_ / "data").string() + "\"",
                                          std::string("name = \"tiny_transformer_seq2seq\"\n") + kTinyTransformer,
                                          1), "s2s");
  expect_trained(s);
  EXPECT_TRUE(contains(s["details"].get<std::string>(), "greedy decoding")) << s["details"];
}

TEST_F(HostTest, Seq2SeqTasksRefuseOtherModels) {
  write_aeslc_dataset(dir_ / "data", 10, 5, 5);
  write_file(dir_ / "exp.toml", experiment(dir_ / "out", "text_summarization",
                                           "name = \"aeslc\"\nroot = \"" + (dir_ / "data").string() + "\"",
                                           "name = \"gru_lm\""));
  const auto r = run_host("validate '" + (dir_ / "exp.toml").string() + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.output, "gru_lm needs text whose target is 'next_token'")) << r.output;
}

// sacreBLEU's README example and rouge-score's ("testing one two", "testing two") through the CLI.
TEST_F(HostTest, ScoreCommandReproducesSacreBleuAndRougeScore) {
  write_file(dir_ / "hyp.txt", "The dog bit the man.\nIt wasn't surprising.\nThe man had just bitten him.\n");
  write_file(dir_ / "ref1.txt", "The dog bit the man.\nIt was not unexpected.\nThe man bit him first.\n");
  write_file(dir_ / "ref2.txt", "The dog had bit the man.\nNo one was surprised.\nThe man had bitten the dog.\n");
  const std::string files = "--hyp '" + (dir_ / "hyp.txt").string() + "' --ref '" + (dir_ / "ref1.txt").string() +
                            "' --ref '" + (dir_ / "ref2.txt").string() + "'";
  const auto text = run_host("score bleu " + files);
  EXPECT_EQ(text.exit_code, 0) << text.output;
  EXPECT_EQ(text.output, "BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp = 48.53 82.4/50.0/45.5/37.5 "
                         "(BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)\n");
  const auto j = run_host("score bleu --json " + files);
  ASSERT_EQ(j.exit_code, 0) << j.output;
  EXPECT_NEAR(json::parse(j.output)["score"].get<double>(), 48.530827, 1e-6);

  write_file(dir_ / "h.txt", "testing two\n");
  write_file(dir_ / "r.txt", "testing one two\n");
  const auto rouge = run_host("score rouge --types rouge1 --hyp '" + (dir_ / "h.txt").string() + "' --ref '" +
                              (dir_ / "r.txt").string() + "' --json");
  ASSERT_EQ(rouge.exit_code, 0) << rouge.output;
  const json r = json::parse(rouge.output)["rouge1"];
  EXPECT_NEAR(r["precision"].get<double>(), 1.0, 1e-12);
  EXPECT_NEAR(r["recall"].get<double>(), 2.0 / 3, 1e-12);
  EXPECT_NEAR(r["fmeasure"].get<double>(), 0.8, 1e-12);

  const auto misaligned = run_host("score rouge --hyp '" + (dir_ / "h.txt").string() + "' --ref '" +
                                   (dir_ / "ref1.txt").string() + "'");
  EXPECT_EQ(misaligned.exit_code, 1);
  EXPECT_TRUE(contains(misaligned.output, "ref1.txt has 3 lines but " + (dir_ / "h.txt").string() + " has 1"))
      << misaligned.output;
}

// The shipped experiment files, pointed at fixture corpora, pass validation.
TEST_F(HostTest, ShippedSeq2SeqExperimentsValidateOnFixtureData) {
  write_iwslt14_dataset(dir_ / "iwslt14", 60);
  write_europarl_dataset(dir_ / "europarl", 4100);
  write_cnn_dailymail_dataset(dir_ / "cnn_dailymail", 6, 2, 2);
  write_aeslc_dataset(dir_ / "aeslc", 6, 2, 2);
  for (const char* name : {"iwslt14_transformer_seq2seq", "iwslt14_lstm_seq2seq", "europarl_transformer_seq2seq",
                           "europarl_lstm_seq2seq", "cnn_dailymail_bart_small", "cnn_dailymail_tiny_transformer_seq2seq",
                           "aeslc_bart_small", "aeslc_tiny_transformer_seq2seq"}) {
    const auto r = validate_shipped_experiment(dir_, name);
    EXPECT_EQ(r.exit_code, 0) << name << "\n" << r.output;
  }
}
