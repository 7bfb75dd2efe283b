// Named-entity and question-answering corpus readers on fixtures written in the
// distributed formats: CoNLL-2003 (the 4-column "token POS chunk NER" files, both the
// IOB2 copy in davidsbatista/NER-datasets CONLL2003/ and the original IOB1 eng.train),
// WikiANN / PAN-X ("en:token<TAB>TAG", as huggingface datasets wikiann.py reads them),
// SQuAD v1.1 JSON (answer_start counts Python characters, i.e. code points) and TweetQA
// JSON (as huggingface datasets tweet_qa.py reads it); the error messages that name the
// offending file, line or JSON path; and word_spans, the byte ranges of word tokens.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "qa_corpora.h"
#include "tagging_corpora.h"
#include "temp_dir_test.h"

namespace fs = std::filesystem;
using namespace optbench::text;
using optbench::testing::contains;
using optbench::testing::message_of;
using Strings = std::vector<std::string>;
using Ranges = std::vector<std::pair<std::size_t, std::size_t>>;

namespace {

using TempDir = optbench::testing::TempDirTest;

// The same text with Windows line endings.
std::string crlf(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

std::vector<Strings> tokens_of(const std::vector<TaggedSentence>& sentences) {
  std::vector<Strings> out;
  for (const auto& s : sentences) out.push_back(s.tokens);
  return out;
}

std::vector<Strings> tags_of(const std::vector<TaggedSentence>& sentences) {
  std::vector<Strings> out;
  for (const auto& s : sentences) out.push_back(s.tags);
  return out;
}

// The first answer's located range as the text it covers, or "(not located)".
std::string located_answer(const QaExample& e) {
  if (e.answer_begin < 0) return "(not located)";
  return e.context.substr(static_cast<std::size_t>(e.answer_begin),
                          static_cast<std::size_t>(e.answer_end - e.answer_begin));
}

Ranges ranges_of(const std::vector<ByteSpan>& spans) {
  Ranges out;
  for (const auto& s : spans) out.emplace_back(s.begin, s.end);
  return out;
}

}  // namespace

// ---- CoNLL-2003 ----

using Conll2003Test = TempDir;

// The start of CONLL2003/train.txt in davidsbatista/NER-datasets: IOB2 tags (every
// entity opens with B-), "-DOCSTART- -X- -X- O". Two blank lines after the first
// sentence, where the distributed file has one.
const std::string kConllTrainIob2 =
    "-DOCSTART- -X- -X- O\n"
    "\n"
    "EU NNP B-NP B-ORG\n"
    "rejects VBZ B-VP O\n"
    "German JJ B-NP B-MISC\n"
    "call NN I-NP O\n"
    "to TO B-VP O\n"
    "boycott VB I-VP O\n"
    "British JJ B-NP B-MISC\n"
    "lamb NN I-NP O\n"
    ". . O O\n"
    "\n"
    "\n"
    "Peter NNP B-NP B-PER\n"
    "Blackburn NNP I-NP I-PER\n"
    "\n";

TEST_F(Conll2003Test, ReadsTokensAndLastColumnTagsSkippingDocstart) {
  const auto sentences = read_conll2003(write("train.txt", kConllTrainIob2));
  EXPECT_EQ(tokens_of(sentences), (std::vector<Strings>{
                                      {"EU", "rejects", "German", "call", "to", "boycott", "British", "lamb", "."},
                                      {"Peter", "Blackburn"},
                                  }));
  EXPECT_EQ(tags_of(sentences), (std::vector<Strings>{
                                    {"B-ORG", "O", "B-MISC", "O", "O", "O", "B-MISC", "O", "O"},
                                    {"B-PER", "I-PER"},
                                }));
}

TEST_F(Conll2003Test, CrlfLineEndingsReadAsLf) {
  const auto lf = read_conll2003(write("train.txt", kConllTrainIob2));
  const auto windows = read_conll2003(write("train_crlf.txt", crlf(kConllTrainIob2)));
  EXPECT_EQ(tokens_of(windows), tokens_of(lf));
  EXPECT_EQ(tags_of(windows), tags_of(lf));
}

TEST_F(Conll2003Test, KeepsTheOriginalIob1TagsAsDistributed) {
  // The start of the original eng.train: IOB1 (I- opens an entity), "-DOCSTART- -X- O O".
  const auto sentences = read_conll2003(write("eng.train",
                                              "-DOCSTART- -X- O O\n"
                                              "\n"
                                              "EU NNP I-NP I-ORG\n"
                                              "rejects VBZ I-VP O\n"
                                              "German JJ I-NP I-MISC\n"
                                              "\n"
                                              "Peter NNP I-NP I-PER\n"
                                              "Blackburn NNP I-NP I-PER\n"));
  EXPECT_EQ(tags_of(sentences), (std::vector<Strings>{{"I-ORG", "O", "I-MISC"}, {"I-PER", "I-PER"}}));
}

TEST_F(Conll2003Test, LineWithOneColumnNamesFileAndLine) {
  const auto path = write("train.txt",
                          "-DOCSTART- -X- -X- O\n"
                          "\n"
                          "EU NNP B-NP B-ORG\n"
                          "rejects\n");
  const std::string message = message_of([&] { read_conll2003(path); });
  EXPECT_TRUE(contains(message, path + ":4:")) << message;
}

TEST_F(Conll2003Test, BadTagNamesFileLineAndTag) {
  const auto path = write("train.txt",
                          "-DOCSTART- -X- -X- O\n"
                          "\n"
                          "EU NNP B-NP B-ORG\n"
                          "\n"
                          "Peter NNP B-NP X-PER\n");
  const std::string message = message_of([&] { read_conll2003(path); });
  EXPECT_TRUE(contains(message, path + ":5:")) << message;
  EXPECT_TRUE(contains(message, "'X-PER'")) << message;
}

// ---- WikiANN / PAN-X ----

using PanxTest = TempDir;

TEST_F(PanxTest, RemovesTheLanguagePrefixAndKeepsTags) {
  // Lines from WikiANN en/dev, then a token with ':' of its own.
  const auto path = write("dev",
                          "en:Sioux\tB-ORG\n"
                          "en:Falls\tI-ORG\n"
                          "en:Arena\tI-ORG\n"
                          "en:(\tO\n"
                          "en:Sioux\tB-LOC\n"
                          "en:Falls\tI-LOC\n"
                          "en:)\tO\n"
                          "\n"
                          "en:Panam\xC3\xA1\tB-LOC\n"
                          "en::\tO\n"
                          "en:http://x.org\tO\n");
  const auto sentences = read_panx(path);
  EXPECT_EQ(tokens_of(sentences), (std::vector<Strings>{
                                      {"Sioux", "Falls", "Arena", "(", "Sioux", "Falls", ")"},
                                      {"Panam\xC3\xA1", ":", "http://x.org"},
                                  }));
  EXPECT_EQ(tags_of(sentences), (std::vector<Strings>{
                                    {"B-ORG", "I-ORG", "I-ORG", "O", "B-LOC", "I-LOC", "O"},
                                    {"B-LOC", "O", "O"},
                                }));
}

TEST_F(PanxTest, LineWithoutATabNamesFileAndLine) {
  const auto path = write("train", "en:Sioux\tB-ORG\nen:Falls I-ORG\n");
  const std::string message = message_of([&] { read_panx(path); });
  EXPECT_TRUE(contains(message, path + ":2:")) << message;
}

// ---- SQuAD v1.1 ----

using SquadTest = TempDir;

// Contexts with non-ASCII characters before the answers, escaped as json.dump writes
// them into train-v1.1.json (the emoji as a surrogate pair). In code points,
// "1855" starts at 28 and "the Swiss Federal Government" at 36 (bytes 32 and 40:
// "\u00fc" is 2 bytes, the emoji 4); "Wawel Castle" starts at 65 (byte 66).
const std::string kEthContext =
    "ETH Z\\u00fcrich \\ud83d\\ude00 was founded in 1855 by the Swiss Federal Government. "
    "Its main building stands above the old town of Z\\u00fcrich.";
const std::string kEthContextUtf8 =
    "ETH Z\xC3\xBCrich \xF0\x9F\x98\x80 was founded in 1855 by the Swiss Federal Government. "
    "Its main building stands above the old town of Z\xC3\xBCrich.";
const std::string kKrakowContext =
    "Krak\\u00f3w, the former capital of Poland, lies on the Vistula River. "
    "Wawel Castle stands on a hill above the river.";

// A train-v1.1.json with one paragraph and `qas` (a JSON array's contents).
std::string squad_file(const std::string& qas) {
  return "{\"data\": [{\"title\": \"ETH_Zurich\", \"paragraphs\": [{\"context\": \"" + kEthContext +
         "\", \"qas\": [" + qas + "]}]}], \"version\": \"1.1\"}";
}

TEST_F(SquadTest, ReadsQuestionsInOrderWithByteRangesFromCodePointOffsets) {
  // Two articles; the second question is dev-style, with three answers.
  const auto path = write(
      "dev-v1.1.json",
      "{\"data\": [{\"title\": \"ETH_Zurich\", \"paragraphs\": [{\"context\": \"" + kEthContext +
          "\", \"qas\": ["
          "{\"answers\": [{\"answer_start\": 28, \"text\": \"1855\"}], "
          "\"question\": \"When was ETH Z\\u00fcrich founded?\", \"id\": \"57290e153f37b31900477f8a\"}, "
          "{\"answers\": [{\"answer_start\": 36, \"text\": \"the Swiss Federal Government\"}], "
          "\"question\": \"Who founded ETH Z\\u00fcrich?\", \"id\": \"57290e153f37b31900477f8b\"}]}]}, "
          "{\"title\": \"Krak\\u00f3w\", \"paragraphs\": [{\"context\": \"" + kKrakowContext +
          "\", \"qas\": ["
          "{\"answers\": [{\"answer_start\": 65, \"text\": \"Wawel Castle\"}, "
          "{\"answer_start\": 65, \"text\": \"Wawel Castle\"}, {\"answer_start\": 65, \"text\": \"Wawel\"}], "
          "\"question\": \"What stands on a hill above the Vistula?\", \"id\": \"5726a1e5dd62a815002e8b7c\"}]}]}], "
          "\"version\": \"1.1\"}");
  const auto examples = read_squad(path);
  ASSERT_EQ(examples.size(), 3u);

  EXPECT_EQ(examples[0].id, "57290e153f37b31900477f8a");
  EXPECT_EQ(examples[0].question, "When was ETH Z\xC3\xBCrich founded?");
  EXPECT_EQ(examples[0].context, kEthContextUtf8);
  EXPECT_EQ(examples[0].answers, (Strings{"1855"}));
  EXPECT_EQ(examples[0].answer_begin, 32);
  EXPECT_EQ(examples[0].answer_end, 36);

  EXPECT_EQ(examples[1].id, "57290e153f37b31900477f8b");
  EXPECT_EQ(examples[1].question, "Who founded ETH Z\xC3\xBCrich?");
  EXPECT_EQ(examples[1].context, kEthContextUtf8);
  EXPECT_EQ(examples[1].answers, (Strings{"the Swiss Federal Government"}));
  EXPECT_EQ(examples[1].answer_begin, 40);
  EXPECT_EQ(examples[1].answer_end, 68);

  EXPECT_EQ(examples[2].id, "5726a1e5dd62a815002e8b7c");
  EXPECT_EQ(examples[2].question, "What stands on a hill above the Vistula?");
  EXPECT_EQ(examples[2].context,
            "Krak\xC3\xB3w, the former capital of Poland, lies on the Vistula River. "
            "Wawel Castle stands on a hill above the river.");
  EXPECT_EQ(examples[2].answers, (Strings{"Wawel Castle", "Wawel Castle", "Wawel"}));
  EXPECT_EQ(examples[2].answer_begin, 66);
  EXPECT_EQ(examples[2].answer_end, 78);

  for (const auto& e : examples) EXPECT_EQ(located_answer(e), e.answers[0]) << e.id;
}

TEST_F(SquadTest, OffsetThatDoesNotMatchTheTextIsNotLocated) {
  // 40 is the answer's byte offset, not its character offset (36).
  const auto path = write("train-v1.1.json",
                          squad_file("{\"answers\": [{\"answer_start\": 40, \"text\": \"the Swiss Federal Government\"}], "
                                     "\"question\": \"Who founded ETH Z\\u00fcrich?\", \"id\": \"57290e153f37b31900477f8b\"}"));
  const auto examples = read_squad(path);
  ASSERT_EQ(examples.size(), 1u);
  EXPECT_EQ(examples[0].answers, (Strings{"the Swiss Federal Government"}));
  EXPECT_EQ(examples[0].answer_begin, -1);
  EXPECT_EQ(examples[0].answer_end, -1);
}

TEST_F(SquadTest, MissingAnswersNamesTheJsonPath) {
  const auto path = write("train-v1.1.json",
                          squad_file("{\"answers\": [{\"answer_start\": 28, \"text\": \"1855\"}], "
                                     "\"question\": \"When was ETH Z\\u00fcrich founded?\", \"id\": \"57290e153f37b31900477f8a\"}, "
                                     "{\"question\": \"Who founded ETH Z\\u00fcrich?\", \"id\": \"57290e153f37b31900477f8b\"}"));
  const std::string message = message_of([&] { read_squad(path); });
  EXPECT_TRUE(contains(message, path)) << message;
  EXPECT_TRUE(contains(message, "data[0].paragraphs[0].qas[1].answers")) << message;
}

TEST_F(SquadTest, InvalidJsonNamesTheFile) {
  // Cut off in the middle, as a partial download would be.
  const auto path = write("train-v1.1.json", "{\"data\": [{\"title\": \"ETH_Zurich\", \"paragraphs\": [{\"context\": \"ETH");
  const std::string message = message_of([&] { read_squad(path); });
  EXPECT_TRUE(contains(message, path + ": not valid JSON")) << message;
}

// ---- TweetQA ----

using TweetQaTest = TempDir;

// The tweet of the sample record in huggingface datasets' tweet_qa card; "\u2014"
// (3 bytes in UTF-8) comes before "Full Frontal".
const std::string kTweet =
    "Don't believe @ConanOBrien's height lies. Sam Bee is the tallest host in late night. "
    "#alternativefacts\\u2014 Full Frontal (@FullFrontalSamB) January 22, 2017";

// A TweetQA record as in train.json / dev.json.
std::string tweetqa_record(const std::string& question, const std::string& answers, const std::string& qid) {
  return "{\"Question\": \"" + question + "\", \"Answer\": [" + answers + "], \"Tweet\": \"" + kTweet +
         "\", \"qid\": \"" + qid + "\"}";
}

TEST_F(TweetQaTest, LocatesAnswersCaseInsensitivelyAsByteRanges) {
  const auto path = write(
      "TweetQA_data/dev.json",
      "[" + tweetqa_record("who is the tallest host?", "\"sam bee\", \"sam bee\"", "3554ee17d86b678be34c4dc2c04e334f") +
          ", " + tweetqa_record("which show posted this tweet?", "\"full frontal\", \"@FullFrontalSamB\"",
                                "3554ee17d86b678be34c4dc2c04e3350") +
          ", " +
          tweetqa_record("whose height claims are called lies?", "\"conan o'brien\", \"@ConanOBrien\"",
                         "3554ee17d86b678be34c4dc2c04e3351") +
          ", " + tweetqa_record("how tall is sam bee compared to other hosts?", "\"taller than all of them\"",
                                "3554ee17d86b678be34c4dc2c04e3352") +
          "]");
  const auto examples = read_tweetqa(path);
  ASSERT_EQ(examples.size(), 4u);

  EXPECT_EQ(examples[0].id, "3554ee17d86b678be34c4dc2c04e334f");
  EXPECT_EQ(examples[0].question, "who is the tallest host?");
  EXPECT_EQ(examples[0].context,
            "Don't believe @ConanOBrien's height lies. Sam Bee is the tallest host in late night. "
            "#alternativefacts\xE2\x80\x94 Full Frontal (@FullFrontalSamB) January 22, 2017");
  EXPECT_EQ(examples[0].answers, (Strings{"sam bee", "sam bee"}));
  EXPECT_EQ(examples[0].answer_begin, 42);
  EXPECT_EQ(examples[0].answer_end, 49);
  EXPECT_EQ(located_answer(examples[0]), "Sam Bee");

  // Both answers are in the tweet: the range is the first one's, after the 3-byte em dash.
  EXPECT_EQ(examples[1].answer_begin, 106);
  EXPECT_EQ(examples[1].answer_end, 118);
  EXPECT_EQ(located_answer(examples[1]), "Full Frontal");

  // The first answer is the annotator's own wording; the second is in the tweet.
  EXPECT_EQ(examples[2].answers, (Strings{"conan o'brien", "@ConanOBrien"}));
  EXPECT_EQ(examples[2].answer_begin, 14);
  EXPECT_EQ(examples[2].answer_end, 26);

  EXPECT_EQ(examples[3].answers, (Strings{"taller than all of them"}));
  EXPECT_EQ(examples[3].answer_begin, -1);
  EXPECT_EQ(examples[3].answer_end, -1);
}

TEST_F(TweetQaTest, RecordWithoutAnswerPointsAtTestJson) {
  // TweetQA's test.json records have no "Answer".
  const auto path = write(
      "TweetQA_data/test.json",
      "[" + tweetqa_record("who is the tallest host?", "\"sam bee\"", "3554ee17d86b678be34c4dc2c04e334f") +
          ", {\"Question\": \"which show posted this tweet?\", \"Tweet\": \"" + kTweet +
          "\", \"qid\": \"3554ee17d86b678be34c4dc2c04e3350\"}]");
  const std::string message = message_of([&] { read_tweetqa(path); });
  EXPECT_TRUE(contains(message, path + ": [1].Answer")) << message;
  // The hint, beyond the file's own name.
  EXPECT_TRUE(contains(message.substr(path.size()), "test.json")) << message;
}

// ---- word_spans ----

TEST(WordSpans, LettersAndDigitsRunTogetherOtherCharactersStandAlone) {
  const std::string text = "Hello, w\xC3\xB6rld! 3.14";
  EXPECT_EQ(ranges_of(word_spans(text)), (Ranges{{0, 5}, {5, 6}, {7, 13}, {13, 14}, {15, 16}, {16, 17}, {17, 19}}));
}

TEST(WordSpans, CombiningMarksStayInTheWord) {
  // "cafe" + U+0301 COMBINING ACUTE ACCENT, then "x".
  EXPECT_EQ(ranges_of(word_spans("cafe\xCC\x81 x")), (Ranges{{0, 6}, {7, 8}}));
}

TEST(WordSpans, EveryKindOfWhitespaceSeparates) {
  // TAB, LF, U+00A0 NO-BREAK SPACE, U+3000 IDEOGRAPHIC SPACE, U+2009 THIN SPACE, CRLF,
  // U+0085 NEXT LINE, U+2028 LINE SEPARATOR, and a final space.
  const std::string text = std::string("a\tb\nc") + "\xC2\xA0" + "d" + "\xE3\x80\x80" + "e" + "\xE2\x80\x89" +
                           "f\r\ng" + "\xC2\x85" + "h" + "\xE2\x80\xA8" + "i ";
  EXPECT_EQ(ranges_of(word_spans(text)),
            (Ranges{{0, 1}, {2, 3}, {4, 5}, {7, 8}, {11, 12}, {15, 16}, {18, 19}, {21, 22}, {25, 26}}));
}
