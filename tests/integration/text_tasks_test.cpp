// End-to-end host runs of the text tasks on corpora written in their real formats:
// each model/task pair trains (loss falls), saves its vocabulary, and bad files are
// refused by file and line.
#include <map>

#include "fixtures.h"
#include "text_fixtures.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace optbench::testing;

namespace {

std::string experiment(const fs::path& out, const std::string& task, const std::string& dataset,
                       const std::string& model, int epochs, const std::string& optimizer = "adam",
                       double lr = 0.003) {
  return "name = \"text\"\noutput_dir = \"" + out.string() + "\"\noptimizers = [\"" + optimizer + "\"]\n" +
         "[task]\nname = \"" + task + "\"\n[dataset]\n" + dataset + "\n[model]\n" + model + "\n" +
         "[training]\nepochs = " + std::to_string(epochs) + "\nbatch_size = 16\nseeds = [1]\nthreads = 1\n" +
         "log_every_steps = 5\nearly_stopping_patience = 0\n[lr_overrides]\n" + optimizer + " = " +
         std::to_string(lr) + "\n";
}

std::vector<std::string> lines_of(const fs::path& path) {
  std::vector<std::string> lines;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_F(HostTest, Sst2WithLstmLearnsSentimentAndSavesItsVocabulary) {
  write_sst2_dataset(dir_ / "data", 400, 80);
  const json s = run_single(dir_, experiment(dir_ / "out", "sentiment_analysis",
                                                "name = \"sst2\"\nroot = \"" + (dir_ / "data").string() + "\"",
                                                "name = \"lstm_sentiment\"\nembedding_dim = 16\nhidden_size = 32", 4,
                                                "adam", 0.01), "text");
  const fs::path run = s.value("run_dir", "");
  ASSERT_FALSE(run.empty());
  EXPECT_EQ(s["status"], "completed");
  EXPECT_GT(s["test"]["accuracy"].get<double>(), 0.9) << "two sentiment words decide every label";
  expect_trained(s);
  // <pad>, <unk>, then the training words by count (ties in lexicographic order).
  std::map<std::string, int> counts;
  const auto tsv = lines_of(dir_ / "data" / "SST-2" / "train.tsv");
  for (std::size_t i = 1; i < tsv.size(); ++i) {
    std::istringstream words(tsv[i].substr(0, tsv[i].find('\t')));
    for (std::string w; words >> w;) ++counts[w];
  }
  std::vector<std::pair<int, std::string>> ranked;
  for (const auto& [w, c] : counts) ranked.emplace_back(-c, w);
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> expected = {"<pad>", "<unk>"};
  for (const auto& [c, w] : ranked) expected.push_back(w);
  EXPECT_EQ(lines_of(run / "vocab.txt"), expected);
  const std::string details = read_file(run / "details.txt");
  for (const char* text : {"whitespace words, lower-cased", "label smoothing 0.05", "gradient clipping at global norm 1",
                           "scheduler plateau", "dev.tsv serves as the test split"})
    EXPECT_TRUE(contains(details, text)) << text << "\n" << details;
}

TEST_F(HostTest, ImdbWithDistilbertTrainsOnWordPieces) {
  write_imdb_dataset(dir_ / "data", 120, 30);
  write_bert_vocab(dir_ / "vocab.txt");
  const json s = run_single(
      dir_, experiment(dir_ / "out", "sentiment_analysis",
                       "name = \"imdb\"\nroot = \"" + (dir_ / "data").string() + "\"\ntokenizer = \"wordpiece\"\n" +
                           "vocab_file = \"" + (dir_ / "vocab.txt").string() + "\"\nmax_length = 48",
                       "name = \"distilbert_sentiment\"\ndim = 32\nlayers = 1\nheads = 2\nhidden_dim = 64", 4,
                       "adamw", 0.001),
      "text");
  const fs::path run = s.value("run_dir", "");
  ASSERT_FALSE(run.empty());
  EXPECT_EQ(s["status"], "completed");
  expect_trained(s);
  EXPECT_GT(s["test"]["accuracy"].get<double>(), 0.75);
  EXPECT_EQ(read_file(run / "vocab.txt"), read_file(dir_ / "vocab.txt")) << "the WordPiece vocabulary is saved as read";
  EXPECT_TRUE(contains(read_file(run / "details.txt"), "trained from scratch"));
}

TEST_F(HostTest, WikiText2WithGptSmallLowersPerplexity) {
  write_wikitext2_dataset(dir_ / "data", 60);
  const json s = run_single(dir_, experiment(dir_ / "out", "text_generation",
                                                "name = \"wikitext2\"\nroot = \"" + (dir_ / "data").string() +
                                                    "\"\nblock_size = 16",
                                                "name = \"gpt_small\"\ndim = 32\nlayers = 1\nheads = 2", 4, "adam", 0.003), "text");
  const fs::path run = s.value("run_dir", "");
  ASSERT_FALSE(run.empty());
  EXPECT_EQ(s["status"], "completed");
  EXPECT_EQ(s["primary_metric"], "perplexity");
  EXPECT_EQ(s["higher_is_better"], false);
  expect_trained(s);
  const auto vocab = lines_of(run / "vocab.txt");
  ASSERT_GT(vocab.size(), 3u);
  const double perplexity = s["test"]["perplexity"];
  EXPECT_LT(perplexity, 0.5 * static_cast<double>(vocab.size())) << "a uniform guess has perplexity = vocabulary size";
  EXPECT_NEAR(perplexity, std::exp(s["test"]["token_nll"].get<double>()), 1e-9 * perplexity);
  EXPECT_TRUE(contains(read_file(run / "details.txt"), "<eos> after every line"));
}

TEST_F(HostTest, PtbWithGruLmLowersPerplexity) {
  write_ptb_dataset(dir_ / "data", 300);
  const json s = run_single(dir_, experiment(dir_ / "out", "text_generation",
                                                "name = \"ptb_text_only\"\nroot = \"" + (dir_ / "data").string() +
                                                    "\"\nblock_size = 12",
                                                "name = \"gru_lm\"\nembedding_dim = 32\nhidden_size = 32\ntie_weights = true",
                                                4, "adam", 0.01), "text");
  const fs::path run = s.value("run_dir", "");
  ASSERT_FALSE(run.empty());
  EXPECT_EQ(s["status"], "completed");
  expect_trained(s);
  const auto vocab = lines_of(run / "vocab.txt");
  EXPECT_EQ(std::vector<std::string>(vocab.begin(), vocab.begin() + 3), (std::vector<std::string>{"<pad>", "<unk>", "<eos>"}));
  EXPECT_LT(s["test"]["perplexity"].get<double>(), 0.5 * static_cast<double>(vocab.size()));
}

TEST_F(HostTest, MalformedTextFilesAreRefusedByFileAndLine) {
  write_sst2_dataset(dir_ / "data", 20, 10);
  const fs::path tsv = dir_ / "data" / "SST-2" / "train.tsv";
  write_file(tsv, read_file(tsv) + "a sentence without a label\n");
  write_file(dir_ / "exp.toml", experiment(dir_ / "out", "sentiment_analysis",
                                           "name = \"sst2\"\nroot = \"" + (dir_ / "data").string() + "\"",
                                           "name = \"lstm_sentiment\"", 1));
  const auto bad_line = run_host("validate '" + (dir_ / "exp.toml").string() + "'");
  EXPECT_EQ(bad_line.exit_code, 1) << bad_line.output;
  EXPECT_TRUE(contains(bad_line.output, tsv.string() + ":22: expected 2 tab-separated fields (sentence, label), got 1"))
      << bad_line.output;

  write_ptb_dataset(dir_ / "ptb", 20);
  write_file(dir_ / "ptb" / "ptb.valid.txt", " the cat\n sees \xff the mouse\n");
  write_file(dir_ / "exp.toml", experiment(dir_ / "out", "text_generation",
                                           "name = \"ptb_text_only\"\nroot = \"" + (dir_ / "ptb").string() + "\"",
                                           "name = \"gru_lm\"", 1));
  const auto bad_utf8 = run_host("validate '" + (dir_ / "exp.toml").string() + "'");
  EXPECT_EQ(bad_utf8.exit_code, 1) << bad_utf8.output;
  EXPECT_TRUE(contains(bad_utf8.output, (dir_ / "ptb" / "ptb.valid.txt").string() + ":2: invalid UTF-8 (byte 0xff)"))
      << bad_utf8.output;
}

TEST_F(HostTest, TextTasksRefuseDataTheyCannotUse) {
  write_ptb_dataset(dir_ / "ptb", 20);
  write_file(dir_ / "exp.toml", experiment(dir_ / "out", "sentiment_analysis",
                                           "name = \"ptb_text_only\"\nroot = \"" + (dir_ / "ptb").string() + "\"",
                                           "name = \"lstm_sentiment\"", 1));
  const auto task = run_host("validate '" + (dir_ / "exp.toml").string() + "'");
  EXPECT_EQ(task.exit_code, 1);
  EXPECT_TRUE(contains(task.output, "sentiment_analysis needs labelled text (e.g. sst2, imdb)")) << task.output;

  write_file(dir_ / "exp.toml", experiment(dir_ / "out", "text_generation",
                                           "name = \"ptb_text_only\"\nroot = \"" + (dir_ / "ptb").string() + "\"",
                                           "name = \"lstm_sentiment\"", 1));
  const auto model = run_host("validate '" + (dir_ / "exp.toml").string() + "'");
  EXPECT_EQ(model.exit_code, 1);
  EXPECT_TRUE(contains(model.output, "lstm_sentiment needs text whose target is 'label'")) << model.output;
}

// The shipped experiment files, pointed at fixture corpora, pass validation: every key is
// known to the components they name, and each model/task/data combination is accepted.
TEST_F(HostTest, ShippedTextExperimentsValidateOnFixtureData) {
  write_sst2_dataset(dir_ / "sst2", 40, 10);
  write_imdb_dataset(dir_ / "imdb", 10, 5);
  write_wikitext2_dataset(dir_ / "wikitext2", 10);
  write_ptb_dataset(dir_ / "ptb", 40);
  write_bert_vocab(dir_ / "distilbert-base-uncased" / "vocab.txt");
  for (const char* name : {"sst2_lstm_sentiment", "sst2_distilbert_sentiment", "imdb_lstm_sentiment",
                           "imdb_distilbert_sentiment", "wikitext2_gpt_small", "wikitext2_gru_lm", "ptb_gpt_small",
                           "ptb_gru_lm"}) {
    const auto r = validate_shipped_experiment(dir_, name);
    EXPECT_EQ(r.exit_code, 0) << name << "\n" << r.output;
  }
}

TEST_F(HostTest, WikiText2RawVariantReadsTheRawRelease) {
  for (const char* split : {"train", "valid", "test"})
    write_file(dir_ / "data" / "wikitext-2-raw" / (std::string("wiki.") + split + ".raw"),
               " \n = Robert Boulter = \n \n Robert Boulter is an English film, television and theatre actor.\n");
  const auto toml = [&](const std::string& variant) {
    return experiment(dir_ / "out", "text_generation",
                      "name = \"wikitext2\"\nroot = \"" + (dir_ / "data").string() + "\"\nvariant = \"" + variant + "\"",
                      "name = \"gru_lm\"", 1);
  };
  write_file(dir_ / "exp.toml", toml("raw"));
  const auto raw = run_host("validate '" + (dir_ / "exp.toml").string() + "'");
  EXPECT_EQ(raw.exit_code, 0) << raw.output;
  EXPECT_TRUE(contains(raw.output, "train 1, validation 1, test 1 samples")) << raw.output;
  write_file(dir_ / "exp.toml", toml("tokens"));
  const auto tokens = run_host("validate '" + (dir_ / "exp.toml").string() + "'");
  EXPECT_EQ(tokens.exit_code, 1);
  EXPECT_TRUE(contains(tokens.output, "WikiText-2: wiki.train.tokens not found in " + (dir_ / "data").string() +
                                          " or " + (dir_ / "data" / "wikitext-2").string()))
      << tokens.output;
}
