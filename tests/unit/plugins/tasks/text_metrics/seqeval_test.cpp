// seqeval default mode (plugins/tasks/text_metrics/seqeval.h) against seqeval 1.2.x's own
// published vectors (github.com/chakki-works/seqeval): README.md and the docstrings of
// seqeval/metrics/sequence_labeling.py (get_entities, f1/precision/recall_score,
// classification_report), tests/test_metrics.py (get_entities cases, test_conll_f1score,
// test_value_error, test_undefined_metric_warning) and tests/test_v1.py (the report with a
// predicted-only type). Where seqeval's tests assert only a warning, or where tests/test_scheme.py
// shows what strict mode does, the expected entities follow get_entities / end_of_chunk /
// start_of_chunk step by step (each also checked against a transcription of that Python code).
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "seqeval.h"
#include "temp_dir_test.h"

using namespace optbench::text_metrics;
using optbench::testing::contains;
using optbench::testing::message_of;

namespace {

using Strings = std::vector<std::string>;
using Sentences = std::vector<Strings>;
using Entities = std::vector<Entity>;

// README.md / classification_report docstring.
const Sentences kReadmeTrue = {{"O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"}, {"B-PER", "I-PER", "O"}};
const Sentences kReadmePred = {{"O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"}, {"B-PER", "I-PER", "O"}};

Entities entities_of(const Strings& sentence) { return seqeval_entities(Sentences{sentence}); }

void expect_counts(const EntityScore& s, std::int64_t support, std::int64_t predicted, std::int64_t correct) {
  EXPECT_EQ(s.support, support);
  EXPECT_EQ(s.predicted, predicted);
  EXPECT_EQ(s.correct, correct);
}

void expect_prf(const EntityScore& s, double precision, double recall, double f1) {
  EXPECT_EQ(s.precision, precision);
  EXPECT_EQ(s.recall, recall);
  EXPECT_EQ(s.f1, f1);
}

// ---------------------------------------------------------------------------------------
// The README vector

TEST(SeqevalReadme, MicroAndPerTypeScores) {
  const SeqevalReport report = seqeval_report(kReadmeTrue, kReadmePred);
  // f1_score / precision_score / recall_score docstrings: 0.50; report: micro avg 0.50 0.50 0.50 2.
  expect_prf(report.micro, 0.5, 0.5, 0.5);
  expect_counts(report.micro, 2, 2, 1);
  ASSERT_EQ(report.per_type.size(), 2u);
  // MISC 0.00 0.00 0.00 1; PER 1.00 1.00 1.00 1.
  expect_prf(report.per_type.at("MISC"), 0, 0, 0);
  expect_counts(report.per_type.at("MISC"), 1, 1, 0);
  expect_prf(report.per_type.at("PER"), 1, 1, 1);
  expect_counts(report.per_type.at("PER"), 1, 1, 1);
}

TEST(SeqevalReadme, SentencesAreJoinedWithAnO) {
  // get_entities flattens [item for sublist in seq for item in sublist + ['O']]: the second
  // sentence starts at 7 + 1 = 8.
  EXPECT_EQ(seqeval_entities(kReadmeTrue), (Entities{{"MISC", 3, 5}, {"PER", 8, 9}}));
  EXPECT_EQ(seqeval_entities(kReadmePred), (Entities{{"MISC", 2, 5}, {"PER", 8, 9}}));
}

// ---------------------------------------------------------------------------------------
// get_entities

TEST(SeqevalEntities, DocstringExample) {
  // get_entities docstring: ['B-PER', 'I-PER', 'O', 'B-LOC'] -> [('PER', 0, 1), ('LOC', 3, 3)].
  EXPECT_EQ(entities_of({"B-PER", "I-PER", "O", "B-LOC"}), (Entities{{"PER", 0, 1}, {"LOC", 3, 3}}));
}

TEST(SeqevalEntities, TestMetricsGetEntities) {
  // tests/test_metrics.py test_get_entities.
  EXPECT_EQ(entities_of({"O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O", "B-PER", "I-PER"}),
            (Entities{{"MISC", 3, 5}, {"PER", 7, 8}}));
}

TEST(SeqevalEntities, PrefixOnlyTagsHaveTypeUnderscore) {
  // tests/test_metrics.py test_get_entities_with_only_IOB (nested: joined with 'O').
  EXPECT_EQ(seqeval_entities({{"O", "O", "O", "B", "I", "I", "O"}, {"B", "I", "O"}}),
            (Entities{{"_", 3, 5}, {"_", 8, 9}}));
  // With no type there is no type change to start a chunk: an I or E after O starts one by
  // the rules prev_tag == 'O' and tag in ('I', 'E') alone.
  EXPECT_EQ(entities_of({"O", "I", "I"}), (Entities{{"_", 1, 2}}));
  EXPECT_EQ(entities_of({"O", "E"}), (Entities{{"_", 1, 1}}));
}

TEST(SeqevalEntities, TagsWithoutDashSplitAfterTheFirstCharacter) {
  // tests/test_metrics.py test_get_entities_with_non_NE_input only asserts a UserWarning for
  // this input. get_entities still takes tag = chunk[0] and type = chunk[1:].split('-')[-1],
  // so "MISC" is prefix 'M' of type "ISC" and "PER" prefix 'P' of type "ER"; an unknown prefix
  // opens a chunk on a type change and closes it on the next one.
  EXPECT_EQ(entities_of({"O", "O", "O", "MISC", "MISC", "MISC", "O", "PER", "PER"}),
            (Entities{{"ISC", 3, 5}, {"ER", 7, 8}}));
}

TEST(SeqevalEntities, TypeIsWhatFollowsTheFirstDash) {
  // chunk[1:].split('-', maxsplit=1)[-1]: "I-ORG-COMPANY" has type "ORG-COMPANY" (as
  // tests/test_scheme.py test_token_tag expects of the strict Token too); "I-" has type "_".
  EXPECT_EQ(entities_of({"B-ORG-COMPANY", "I-ORG-COMPANY"}), (Entities{{"ORG-COMPANY", 0, 1}}));
  EXPECT_EQ(entities_of({"I-", "I"}), (Entities{{"_", 0, 1}}));
  // The prefix is the first character (code point), not the first byte.
  EXPECT_EQ(entities_of({"I-組織", "組織"}), (Entities{{"組織", 0, 0}, {"織", 1, 1}}));
}

TEST(SeqevalEntities, IAfterOStartsAChunk) {
  // start_of_chunk: prev_tag == 'O' and tag == 'I'. tests/test_scheme.py shows strict IOB2
  // finds nothing in ['O', 'I-PER']; the default (conlleval) mode finds a chunk.
  EXPECT_EQ(entities_of({"O", "I-PER"}), (Entities{{"PER", 1, 1}}));
  EXPECT_EQ(entities_of({"I-PER", "I-PER", "O", "I-LOC"}), (Entities{{"PER", 0, 1}, {"LOC", 3, 3}}));
}

TEST(SeqevalEntities, TypeChangeEndsAndStartsAChunk) {
  // end_of_chunk / start_of_chunk: prev_type != type_. Strict IOB2 (tests/test_scheme.py)
  // drops the I-ORG of ['B-PER', 'I-ORG']; the default mode makes it a chunk of its own.
  EXPECT_EQ(entities_of({"I-PER", "I-LOC"}), (Entities{{"PER", 0, 0}, {"LOC", 1, 1}}));
  EXPECT_EQ(entities_of({"B-PER", "I-ORG", "I-ORG"}), (Entities{{"PER", 0, 0}, {"ORG", 1, 2}}));
}

TEST(SeqevalEntities, BEndsAChunkOfTheSameType) {
  EXPECT_EQ(entities_of({"B-PER", "B-PER", "I-PER"}), (Entities{{"PER", 0, 0}, {"PER", 1, 2}}));
  EXPECT_EQ(entities_of({"I-PER", "B-PER"}), (Entities{{"PER", 0, 0}, {"PER", 1, 1}}));
}

TEST(SeqevalEntities, EAndSTags) {
  // prev_tag 'E' or 'S' always ends a chunk; 'S' and 'B' start one; 'E' after 'O' starts one.
  EXPECT_EQ(entities_of({"B-PER", "E-PER", "S-LOC", "O"}), (Entities{{"PER", 0, 1}, {"LOC", 2, 2}}));
  EXPECT_EQ(entities_of({"S-PER", "S-PER"}), (Entities{{"PER", 0, 0}, {"PER", 1, 1}}));
  EXPECT_EQ(entities_of({"O", "E-PER", "O"}), (Entities{{"PER", 1, 1}}));
  // I after E starts a new chunk (prev_tag == 'E' and tag == 'I').
  EXPECT_EQ(entities_of({"B-PER", "I-PER", "E-PER", "I-PER"}), (Entities{{"PER", 0, 2}, {"PER", 3, 3}}));
  // Strict IOBES (tests/test_scheme.py) rejects the unfinished ['B-PER', 'I-PER'] and keeps
  // only the S of ['I-PER', 'S-PER']; the default mode keeps both chunks.
  EXPECT_EQ(entities_of({"B-PER", "I-PER"}), (Entities{{"PER", 0, 1}}));
  EXPECT_EQ(entities_of({"I-PER", "S-PER"}), (Entities{{"PER", 0, 0}, {"PER", 1, 1}}));
}

TEST(SeqevalEntities, SentenceBoundaryEndsAChunk) {
  // The joining 'O' ends the first sentence's chunk and makes the next I- start a new one.
  EXPECT_EQ(seqeval_entities({{"B-PER", "I-PER"}, {"I-PER"}}), (Entities{{"PER", 0, 1}, {"PER", 3, 3}}));
  EXPECT_EQ(entities_of({"B-PER", "I-PER", "I-PER"}), (Entities{{"PER", 0, 2}}));
  // Empty sentences still contribute their 'O'.
  EXPECT_EQ(seqeval_entities({{}, {"S-LOC"}, {}, {"B-PER"}}), (Entities{{"LOC", 1, 1}, {"PER", 4, 4}}));
  EXPECT_TRUE(seqeval_entities({}).empty());
}

TEST(SeqevalEntities, DotPrefixQuirkIsReproduced) {
  // A '.' prefix is exempt from the type-change rules (as in conlleval): after "B-PER" a
  // ".-PER" keeps the chunk open, and the following 'O' does not close it (prev_tag '.' is
  // neither B nor I and is exempt), so get_entities never reports it.
  EXPECT_TRUE(entities_of({"B-PER", ".-PER"}).empty());
  // A bare "." (type '_') after I-PER does close the chunk through the type change.
  EXPECT_EQ(entities_of({"I-PER", ".", "I-PER"}), (Entities{{"PER", 0, 0}, {"PER", 2, 2}}));
}

TEST(SeqevalEntities, EmptyTagThrows) {
  // seqeval fails on chunk[0] of '' (IndexError).
  EXPECT_THROW(entities_of({"O", ""}), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------
// Scores

TEST(SeqevalReport, PredictedOnlyTypeIsReported) {
  // tests/test_v1.py TestClassificationReport.test_output_dict (all tags B-, so the default
  // mode finds the same entities as strict IOB2); seqeval 1.2's default classification_report
  // also lists every type of sorted(true | pred).
  const SeqevalReport report = seqeval_report({{"B-A", "B-B", "O", "B-A"}}, {{"O", "B-B", "B-C", "B-A"}});
  ASSERT_EQ(report.per_type.size(), 3u);
  expect_prf(report.per_type.at("A"), 1.0, 0.5, 0.6666666666666666);
  expect_counts(report.per_type.at("A"), 2, 1, 1);
  expect_prf(report.per_type.at("B"), 1.0, 1.0, 1.0);
  expect_counts(report.per_type.at("B"), 1, 1, 1);
  expect_prf(report.per_type.at("C"), 0.0, 0.0, 0.0);
  expect_counts(report.per_type.at("C"), 0, 1, 0);
  expect_prf(report.micro, 0.6666666666666666, 0.6666666666666666, 0.6666666666666666);
  expect_counts(report.micro, 3, 3, 2);
}

TEST(SeqevalReport, ScoreDocstringExample) {
  // f1_score / precision_score / recall_score docstrings: average=None -> [0.5, 1.] for
  // (MISC, PER), micro -> 0.6666666666666666.
  const Sentences y_true = {{"O", "O", "B-MISC", "I-MISC", "B-MISC", "O", "O"}, {"B-PER", "I-PER", "O"}};
  const Sentences y_pred = {{"O", "O", "B-MISC", "I-MISC", "B-MISC", "I-MISC", "O"}, {"B-PER", "I-PER", "O"}};
  const SeqevalReport report = seqeval_report(y_true, y_pred);
  expect_prf(report.per_type.at("MISC"), 0.5, 0.5, 0.5);
  expect_prf(report.per_type.at("PER"), 1.0, 1.0, 1.0);
  expect_prf(report.micro, 0.6666666666666666, 0.6666666666666666, 0.6666666666666666);
}

TEST(SeqevalReport, ConllModeCountsIStartAsCorrect) {
  // tests/test_metrics.py test_conll_f1score: f1 == 1 (strict IOB2 gives 0).
  const SeqevalReport report = seqeval_report({{"B-ORG", "I-ORG"}}, {{"I-ORG", "I-ORG"}});
  EXPECT_EQ(report.micro.f1, 1.0);
  expect_counts(report.per_type.at("ORG"), 1, 1, 1);
}

TEST(SeqevalReport, BoundaryMismatchIsWrong) {
  // Entities match on (type, begin, end): a predicted chunk one token too long is a miss.
  const SeqevalReport report = seqeval_report({{"B-PER", "O"}}, {{"B-PER", "I-PER"}});
  expect_counts(report.micro, 1, 1, 0);
  expect_prf(report.micro, 0, 0, 0);
}

TEST(SeqevalReport, ZeroDivisionGivesZero) {
  // tests/test_metrics.py test_undefined_metric_warning: f1_score([[]], [[]]) is ill-defined,
  // "warn" sets it to 0.
  const SeqevalReport empty = seqeval_report({{}}, {{}});
  EXPECT_TRUE(empty.per_type.empty());
  expect_prf(empty.micro, 0, 0, 0);
  expect_counts(empty.micro, 0, 0, 0);
  // No predictions: precision 0/0 -> 0; no gold: recall 0/0 -> 0.
  const SeqevalReport none_predicted = seqeval_report({{"B-PER"}}, {{"O"}});
  expect_prf(none_predicted.per_type.at("PER"), 0, 0, 0);
  expect_counts(none_predicted.per_type.at("PER"), 1, 0, 0);
  const SeqevalReport none_gold = seqeval_report({{"O"}}, {{"B-PER"}});
  expect_prf(none_gold.micro, 0, 0, 0);
  expect_counts(none_gold.per_type.at("PER"), 0, 1, 0);
}

TEST(SeqevalReport, InconsistentLengthsThrow) {
  // tests/test_metrics.py test_value_error: ([['O']], [[]]) and ([[]], [['O']]) raise ValueError.
  EXPECT_THROW(seqeval_report({{"O"}}, {{}}), std::invalid_argument);
  EXPECT_THROW(seqeval_report({{}}, {{"O"}}), std::invalid_argument);
  EXPECT_THROW(seqeval_report({{"O"}, {"O"}}, {{"O"}}), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------
// SeqevalScorer

void expect_same_report(const SeqevalReport& a, const SeqevalReport& b) {
  ASSERT_EQ(a.per_type.size(), b.per_type.size());
  for (const auto& [type, score] : a.per_type) {
    SCOPED_TRACE(type);
    ASSERT_EQ(b.per_type.count(type), 1u);
    expect_prf(b.per_type.at(type), score.precision, score.recall, score.f1);
    expect_counts(b.per_type.at(type), score.support, score.predicted, score.correct);
  }
  expect_prf(b.micro, a.micro.precision, a.micro.recall, a.micro.f1);
  expect_counts(b.micro, a.micro.support, a.micro.predicted, a.micro.correct);
}

TEST(SeqevalScorer, SentenceBySentenceEqualsTheReport) {
  SeqevalScorer scorer;
  for (std::size_t i = 0; i < kReadmeTrue.size(); ++i) scorer.add(kReadmeTrue[i], kReadmePred[i]);
  expect_same_report(seqeval_report(kReadmeTrue, kReadmePred), scorer.result());
  EXPECT_EQ(scorer.result().micro.f1, 0.5);
}

TEST(SeqevalScorer, LengthMismatchThrowsAndAddsNothing) {
  SeqevalScorer scorer;
  scorer.add({"B-PER", "I-PER"}, {"B-PER", "O"});
  EXPECT_THROW(scorer.add({"B-PER", "O"}, {"B-PER"}), std::invalid_argument);
  EXPECT_THROW(scorer.add({"B-PER", "O"}, {"B-PER", ""}), std::invalid_argument);
  scorer.add({"S-LOC"}, {"S-LOC"});
  expect_same_report(seqeval_report({{"B-PER", "I-PER"}, {"S-LOC"}}, {{"B-PER", "O"}, {"S-LOC"}}), scorer.result());
}

// seqeval's own definition: per type, |set(true) & set(pred)| over get_entities' tuples.
TEST(SeqevalScorer, CountsEqualSetIntersectionOfEntities) {
  const Strings tags = {"O", "O", "B-PER", "I-PER", "E-PER", "S-PER", "B-LOC", "I-LOC", "I-ORG", "B", "I", ".", "PER"};
  std::mt19937 rng(20240611);
  for (int trial = 0; trial < 300; ++trial) {
    Sentences gold, predicted;
    const int sentences = static_cast<int>(rng() % 5);
    for (int s = 0; s < sentences; ++s) {
      Strings g, p;
      const int length = static_cast<int>(rng() % 9);
      for (int i = 0; i < length; ++i) {
        g.push_back(tags[rng() % tags.size()]);
        p.push_back(rng() % 3 == 0 ? tags[rng() % tags.size()] : g.back());  // mostly right
      }
      gold.push_back(g);
      predicted.push_back(p);
    }
    using Key = std::tuple<std::string, std::int64_t, std::int64_t>;
    std::set<Key> true_set, pred_set;
    for (const auto& e : seqeval_entities(gold)) true_set.insert({e.type, e.begin, e.end});
    for (const auto& e : seqeval_entities(predicted)) pred_set.insert({e.type, e.begin, e.end});
    std::map<std::string, EntityScore> expected;
    for (const auto& k : true_set) {
      ++expected[std::get<0>(k)].support;
      if (pred_set.count(k)) ++expected[std::get<0>(k)].correct;
    }
    for (const auto& k : pred_set) ++expected[std::get<0>(k)].predicted;

    SeqevalScorer scorer;
    for (std::size_t i = 0; i < gold.size(); ++i) scorer.add(gold[i], predicted[i]);
    const SeqevalReport report = scorer.result();
    ASSERT_EQ(report.per_type.size(), expected.size()) << "trial " << trial;
    for (const auto& [type, counts] : expected) {
      SCOPED_TRACE("trial " + std::to_string(trial) + " type " + type);
      expect_counts(report.per_type.at(type), counts.support, counts.predicted, counts.correct);
    }
  }
}

// ---------------------------------------------------------------------------------------
// IOB1 -> IOB2

TEST(Iob1ToIob2, ConllSequences) {
  EXPECT_EQ(iob1_to_iob2({"I-PER", "I-PER", "O", "I-LOC"}), (Strings{"B-PER", "I-PER", "O", "B-LOC"}));
  EXPECT_EQ(iob1_to_iob2({"I-ORG", "B-ORG"}), (Strings{"B-ORG", "B-ORG"}));
  EXPECT_EQ(iob1_to_iob2({"I-PER", "I-LOC"}), (Strings{"B-PER", "B-LOC"}));
  EXPECT_EQ(iob1_to_iob2({"O", "I-MISC", "I-MISC", "B-MISC", "I-MISC"}),
            (Strings{"O", "B-MISC", "I-MISC", "B-MISC", "I-MISC"}));
  EXPECT_EQ(iob1_to_iob2({"B-PER", "I-PER"}), (Strings{"B-PER", "I-PER"}));  // IOB2 stays IOB2
  EXPECT_TRUE(iob1_to_iob2({}).empty());
}

TEST(Iob1ToIob2, RejectsOtherTags) {
  EXPECT_TRUE(contains(message_of([] { iob1_to_iob2({"O", "E-PER"}); }), "tag 1 \"E-PER\""));
  EXPECT_THROW(iob1_to_iob2({"PER"}), std::invalid_argument);
  EXPECT_THROW(iob1_to_iob2({"I-"}), std::invalid_argument);
}

TEST(Iob1ToIob2, Iob1GoldScoresLikeTheConvertedIob2) {
  // conlleval's rules (and so get_entities) already read IOB1; converting changes no entity.
  const Sentences fixed = {{"I-PER", "I-PER", "O", "I-LOC"}, {"I-ORG", "B-ORG"}, {"I-PER", "I-LOC"}};
  std::mt19937 rng(7);
  const Strings tags = {"O", "O", "I-PER", "I-LOC", "B-PER", "B-LOC"};
  Sentences iob1 = fixed;
  for (int s = 0; s < 200; ++s) {
    Strings sentence;
    for (int i = 0, n = static_cast<int>(rng() % 10); i < n; ++i) sentence.push_back(tags[rng() % tags.size()]);
    iob1.push_back(sentence);
  }
  Sentences iob2;
  for (const auto& sentence : iob1) iob2.push_back(iob1_to_iob2(sentence));
  for (std::size_t i = 0; i < iob1.size(); ++i) {
    EXPECT_EQ(entities_of(iob1[i]), entities_of(iob2[i])) << "sentence " << i;
  }
  const SeqevalReport report = seqeval_report(iob1, iob2);
  EXPECT_GT(report.micro.support, 100);
  EXPECT_EQ(report.micro.correct, report.micro.support);
  EXPECT_EQ(report.micro.f1, 1.0);
}

// ---------------------------------------------------------------------------------------
// read_conll_predictions

class ReadConllPredictions : public optbench::testing::TempDirTest {
 protected:
  std::string write(const std::string& name, const std::string& bytes) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
};

TEST_F(ReadConllPredictions, ReadsSentencesAndSkipsDocstart) {
  const std::string path = write("pred.txt",
                                 "-DOCSTART- -X- O O\r\n"
                                 "\r\n"
                                 "EU NNP B-ORG B-ORG\r\n"
                                 "rejects VBZ O O\r\n"
                                 "German JJ B-MISC B-PER\r\n"
                                 "\r\n"
                                 "\r\n"
                                 "Peter\tNNP   B-PER\tB-PER\r\n"
                                 "-DOCSTART- -X- O O\n"
                                 "Blackburn NNP B-PER O");  // no final newline
  const auto [gold, predicted] = read_conll_predictions(path);
  EXPECT_EQ(gold, (Sentences{{"B-ORG", "O", "B-MISC"}, {"B-PER"}, {"B-PER"}}));
  EXPECT_EQ(predicted, (Sentences{{"B-ORG", "O", "B-PER"}, {"B-PER"}, {"O"}}));
  const SeqevalReport report = seqeval_report(gold, predicted);
  expect_counts(report.micro, 4, 3, 2);
}

TEST_F(ReadConllPredictions, ThreeColumns) {
  const auto [gold, predicted] = read_conll_predictions(write("three.txt", "a I-PER I-PER\nb I-LOC O\n"));
  EXPECT_EQ(gold, (Sentences{{"I-PER", "I-LOC"}}));
  EXPECT_EQ(predicted, (Sentences{{"I-PER", "O"}}));
}

TEST_F(ReadConllPredictions, OneColumnLineNamesFileAndLine) {
  const std::string path = write("bad.txt", "a B-PER B-PER\n\nlonely\n");
  const std::string message = message_of([&] { read_conll_predictions(path); });
  EXPECT_TRUE(contains(message, path + ":3: ")) << message;
  EXPECT_TRUE(contains(message, "got 1")) << message;
  EXPECT_THROW(read_conll_predictions(path), std::runtime_error);
}

TEST_F(ReadConllPredictions, TwoColumnsOrChangingColumnCountsThrow) {
  const std::string two = write("two.txt", "a B-PER B-PER\nB-PER O\n");
  EXPECT_TRUE(contains(message_of([&] { read_conll_predictions(two); }), two + ":2: "));
  const std::string changing = write("changing.txt", "a NN B-PER B-PER\n\nb B-PER O\n");
  EXPECT_TRUE(contains(message_of([&] { read_conll_predictions(changing); }), changing + ":3: expected 4 columns"));
}

TEST_F(ReadConllPredictions, MissingFileThrows) {
  const std::string path = (dir_ / "missing.txt").string();
  EXPECT_EQ(message_of([&] { read_conll_predictions(path); }), path + ": cannot open");
}

}  // namespace
