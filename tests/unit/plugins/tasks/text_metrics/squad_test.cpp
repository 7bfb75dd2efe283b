// SQuAD v1.1 EM/F1 against the official evaluate-v1.1.py (allenai/bi-att-flow
// squad/evaluate-v1.1.py; Hugging Face evaluate's squad compute_score.py is
// the same code): normalize_answer, f1_score, exact_match_score,
// metric_max_over_ground_truths and evaluate() on files in the official
// layout. Expected values are worked out by hand below and agree with the
// script run under CPython 3.12.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "squad.h"
#include "temp_dir_test.h"

namespace fs = std::filesystem;
using namespace optbench::text_metrics;
using optbench::testing::contains;
using optbench::testing::message_of;
using Strings = std::vector<std::string>;

namespace {

// f1_score's arithmetic, in its order, for hand-counted tokens.
double f1_from_counts(double num_same, double prediction_tokens, double truth_tokens) {
  const double precision = 1.0 * num_same / prediction_tokens;
  const double recall = 1.0 * num_same / truth_tokens;
  return (2 * precision * recall) / (precision + recall);
}

// ------------------------------------------------------------ normalize_answer

TEST(SquadNormalize, LowercasesAndRemovesArticles) {
  EXPECT_EQ(squad_normalize("The Eiffel Tower"), "eiffel tower");
  EXPECT_EQ(squad_normalize("An apple a day"), "apple day");
  EXPECT_EQ(squad_exact_match("The Eiffel Tower", "eiffel tower"), 1.0);
}

TEST(SquadNormalize, RemovesAsciiPunctuation) {
  EXPECT_EQ(squad_normalize("Denver Broncos!"), "denver broncos");
  EXPECT_EQ(squad_exact_match("Denver Broncos!", "Denver Broncos"), 1.0);
  EXPECT_EQ(squad_normalize("U.S."), "us");
  EXPECT_EQ(squad_normalize("Levi's Stadium, (CA)"), "levis stadium ca");
  // Every character of string.punctuation goes, spaces around them stay.
  EXPECT_EQ(squad_normalize("x !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ y"), "x y");
}

TEST(SquadNormalize, KeepsNonAsciiPunctuation) {
  // string.punctuation is ASCII only.
  EXPECT_EQ(squad_normalize("it\u2019s \u201cquoted\u201d \u00bfqu\u00e9?"),
            "it\u2019s \u201cquoted\u201d \u00bfqu\u00e9");
  EXPECT_EQ(squad_exact_match("it's", "it\u2019s"), 0.0);
}

TEST(SquadNormalize, RemovesArticlesOnlyAsWholeWords) {
  EXPECT_EQ(squad_normalize("theater"), "theater");
  EXPECT_EQ(squad_normalize("another anthem"), "another anthem");
  EXPECT_EQ(squad_normalize("Then a theme"), "then theme");
}

TEST(SquadNormalize, RemovesPunctuationBeforeArticles) {
  // remove_punc runs first, so "a-team" is one word by the time \b looks.
  EXPECT_EQ(squad_normalize("a-team"), "ateam");
  EXPECT_EQ(squad_normalize("the_end"), "theend");
  // ... and an article glued to punctuation becomes a whole word.
  EXPECT_EQ(squad_normalize("(the) end"), "end");
}

TEST(SquadNormalize, WordBoundariesAreUnicodeAware) {
  // Python 3's \b: non-ASCII letters are word characters ...
  EXPECT_EQ(squad_normalize("\u00e9the the\u00e9 caf\u00e9"), "\u00e9the the\u00e9 caf\u00e9");
  // ... non-ASCII punctuation is not, so it borders an article.
  EXPECT_EQ(squad_normalize("a\u2014b"), "\u2014b");
  // Combining marks are not word characters either: "the" + U+0301 loses "the".
  EXPECT_EQ(squad_normalize("the\u0301"), "\u0301");
}

TEST(SquadNormalize, LowercasesLikePythonStrLower) {
  EXPECT_EQ(squad_normalize("\u00c9COLE"), "\u00e9cole");  // ÉCOLE -> école
  // Capital sigma becomes final sigma at the end of a word.
  EXPECT_EQ(squad_normalize("\u039f\u0394\u039f\u03a3"), "\u03bf\u03b4\u03bf\u03c2");     // ΟΔΟΣ -> οδος
  EXPECT_EQ(squad_normalize("\u03a3\u039f\u03a3"), "\u03c3\u03bf\u03c2");                  // ΣΟΣ -> σος
  EXPECT_EQ(squad_normalize("\u0391\u03a3."), "\u03b1\u03c2");                             // ΑΣ. -> ας
  // Case-ignorable code points are skipped both ways: "." (before remove_punc
  // drops it) and combining marks.
  EXPECT_EQ(squad_normalize("\u0391\u03a3.\u0392"), "\u03b1\u03c3\u03b2");               // ΑΣ.Β -> ασβ
  EXPECT_EQ(squad_normalize("\u0391\u0301\u03a3"), "\u03b1\u0301\u03c2");                // ΆΣ -> ά ς
  EXPECT_EQ(squad_exact_match("\u039f\u0394\u039f\u03a3", "\u03bf\u03b4\u03bf\u03c3"), 0.0);
  // U+0130 lower-cases to "i" + COMBINING DOT ABOVE.
  EXPECT_EQ(squad_normalize("\u0130stanbul"), "i\u0307stanbul");
}

TEST(SquadNormalize, CollapsesPythonWhitespace) {
  EXPECT_EQ(squad_normalize("  \tDenver\u00a0\u3000 Broncos\n"), "denver broncos");
  EXPECT_EQ(squad_normalize("x\x1fy"), "x y");                // str.split() splits at U+001F
  EXPECT_EQ(squad_normalize("x\u200by"), "x\u200by");        // ... but not at ZERO WIDTH SPACE
  EXPECT_EQ(squad_normalize("the a an"), "");
  EXPECT_EQ(squad_normalize(""), "");
}

TEST(SquadNormalize, KeepsInvalidUtf8Bytes) {
  EXPECT_EQ(squad_normalize("A \xff THE"), "\xff");
}

// -------------------------------------------------------- exact match and F1

TEST(SquadF1, PartialOverlapByHand) {
  // "cat sat on mat" vs "cat on mat": 3 common of 4 and 3 tokens,
  // P = 3/4, R = 1, F1 = 2 * 3/4 / (7/4) = 6/7.
  const double f1 = squad_f1("the cat sat on the mat", "a cat on a mat");
  EXPECT_EQ(f1, f1_from_counts(3, 4, 3));
  EXPECT_NEAR(f1, 6.0 / 7.0, 1e-15);
  EXPECT_EQ(squad_exact_match("the cat sat on the mat", "a cat on a mat"), 0.0);
  // Symmetric roles: P = 1, R = 3/4.
  EXPECT_EQ(squad_f1("a cat on a mat", "the cat sat on the mat"), f1_from_counts(3, 3, 4));
}

TEST(SquadF1, CountsDuplicatedTokensAsCounterIntersection) {
  // min(3, 2) = 2 common "cat"s (a set intersection would give 1):
  // P = 2/3, R = 2/3, F1 = 2/3.
  EXPECT_EQ(squad_f1("cat cat cat", "cat dog cat"), f1_from_counts(2, 3, 3));
  EXPECT_NEAR(squad_f1("cat cat cat", "cat dog cat"), 2.0 / 3.0, 1e-15);
  // One "cat" in the truth matches only one of the prediction's: P = 1/3, R = 1.
  EXPECT_EQ(squad_f1("cat cat cat", "cat"), 0.5);
}

TEST(SquadF1, IsZeroWithoutCommonTokens) {
  EXPECT_EQ(squad_f1("Denver", "Carolina Panthers"), 0.0);
  EXPECT_EQ(squad_f1("the", "Carolina"), 0.0);
}

TEST(SquadF1, EmptyPredictionScoresZero) {
  EXPECT_EQ(squad_f1("", "Denver Broncos"), 0.0);
  EXPECT_EQ(squad_exact_match("", "Denver Broncos"), 0.0);
  // Both normalise to "": equal strings (EM 1) but num_same == 0 (F1 0);
  // v1.1 has no special case for empty answers.
  EXPECT_EQ(squad_exact_match("The", "a"), 1.0);
  EXPECT_EQ(squad_f1("The", "a"), 0.0);
  EXPECT_EQ(squad_f1("", ""), 0.0);
}

TEST(SquadMaxOver, TakesTheBestGroundTruth) {
  const Strings truths = {"Panthers", "Carolina Panthers", "the Panthers of Carolina"};
  // 1 of 3 tokens vs 1 (F1 1/2); 2 of 3 vs 2 (F1 4/5); 2 of 3 vs 3 (F1 2/3).
  EXPECT_EQ(squad_max_over(squad_f1, "Carolina Panthers team", truths), f1_from_counts(2, 3, 2));
  EXPECT_NEAR(squad_max_over(squad_f1, "Carolina Panthers team", truths), 0.8, 1e-15);
  EXPECT_EQ(squad_max_over(squad_exact_match, "Carolina Panthers team", truths), 0.0);
  EXPECT_EQ(squad_max_over(squad_exact_match, "the carolina panthers", truths), 1.0);
  EXPECT_EQ(squad_max_over(squad_f1, "Carolina Panthers", {"Panthers"}), f1_from_counts(1, 2, 1));
}

TEST(SquadMaxOver, RejectsNoGroundTruths) {
  EXPECT_THROW(squad_max_over(squad_f1, "x", {}), std::invalid_argument);
  SquadScorer scorer;
  EXPECT_THROW(scorer.add("x", {}), std::invalid_argument);
}

// ------------------------------------------------------------------ scorer

TEST(SquadScorer, AveragesAsPercentages) {
  SquadScorer scorer;
  EXPECT_EQ(scorer.result().questions, 0);
  EXPECT_EQ(scorer.result().f1, 0.0);
  scorer.add("Denver Broncos", {"Broncos", "Denver Broncos"});   // EM 1, F1 1
  scorer.add("the cat sat on the mat", {"a cat on a mat"});       // EM 0, F1 6/7
  scorer.add_unanswered();                                        // 0, 0
  scorer.add("nothing", {"something"});                           // 0, 0
  const SquadResult result = scorer.result();
  EXPECT_EQ(result.questions, 4);
  EXPECT_EQ(result.unanswered, 1);
  EXPECT_EQ(result.exact_match, 25.0);
  EXPECT_EQ(result.f1, 100.0 * (1.0 + f1_from_counts(3, 4, 3)) / 4);
  EXPECT_NEAR(result.f1, 100.0 * (13.0 / 7.0) / 4, 1e-12);
}

// ------------------------------------------------------------------- files

class SquadFiles : public optbench::testing::TempDirTest {
 protected:
  std::string write(const std::string& name, const std::string& content) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }
};

// Two articles in the official layout; q3 gets no prediction.
const char* const kDataset = R"json({"version": "1.1", "data": [
  {"title": "Super_Bowl_50", "paragraphs": [
    {"context": "The AFC champion Denver Broncos played at Levi's Stadium in the San Francisco Bay Area at Santa Clara, California.",
     "qas": [
       {"id": "q1", "question": "Which NFL team represented the AFC at Super Bowl 50?",
        "answers": [{"text": "Denver Broncos", "answer_start": 17}, {"text": "Denver Broncos", "answer_start": 17}]},
       {"id": "q2", "question": "Where did Super Bowl 50 take place?",
        "answers": [{"text": "Santa Clara, California", "answer_start": 90},
                    {"text": "Levi's Stadium", "answer_start": 42},
                    {"text": "Levi's Stadium in the San Francisco Bay Area at Santa Clara, California.", "answer_start": 42}]}]},
    {"context": "Gold was the theme.",
     "qas": [{"id": "q3", "question": "What was the theme?", "answers": [{"text": "gold", "answer_start": 0}]}]}]},
  {"title": "Cats", "paragraphs": [
    {"context": "The cat sat on the mat.",
     "qas": [
       {"id": "q4", "question": "Who sat?", "answers": [{"text": "The cat", "answer_start": 0}]},
       {"id": "q5", "question": "What happened?", "answers": [{"text": "a cat on a mat", "answer_start": 4}]}]}]}]})json";

const char* const kPredictions = R"json({"q1": "Denver Broncos", "q2": "Levi's Stadium in Santa Clara",
  "q4": "A cat!", "q5": "the cat sat on the mat", "not-in-dataset": "ignored"})json";

TEST_F(SquadFiles, EvaluatesLikeTheOfficialScript) {
  const SquadResult result = squad_evaluate_files(write("dev.json", kDataset), write("pred.json", kPredictions));
  EXPECT_EQ(result.questions, 5);
  EXPECT_EQ(result.unanswered, 1);
  // EM: q1 and q4 -> 100 * 2 / 5.
  EXPECT_EQ(result.exact_match, 40.0);
  // F1: q1 1; q2 max(2 of 5 vs 3 -> 1/2, 2 of 5 vs 2 -> 4/7, 5 of 5 vs 11 -> 5/8);
  // q3 unanswered 0; q4 1; q5 6/7. Summed in question order as the script does.
  EXPECT_EQ(squad_max_over(squad_f1, "Levi's Stadium in Santa Clara",
                           {"Santa Clara, California", "Levi's Stadium",
                            "Levi's Stadium in the San Francisco Bay Area at Santa Clara, California."}),
            0.625);
  const double f1_sum = 1.0 + 0.625 + 1.0 + f1_from_counts(3, 4, 3);
  EXPECT_EQ(result.f1, 100.0 * f1_sum / 5);
  // evaluate-v1.1.py prints {"exact_match": 40.0, "f1": 69.64285714285714}.
  EXPECT_NEAR(result.f1, 69.64285714285714, 1e-12);
}

TEST_F(SquadFiles, WarnsAboutAnotherVersionButEvaluates) {
  std::string dataset = kDataset;
  dataset.replace(dataset.find("\"1.1\""), 5, "\"v2.0\"");
  ::testing::internal::CaptureStderr();
  const SquadResult result = squad_evaluate_files(write("dev.json", dataset), write("pred.json", kPredictions));
  const std::string warning = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(contains(warning, "Evaluation expects v-1.1, but got dataset with v-v2.0")) << warning;
  EXPECT_EQ(result.exact_match, 40.0);
}

TEST_F(SquadFiles, EmptyPredictionsLeaveEveryQuestionUnanswered) {
  const SquadResult result = squad_evaluate_files(write("dev.json", kDataset), write("pred.json", "{}"));
  EXPECT_EQ(result.questions, 5);
  EXPECT_EQ(result.unanswered, 5);
  EXPECT_EQ(result.exact_match, 0.0);
  EXPECT_EQ(result.f1, 0.0);
}

TEST_F(SquadFiles, MalformedJsonNamesTheFile) {
  const std::string dataset = write("dev.json", kDataset);
  const std::string predictions = write("pred.json", R"({"q1": "Denver Broncos",})");
  const std::string message = message_of([&] { squad_evaluate_files(dataset, predictions); });
  EXPECT_TRUE(contains(message, predictions)) << message;
  EXPECT_TRUE(contains(message, "invalid JSON")) << message;

  const std::string truncated = write("truncated.json", std::string(kDataset).substr(0, 100));
  const std::string message2 = message_of([&] { squad_evaluate_files(truncated, predictions); });
  EXPECT_TRUE(contains(message2, truncated + ": invalid JSON")) << message2;
}

TEST_F(SquadFiles, MissingFileNamesTheFile) {
  const std::string missing = (dir_ / "absent.json").string();
  const std::string message = message_of([&] { squad_evaluate_files(missing, missing); });
  EXPECT_TRUE(contains(message, missing + ": cannot be opened")) << message;
}

TEST_F(SquadFiles, MissingAnswersNamesTheJsonPath) {
  std::string dataset = kDataset;
  // q5 is data[1].paragraphs[0].qas[1].
  const std::string q5_answers = R"(, "answers": [{"text": "a cat on a mat", "answer_start": 4}])";
  dataset.erase(dataset.find(q5_answers), q5_answers.size());
  const std::string path = write("dev.json", dataset);
  const std::string message = message_of([&] { squad_evaluate_files(path, write("pred.json", kPredictions)); });
  EXPECT_TRUE(contains(message, path + ": data[1].paragraphs[0].qas[1].answers: missing")) << message;
}

TEST_F(SquadFiles, WrongTypesNameTheJsonPath) {
  const std::string predictions = write("pred.json", kPredictions);
  const auto message_for = [&](const std::string& dataset) {
    return message_of([&] { squad_evaluate_files(write("dev.json", dataset), predictions); });
  };
  EXPECT_TRUE(contains(message_for(R"({"version": "1.1", "data": {}})"), "data: expected an array, got object"));
  EXPECT_TRUE(contains(message_for(R"({"data": []})"), "version: missing"));
  EXPECT_TRUE(contains(message_for("[]"), "top level: expected an object, got array"));
  EXPECT_TRUE(contains(message_for(R"({"version": "1.1", "data": [{"paragraphs": [{"qas": [{"id": 7}]}]}]})"),
                       "data[0].paragraphs[0].qas[0].id: expected a string, got number"));
  const std::string bad_answer = R"({"version": "1.1", "data": [{"paragraphs": [{"qas": [
      {"id": "q1", "answers": [{"text": "x"}, {"answer_start": 3}]}]}]}]})";
  EXPECT_TRUE(contains(message_for(bad_answer), "data[0].paragraphs[0].qas[0].answers[1].text: missing"));

  const std::string dataset = write("dev.json", kDataset);
  const std::string bad_prediction = write("bad_pred.json", R"({"q1": ["Denver"]})");
  const std::string message = message_of([&] { squad_evaluate_files(dataset, bad_prediction); });
  EXPECT_TRUE(contains(message, bad_prediction + ": [\"q1\"]: expected a string, got array")) << message;
}

TEST_F(SquadFiles, EmptyAnswersFailOnlyWhenAnswered) {
  const std::string dataset = write("dev.json", R"({"version": "1.1", "data": [{"paragraphs": [{"qas": [
      {"id": "q1", "answers": [{"text": "x"}]}, {"id": "q2", "answers": []}]}]}]})");
  const SquadResult result = squad_evaluate_files(dataset, write("pred.json", R"({"q1": "x"})"));
  EXPECT_EQ(result.exact_match, 50.0);
  EXPECT_EQ(result.unanswered, 1);
  const std::string predictions = write("pred2.json", R"({"q1": "x", "q2": "y"})");
  const std::string message = message_of([&] { squad_evaluate_files(dataset, predictions); });
  EXPECT_TRUE(contains(message, dataset + ": data[0].paragraphs[0].qas[1].answers: empty")) << message;
}

TEST_F(SquadFiles, RejectsADatasetWithoutQuestions) {
  const std::string dataset = write("dev.json", R"({"version": "1.1", "data": []})");
  const std::string message = message_of([&] { squad_evaluate_files(dataset, write("pred.json", "{}")); });
  EXPECT_TRUE(contains(message, dataset + ": data: no questions")) << message;
}

}  // namespace
