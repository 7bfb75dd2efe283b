// End-to-end host runs of named-entity recognition and question answering on corpora
// written in their real formats (CoNLL-2003 columns with IOB1 tags, PAN-X lines,
// SQuAD v1.1 JSON, TweetQA JSON), and the score commands on the official inputs.
#include "fixtures.h"
#include "text_fixtures.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace optbench::testing;

namespace {

std::string experiment(const fs::path& out, const std::string& task, const std::string& dataset, const std::string& model,
                       int epochs, double lr) {
  return "name = \"x\"\noutput_dir = \"" + out.string() + "\"\noptimizers = [\"adam\"]\n[task]\nname = \"" + task +
         "\"\n[dataset]\n" + dataset + "\n[model]\n" + model + "\n[training]\nepochs = " + std::to_string(epochs) +
         "\nbatch_size = 16\nseeds = [1]\nthreads = 1\nlog_every_steps = 5\nearly_stopping_patience = 0\n"
         "[lr_overrides]\nadam = " + std::to_string(lr) + "\n";
}

}  // namespace

TEST_F(HostTest, Conll2003WithLstmCrfLearnsEntities) {
  write_conll2003_dataset(dir_ / "data", 300, 40, 40);
  const json s = run_single(dir_, experiment(dir_ / "out", "ner", "name = \"conll2003\"\nroot = \"" + (dir_ / "data").string() + "\"",
                                          "name = \"lstm_crf_ner\"\nembedding_dim = 16\nhidden_size = 32\ndropout = 0.1", 6, 0.02), "x");
  expect_trained(s);
  EXPECT_EQ(s["primary_metric"], "f1");
  EXPECT_GT(s["test"]["f1"].get<double>(), 0.8) << "the entities are fixed name lists";
  EXPECT_TRUE(contains(s["details"].get<std::string>(), "converted from the distributed IOB1")) << s["details"];
}

TEST_F(HostTest, WikiannWithCharCnnCrfTrains) {
  write_wikiann_dataset(dir_ / "data", 300, 40, 40);
  const json s = run_single(dir_, experiment(dir_ / "out", "ner", "name = \"wikiann_en\"\nroot = \"" + (dir_ / "data").string() + "\"",
                                          "name = \"lstm_crf_charcnn_ner\"\nembedding_dim = 16\nhidden_size = 32\n"
                                          "char_embedding_dim = 8\nchar_filters = 8\ndropout = 0.1", 6, 0.02), "x");
  expect_trained(s);
  EXPECT_GT(s["test"]["f1"].get<double>(), 0.8);
}

TEST_F(HostTest, ScoreSeqevalReadsConllColumns) {
  // seqeval's README vector as token / gold / predicted columns.
  write_file(dir_ / "pred.txt", "a O O\nb O O\nc O B-MISC\nd B-MISC I-MISC\ne I-MISC I-MISC\nf I-MISC I-MISC\ng O O\n\n"
                                "h B-PER B-PER\ni I-PER I-PER\nj O O\n");
  const auto r = run_host("score seqeval '" + (dir_ / "pred.txt").string() + "' --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json j = json::parse(r.output);
  EXPECT_NEAR(j["micro"]["precision"].get<double>(), 0.5, 1e-12);
  EXPECT_NEAR(j["micro"]["recall"].get<double>(), 0.5, 1e-12);
  EXPECT_NEAR(j["micro"]["f1"].get<double>(), 0.5, 1e-12);
  EXPECT_NEAR(j["PER"]["f1"].get<double>(), 1.0, 1e-12);
  EXPECT_NEAR(j["MISC"]["f1"].get<double>(), 0.0, 1e-12);
  const auto text = run_host("score seqeval '" + (dir_ / "pred.txt").string() + "'");
  EXPECT_TRUE(contains(text.output, "micro")) << text.output;
}

TEST_F(HostTest, SquadWithTransformerQaTrainsAndScoresEmF1) {
  write_squad_dataset(dir_ / "data", 400, 40);
  const json s = run_single(dir_, experiment(dir_ / "out", "question_answering", "name = \"squad_v1\"\nroot = \"" + (dir_ / "data").string() + "\"",
                                          "name = \"transformer_qa\"\ndim = 32\nlayers = 2\nheads = 2\nffn_dim = 64\ndropout = 0.0", 6, 0.003), "x");
  expect_trained(s);
  EXPECT_EQ(s["primary_metric"], "f1");
  for (const char* key : {"f1", "exact_match"}) {
    const double v = s["test"][key];
    EXPECT_TRUE(v >= 0 && v <= 100) << key << " " << v;
  }
  EXPECT_TRUE(contains(s["details"].get<std::string>(), "0 answers not found in their context")) << s["details"];
}

TEST_F(HostTest, TweetQaWithBidafTrains) {
  write_tweetqa_dataset(dir_ / "data", 300, 40);
  const json s = run_single(dir_, experiment(dir_ / "out", "question_answering", "name = \"tweet_qa\"\nroot = \"" + (dir_ / "data").string() + "\"",
                                          "name = \"bilstm_attention_qa\"\nembedding_dim = 16\nhidden_size = 16\ndropout = 0.0", 6, 0.005), "x");
  expect_trained(s);
  // Every tenth answer is free text, not a span of the tweet: left out of training, still scored.
  EXPECT_TRUE(contains(s["details"].get<std::string>(), "34 answers not found in their context")) << s["details"];
}

// The official evaluate-v1.1.py's inputs: a dataset JSON and {id: answer} predictions.
TEST_F(HostTest, ScoreSquadReproducesTheOfficialScript) {
  write_file(dir_ / "dev.json", R"({"version": "1.1", "data": [{"title": "T", "paragraphs": [{"context": "c", "qas": [
      {"id": "a", "question": "q", "answers": [{"text": "Denver Broncos", "answer_start": 0}, {"text": "The Broncos", "answer_start": 0}]},
      {"id": "b", "question": "q", "answers": [{"text": "the cat sat", "answer_start": 0}]},
      {"id": "c", "question": "q", "answers": [{"text": "x", "answer_start": 0}]}]}]}]})");
  write_file(dir_ / "pred.json", R"({"a": "Denver Broncos!", "b": "cat"})");
  const auto r = run_host("score squad '" + (dir_ / "dev.json").string() + "' '" + (dir_ / "pred.json").string() + "' --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json j = json::parse(r.output);
  // a: exact after normalisation; b: "cat" against "cat sat" gives P 1, R 1/2, F1 2/3; c: unanswered, 0.
  EXPECT_NEAR(j["exact_match"].get<double>(), 100.0 / 3, 1e-9);
  EXPECT_NEAR(j["f1"].get<double>(), 100.0 * (1 + 2.0 / 3) / 3, 1e-9);
  EXPECT_EQ(j["unanswered"], 1);
}

// The shipped experiment files, pointed at fixture corpora, pass validation.
TEST_F(HostTest, ShippedQaNerExperimentsValidateOnFixtureData) {
  write_squad_dataset(dir_ / "squad", 20, 6);
  write_tweetqa_dataset(dir_ / "tweet_qa", 20, 6);
  write_conll2003_dataset(dir_ / "conll2003", 20, 5, 5);
  write_wikiann_dataset(dir_ / "wikiann", 20, 5, 5);
  for (const char* name : {"squad_transformer_qa", "squad_bilstm_attention_qa", "tweet_qa_transformer_qa",
                           "tweet_qa_bilstm_attention_qa", "conll2003_lstm_crf_ner", "conll2003_lstm_crf_charcnn_ner",
                           "wikiann_lstm_crf_ner", "wikiann_lstm_crf_charcnn_ner"}) {
    const auto r = validate_shipped_experiment(dir_, name);
    EXPECT_EQ(r.exit_code, 0) << name << "\n" << r.output;
  }
}
