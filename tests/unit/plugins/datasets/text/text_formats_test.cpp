// Text plugin helpers on real files: BERT WordPiece against the published test vectors
// of google-research/bert tokenization_test.py, vocabulary building and vocab.txt
// reading, UTF-8 checks and whitespace/lower-case rules, and the GLUE SST-2, aclImdb
// and line-oriented corpus readers with their error messages.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "temp_dir_test.h"
#include "text_corpora.h"
#include "unicode_text.h"
#include "vocabulary.h"
#include "wordpiece.h"

namespace fs = std::filesystem;
using namespace optbench::text;
using optbench::testing::contains;
using optbench::testing::message_of;
using Strings = std::vector<std::string>;
using Ids = std::vector<std::int64_t>;

namespace {

using TempDir = optbench::testing::TempDirTest;

// The vocabulary of bert/tokenization_test.py, plus the [PAD] our WordPiece requires.
// A token's id is its 0-based line number.
const Strings kBertVocab = {"[UNK]", "[CLS]", "[SEP]", "want", "##want", "##ed",
                            "wa",    "un",    "runn",  "##ing", ",",      "[PAD]"};

std::string lines_of(const Strings& tokens) {
  std::string out;
  for (const auto& t : tokens) out += t + "\n";
  return out;
}

}  // namespace

// ---- WordPiece ----

using WordPieceTest = TempDir;

TEST_F(WordPieceTest, WordPieceTokenizerMatchesBert) {
  const WordPiece wp(Vocabulary::read(write("vocab.txt", lines_of(kBertVocab))), /*lowercase=*/true);
  EXPECT_EQ(wp.tokenize("unwanted running"), (Strings{"un", "##want", "##ed", "runn", "##ing"}));
  EXPECT_EQ(wp.tokenize("unwantedX running"), (Strings{"[UNK]", "runn", "##ing"}));
  EXPECT_EQ(wp.tokenize(""), Strings{});
}

TEST_F(WordPieceTest, WordsOverOneHundredCharactersAreUnknown) {
  const WordPiece wp(Vocabulary::read(write("vocab.txt", lines_of({"[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "##a"}))),
                     /*lowercase=*/true);
  Strings hundred_pieces(100, "##a");  // 100 characters is still within BERT's limit
  hundred_pieces[0] = "a";
  EXPECT_EQ(wp.tokenize(std::string(100, 'a')), hundred_pieces);
  EXPECT_EQ(wp.tokenize(std::string(101, 'a') + " a"), (Strings{"[UNK]", "a"}));
}

TEST_F(WordPieceTest, BasicTokenizerLowerCaseMatchesBert) {
  const WordPiece wp(Vocabulary::read(write("vocab.txt", lines_of(kBertVocab))), /*lowercase=*/true);
  EXPECT_EQ(wp.basic_tokens(" \tHeLLo!how  \n Are yoU?  "), (Strings{"hello", "!", "how", "are", "you", "?"}));
  EXPECT_EQ(wp.basic_tokens("H\xC3\xA9llo"), Strings{"hello"});
  // ah\u535A\u63A8zz: each CJK ideograph is a word of its own.
  EXPECT_EQ(wp.basic_tokens("ah\xE5\x8D\x9A\xE6\x8E\xA8zz"), (Strings{"ah", "\xE5\x8D\x9A", "\xE6\x8E\xA8", "zz"}));
}

TEST_F(WordPieceTest, BasicTokenizerCasedKeepsCaseAndAccents) {
  const WordPiece wp(Vocabulary::read(write("vocab.txt", lines_of(kBertVocab))), /*lowercase=*/false);
  EXPECT_EQ(wp.basic_tokens(" \tHeLLo!how  \n Are yoU?  "), (Strings{"HeLLo", "!", "how", "Are", "yoU", "?"}));
  EXPECT_EQ(wp.basic_tokens("H\xC3\xA9llo"), Strings{"H\xC3\xA9llo"});
}

TEST_F(WordPieceTest, EncodeWrapsInClsSepAndTruncatesBetweenThem) {
  const WordPiece wp(Vocabulary::read(write("vocab.txt", lines_of(kBertVocab))), /*lowercase=*/true);
  // [CLS]=1 un=7 ##want=4 ##ed=5 runn=8 ##ing=9 [SEP]=2
  EXPECT_EQ(wp.encode("unwanted running", 16), (Ids{1, 7, 4, 5, 8, 9, 2}));
  EXPECT_EQ(wp.encode("unwanted running", 4), (Ids{1, 7, 4, 2}));
  EXPECT_EQ(wp.pad_id(), 11);
}

TEST_F(WordPieceTest, VocabularyWithoutPadIsRefusedByName) {
  const auto path = write("vocab.txt", lines_of({"[UNK]", "[CLS]", "[SEP]", "want"}));
  const std::string message = message_of([&] { WordPiece(Vocabulary::read(path), true); });
  EXPECT_TRUE(contains(message, path)) << message;
  EXPECT_TRUE(contains(message, "[PAD]")) << message;
}

// ---- Vocabulary ----

using VocabularyTest = TempDir;

TEST_F(VocabularyTest, BuildRanksByFrequencyThenLexicographically) {
  const Vocabulary::Counts counts = {{"b", 2}, {"a", 2}, {"c", 5}, {"d", 1}};
  const Strings specials = {"<pad>", "<unk>"};
  EXPECT_EQ(Vocabulary::build(counts, specials, 0, 1).tokens(), (Strings{"<pad>", "<unk>", "c", "a", "b", "d"}));
  EXPECT_EQ(Vocabulary::build(counts, specials, 4, 1).tokens(), (Strings{"<pad>", "<unk>", "c", "a"}));
  EXPECT_EQ(Vocabulary::build(counts, specials, 0, 2).tokens(), (Strings{"<pad>", "<unk>", "c", "a", "b"}));
}

TEST_F(VocabularyTest, ReadGivesLineNumbersAsIdsAndRefusesDuplicates) {
  const Vocabulary v = Vocabulary::read(write("good.txt", "[PAD]\nhello\n##lo\n"));
  EXPECT_EQ(v.tokens(), (Strings{"[PAD]", "hello", "##lo"}));
  EXPECT_EQ(v.require("##lo"), 2);
  const auto path = write("vocab.txt", "a\nb\na\n");
  const std::string message = message_of([&] { Vocabulary::read(path); });
  EXPECT_TRUE(contains(message, path + ":3")) << message;
}

// ---- UTF-8 and whitespace ----

TEST(UnicodeText, CheckUtf8AcceptsMultiByteText) {
  // é, 博, 😀 (2, 3 and 4 bytes)
  EXPECT_NO_THROW(check_utf8("caf\xC3\xA9 \xE5\x8D\x9A \xF0\x9F\x98\x80\n", "FILE"));
}

TEST(UnicodeText, CheckUtf8NamesTheLineOfTheFirstProblem) {
  const std::string invalid = message_of([] { check_utf8("ok\nok\n\xff bad\n", "FILE"); });
  EXPECT_TRUE(contains(invalid, "FILE:3")) << invalid;
  EXPECT_TRUE(contains(invalid, "invalid UTF-8")) << invalid;
  const std::string nul = message_of([] { check_utf8(std::string("ok\no\0k\n", 6), "FILE"); });
  EXPECT_TRUE(contains(nul, ":2:")) << nul;
  EXPECT_TRUE(contains(nul, "NUL")) << nul;
}

TEST(UnicodeText, SplitWhitespaceAndLowercaseFollowPython) {
  EXPECT_EQ(split_whitespace("  a\tb\xC2\xA0" "c\n"), (Strings{"a", "b", "c"}));  // U+00A0 NO-BREAK SPACE
  EXPECT_EQ(split_whitespace(" \n\t"), Strings{});
  EXPECT_EQ(lowercase("\xC3\x84" "BC"), "\xC3\xA4" "bc");  // ÄBC -> äbc
}

// ---- GLUE SST-2 ----

using Sst2Test = TempDir;

TEST_F(Sst2Test, ReadsTheGlueFormat) {
  const auto path = write("train.tsv",
                          "sentence\tlabel\n"
                          "hide new secretions from the parental units \t0\n"
                          "contains no wit , only labored gags \t0\n"
                          "that loves its characters and communicates something rather beautiful about human nature \t1\n");
  const auto rows = read_sst2_tsv(path);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].text, "hide new secretions from the parental units ");
  EXPECT_EQ(rows[0].label, 0);
  EXPECT_EQ(rows[1].text, "contains no wit , only labored gags ");
  EXPECT_EQ(rows[1].label, 0);
  EXPECT_EQ(rows[2].text, "that loves its characters and communicates something rather beautiful about human nature ");
  EXPECT_EQ(rows[2].label, 1);
}

TEST_F(Sst2Test, AcceptsCrlfLineEndings) {
  const auto rows = read_sst2_tsv(write("dev.tsv", "sentence\tlabel\r\nit 's a charming journey . \t1\r\n"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].text, "it 's a charming journey . ");
  EXPECT_EQ(rows[0].label, 1);
}

TEST_F(Sst2Test, ErrorsNameFileAndLine) {
  const auto header = write("header.tsv", "text\tlabel\nfine \t1\n");
  const std::string header_message = message_of([&] { read_sst2_tsv(header); });
  EXPECT_TRUE(contains(header_message, header + ":1:")) << header_message;

  const auto fields = write("fields.tsv", "sentence\tlabel\nfine \t1\nnot\tfine \t0\n");
  const std::string fields_message = message_of([&] { read_sst2_tsv(fields); });
  EXPECT_TRUE(contains(fields_message, fields + ":3:")) << fields_message;
  EXPECT_TRUE(contains(fields_message, "expected 2 tab-separated fields")) << fields_message;

  const auto label = write("label.tsv", "sentence\tlabel\nthree-way \t2\n");
  const std::string label_message = message_of([&] { read_sst2_tsv(label); });
  EXPECT_TRUE(contains(label_message, label + ":2:")) << label_message;
  EXPECT_TRUE(contains(label_message, "label '2'")) << label_message;
}

// ---- aclImdb ----

using ImdbTest = TempDir;

TEST_F(ImdbTest, ReadsNegThenPosInNumericIdOrder) {
  write("train/neg/0_3.txt", "Dull.<br /><br />Very dull.");
  write("train/pos/10_9.txt", "Loved it.");
  write("train/pos/2_8.txt", "Great<br /><br />fun.");
  const auto rows = read_imdb_split((dir_ / "train").string());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].text, "Dull.  Very dull.");
  EXPECT_EQ(rows[0].label, 0);
  EXPECT_EQ(rows[1].text, "Great  fun.");
  EXPECT_EQ(rows[1].label, 1);
  EXPECT_EQ(rows[2].text, "Loved it.");
  EXPECT_EQ(rows[2].label, 1);
}

TEST_F(ImdbTest, MissingNegDirectoryIsNamed) {
  write("train/pos/0_9.txt", "Good.");
  const std::string message = message_of([&] { read_imdb_split((dir_ / "train").string()); });
  EXPECT_TRUE(contains(message, (dir_ / "train" / "neg").string())) << message;
}

TEST_F(ImdbTest, BadFileNameIsNamed) {
  write("train/neg/0_3.txt", "Bad.");
  write("train/pos/1_9.txt", "Good.");
  const auto notes = write("train/pos/notes.txt", "not a review");
  const std::string message = message_of([&] { read_imdb_split((dir_ / "train").string()); });
  EXPECT_TRUE(contains(message, notes)) << message;
  EXPECT_TRUE(contains(message, "<id>_<rating>.txt")) << message;
}

TEST_F(ImdbTest, EmptyReviewIsNamed) {
  write("train/neg/0_3.txt", "Bad.");
  const auto empty = write("train/pos/1_9.txt", "");
  const std::string message = message_of([&] { read_imdb_split((dir_ / "train").string()); });
  EXPECT_TRUE(contains(message, empty)) << message;
}

// ---- Line corpora ----

using LinesTest = TempDir;

TEST_F(LinesTest, ReadsLinesKeepingEmptyOnes) {
  EXPECT_EQ(read_lines(write("wiki.train.tokens", "a b\n\nc\n")), (Strings{"a b", "", "c"}));
}

TEST_F(LinesTest, EmptyFileIsNamed) {
  const auto path = write("ptb.valid.txt", "");
  const std::string message = message_of([&] { read_lines(path); });
  EXPECT_TRUE(contains(message, path)) << message;
}
