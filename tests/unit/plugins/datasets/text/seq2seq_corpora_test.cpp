// Sequence-to-sequence corpus readers on fixtures written in the distributed formats:
// IWSLT'14 de-en train.tags files (cleaned as fairseq's examples/translation/
// prepare-iwslt14.sh does) and IWSLT14.TED*.xml dev/test files, line-aligned Europarl
// files, CNN/DailyMail .story files and URL lists (read as abisee/cnn-dailymail
// make_datafiles.py and huggingface datasets cnn_dailymail.py read them), and AESLC
// enron_subject_line e-mails (as huggingface datasets aeslc.py parses them), with the
// error messages that name the offending file and line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "seq2seq_corpora.h"
#include "temp_dir_test.h"

namespace fs = std::filesystem;
using namespace optbench::text;
using optbench::testing::contains;
using optbench::testing::message_of;
using Strings = std::vector<std::string>;
using Pairs = std::vector<std::pair<std::string, std::string>>;

namespace {

using TempDir = optbench::testing::TempDirTest;

// TextPairs as (source, target) pairs, so whole results compare with one EXPECT_EQ.
Pairs as_pairs(const std::vector<TextPair>& text_pairs) {
  Pairs out;
  for (const auto& p : text_pairs) out.emplace_back(p.source, p.target);
  return out;
}

}  // namespace

// ---- IWSLT'14 train.tags ----

using IwsltTrainTest = TempDir;

TEST_F(IwsltTrainTest, CleansTheTalkMetadataAsFairseqDoes) {
  // Two talks as in train.tags.de-en.{de,en}: each opens with its metadata lines.
  const auto de = write(
      "train.tags.de-en.de",
      "<url>http://www.ted.com/talks/lang/de/al_gore_on_averting_climate_crisis.html</url>\n"
      "<keywords>talks, alternative energy, cars, climate change, culture, environment</keywords>\n"
      "<speaker>Al Gore</speaker>\n"
      "<talkid>1</talkid>\n"
      "<title>Al Gore \xC3\xBC" "ber die Abwendung der Klimakrise</title>\n"
      "<description>TED Talk Subtitles and Transcript: Al Gore nennt 15 Wege.</description>\n"
      "Vielen Dank, Chris.\n"
      "Es ist mir wirklich eine Ehre, zweimal auf dieser B\xC3\xBChne stehen zu d\xC3\xBC" "rfen.\n"
      "<url>http://www.ted.com/talks/lang/de/david_pogue_says_simplicity_sells.html</url>\n"
      "<keywords>talks, computers, design, entertainment, interface design</keywords>\n"
      "<speaker>David Pogue</speaker>\n"
      "<talkid>7</talkid>\n"
      "<title>David Pogue \xC3\xBC" "ber Einfachheit</title>\n"
      "<description>TED Talk Subtitles and Transcript: David Pogue singt.</description>\n"
      "Musik.\n");
  const auto en = write(
      "train.tags.de-en.en",
      "<url>http://www.ted.com/talks/al_gore_on_averting_climate_crisis.html</url>\n"
      "<keywords>talks, alternative energy, cars, climate change, culture, environment</keywords>\n"
      "<speaker>Al Gore</speaker>\n"
      "<talkid>1</talkid>\n"
      "<title>Averting the climate crisis</title>\n"
      "<description>TED Talk Subtitles and Transcript: Al Gore spells out 15 ways.</description>\n"
      "Thank you so much, Chris.\n"
      "And it's truly a great honor to have the opportunity to come to this stage twice.\n"
      "<url>http://www.ted.com/talks/david_pogue_says_simplicity_sells.html</url>\n"
      "<keywords>talks, computers, design, entertainment, interface design</keywords>\n"
      "<speaker>David Pogue</speaker>\n"
      "<talkid>7</talkid>\n"
      "<title>Simplicity sells</title>\n"
      "<description>TED Talk Subtitles and Transcript: David Pogue sings.</description>\n"
      "Music.\n");
  EXPECT_EQ(as_pairs(read_iwslt_train(de, en)),
            (Pairs{
                {"<speaker>Al Gore</speaker>", "<speaker>Al Gore</speaker>"},  // fairseq keeps <speaker>
                {"Al Gore \xC3\xBC" "ber die Abwendung der Klimakrise", "Averting the climate crisis"},
                {"TED Talk Subtitles and Transcript: Al Gore nennt 15 Wege.",
                 "TED Talk Subtitles and Transcript: Al Gore spells out 15 ways."},
                {"Vielen Dank, Chris.", "Thank you so much, Chris."},
                {"Es ist mir wirklich eine Ehre, zweimal auf dieser B\xC3\xBChne stehen zu d\xC3\xBC" "rfen.",
                 "And it's truly a great honor to have the opportunity to come to this stage twice."},
                {"<speaker>David Pogue</speaker>", "<speaker>David Pogue</speaker>"},
                {"David Pogue \xC3\xBC" "ber Einfachheit", "Simplicity sells"},
                {"TED Talk Subtitles and Transcript: David Pogue singt.",
                 "TED Talk Subtitles and Transcript: David Pogue sings."},
                {"Musik.", "Music."},
            }));
}

TEST_F(IwsltTrainTest, MisalignedFilesNameBothFilesAndTheirCleanedLineCounts) {
  // 8 raw lines, 5 once <url>, <keywords> and <talkid> are dropped.
  const auto de = write("train.tags.de-en.de",
                        "<url>http://www.ted.com/talks/lang/de/al_gore_on_averting_climate_crisis.html</url>\n"
                        "<keywords>talks, climate change</keywords>\n"
                        "<speaker>Al Gore</speaker>\n"
                        "<talkid>1</talkid>\n"
                        "<title>Al Gore \xC3\xBC" "ber die Abwendung der Klimakrise</title>\n"
                        "Vielen Dank, Chris.\n"
                        "Es ist mir wirklich eine Ehre.\n"
                        "Ich bin sehr dankbar.\n");
  // 7 raw lines, 4 after cleaning.
  const auto en = write("train.tags.de-en.en",
                        "<url>http://www.ted.com/talks/al_gore_on_averting_climate_crisis.html</url>\n"
                        "<keywords>talks, climate change</keywords>\n"
                        "<speaker>Al Gore</speaker>\n"
                        "<talkid>1</talkid>\n"
                        "<title>Averting the climate crisis</title>\n"
                        "Thank you so much, Chris.\n"
                        "It's truly a great honor; I'm extremely grateful.\n");
  const std::string message = message_of([&] { read_iwslt_train(de, en); });
  EXPECT_TRUE(contains(message, de + " has 5 lines")) << message;
  EXPECT_TRUE(contains(message, en + " has 4")) << message;
}

// ---- IWSLT'14 dev/test XML ----

using IwsltSegmentsTest = TempDir;

TEST_F(IwsltSegmentsTest, ReadsSegmentsInOrderTrimmedWithApostrophesNormalised) {
  // The layout of IWSLT14.TED.dev2010.de-en.en.xml; U+2019 is \xE2\x80\x99.
  const auto path = write(
      "IWSLT14.TED.dev2010.de-en.en.xml",
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<mteval>\n"
      "<refset setid=\"iwslt2010-dev\" srclang=\"german\" trglang=\"english\" refid=\"ref\">\n"
      "<doc docid=\"535\" genre=\"lectures\">\n"
      "<url>http://www.ted.com/talks/mark_roth_suspended_animation.html</url>\n"
      "<description>TED Talk Subtitles and Transcript: Mark Roth\xE2\x80\x99s research.</description>\n"
      "<keywords>talks, biology, medicine, science</keywords>\n"
      "<speaker>Mark Roth</speaker>\n"
      "<talkid>535</talkid>\n"
      "<title>Suspended animation is within our grasp</title>\n"
      "<seg id=\"1\"> I\xE2\x80\x99m going to talk to you about some stuff that\xE2\x80\x99s in this book of mine. </seg>\n"
      "<seg id=\"2\">\tAnd I want to start with a story. </seg>\n"
      "</doc>\n"
      "<doc docid=\"531\" genre=\"lectures\">\n"
      "<talkid>531</talkid>\n"
      "<title>The 4 a.m. mystery</title>\n"
      "<seg id=\"1\">Thank you.</seg>\n"
      "</doc>\n"
      "</refset>\n"
      "</mteval>\n");
  EXPECT_EQ(read_iwslt_segments(path), (Strings{"I'm going to talk to you about some stuff that's in this book of mine.",
                                                "And I want to start with a story.", "Thank you."}));
}

TEST_F(IwsltSegmentsTest, FileWithoutSegmentsIsNamed) {
  const auto path = write("IWSLT14.TED.tst2010.de-en.de.xml",
                          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<mteval>\n"
                          "<srcset setid=\"iwslt2010-tst\" srclang=\"german\">\n"
                          "<doc docid=\"69\" genre=\"lectures\">\n"
                          "<talkid>69</talkid>\n"
                          "</doc>\n"
                          "</srcset>\n"
                          "</mteval>\n");
  const std::string message = message_of([&] { read_iwslt_segments(path); });
  EXPECT_TRUE(contains(message, path)) << message;
  EXPECT_TRUE(contains(message, "no <seg")) << message;
}

TEST_F(IwsltSegmentsTest, SegmentWithoutClosingTagNamesFileAndLine) {
  const auto path = write("IWSLT14.TED.tst2010.de-en.de.xml",
                          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<mteval>\n"
                          "<srcset setid=\"iwslt2010-tst\" srclang=\"german\">\n"
                          "<doc docid=\"69\" genre=\"lectures\">\n"
                          "<seg id=\"1\"> Vielen Dank. </seg>\n"
                          "<seg id=\"2\"> Es ist mir eine Ehre. </seg>\n"
                          "<seg id=\"3\"> Ich bin sehr dankbar.\n"
                          "</doc>\n");
  const std::string message = message_of([&] { read_iwslt_segments(path); });
  EXPECT_TRUE(contains(message, path + ":7:")) << message;
}

// ---- Europarl line-aligned files ----

using ParallelLinesTest = TempDir;

TEST_F(ParallelLinesTest, DropsPairsWithAnEmptySideAndKeepsTheRestAligned) {
  const auto de = write("europarl-v7.de-en.de",
                        "Wiederaufnahme der Sitzungsperiode\n"
                        "\n"
                        "Wie Sie feststellen konnten, ist der gef\xC3\xBCrchtete Millenium-Bug nicht eingetreten.\n"
                        "Bitte erheben Sie sich zu einer Schweigeminute.\n"
                        "(Das Parlament erhebt sich zu einer Schweigeminute.)\n");
  const auto en = write("europarl-v7.de-en.en",
                        "Resumption of the session\n"
                        "I declare resumed the session of the European Parliament.\n"
                        "Although, as you will have seen, the dreaded 'millennium bug' failed to materialise.\n"
                        " \n"
                        "(The House rose and observed a minute' s silence)\n");
  EXPECT_EQ(as_pairs(read_parallel_lines(de, en)),
            (Pairs{
                {"Wiederaufnahme der Sitzungsperiode", "Resumption of the session"},
                {"Wie Sie feststellen konnten, ist der gef\xC3\xBCrchtete Millenium-Bug nicht eingetreten.",
                 "Although, as you will have seen, the dreaded 'millennium bug' failed to materialise."},
                {"(Das Parlament erhebt sich zu einer Schweigeminute.)",
                 "(The House rose and observed a minute' s silence)"},
            }));
}

TEST_F(ParallelLinesTest, UnequalLineCountsNameBothFiles) {
  const auto de = write("europarl-v7.de-en.de", "Wiederaufnahme der Sitzungsperiode\nIch bitte Sie.\n");
  const auto en = write("europarl-v7.de-en.en", "Resumption of the session\n");
  const std::string message = message_of([&] { read_parallel_lines(de, en); });
  EXPECT_TRUE(contains(message, de + " has 2 lines")) << message;
  EXPECT_TRUE(contains(message, en + " has 1")) << message;
}

// ---- CNN/DailyMail stories ----

using StoryTest = TempDir;

TEST_F(StoryTest, JoinsArticleLinesWithSpacesAndHighlightsWithNewlines) {
  const auto path = write(
      "f001ec5c4704938247d27a44948eebb37ae98d01.story",
      "(CNN)The Palestinian Authority officially became the 123rd member of the International Criminal Court on "
      "Wednesday.\n"
      "\n"
      "  The formal accession was marked with a ceremony at The Hague, in the Netherlands, where the court is based.  \n"
      "\n"
      "Israel and the United States, neither of which is an ICC member, opposed the Palestinians' efforts to join the "
      "body\n"
      "\n"
      "@highlight\n"
      "\n"
      "Membership gives the ICC jurisdiction over alleged crimes committed in Palestinian territories since last June\n"
      "\n"
      "@highlight\n"
      "\n"
      "Israel and the United States opposed the move, which could open the door to war crimes investigations against "
      "Israelis\n");
  const TextPair story = read_story(path);
  EXPECT_EQ(story.source,
            "(CNN)The Palestinian Authority officially became the 123rd member of the International Criminal Court on "
            "Wednesday. The formal accession was marked with a ceremony at The Hague, in the Netherlands, where the "
            "court is based. Israel and the United States, neither of which is an ICC member, opposed the "
            "Palestinians' efforts to join the body .");
  EXPECT_EQ(story.target,
            "Membership gives the ICC jurisdiction over alleged crimes committed in Palestinian territories since last "
            "June .\n"
            "Israel and the United States opposed the move, which could open the door to war crimes investigations "
            "against Israelis .");
}

TEST_F(StoryTest, AddsAFullStopOnlyToLinesWithoutFinalPunctuation) {
  // make_datafiles.py's END_TOKENS: . ! ? ... ' ` " U+2019 U+201D )
  const auto path = write("story.story",
                          "A period.\n\nAn exclamation!\n\nA question?\n\nAn ellipsis...\n\nA 'quote'\n\n"
                          "A ``quote`\n\nA \"quote\"\n\nA \xE2\x80\x98quote\xE2\x80\x99\n\n"
                          "A \xE2\x80\x9Cquote\xE2\x80\x9D\n\nA (bracket)\n\nA colon:\n\nA caption\n\n"
                          "@highlight\n\nA highlight;\n");
  const TextPair story = read_story(path);
  EXPECT_EQ(story.source,
            "A period. An exclamation! A question? An ellipsis... A 'quote' A ``quote` A \"quote\" "
            "A \xE2\x80\x98quote\xE2\x80\x99 A \xE2\x80\x9Cquote\xE2\x80\x9D A (bracket) A colon: . A caption .");
  EXPECT_EQ(story.target, "A highlight; .");
}

TEST_F(StoryTest, EveryLineAfterTheFirstHighlightMarkerIsAHighlight) {
  // make_datafiles.py and cnn_dailymail.py set next_is_highlight on the first
  // "@highlight" and never clear it: later text is never article text.
  const auto path = write("story.story",
                          "The article.\n\n"
                          "@highlight\n\n"
                          "First highlight\n"
                          "Its second line\n\n"
                          "@highlight\n\n"
                          "Second highlight\n");
  const TextPair story = read_story(path);
  EXPECT_EQ(story.source, "The article.");
  EXPECT_EQ(story.target, "First highlight .\nIts second line .\nSecond highlight .");
}

TEST_F(StoryTest, StoryWithoutHighlightsIsNamed) {
  const auto path = write("9bfbb6ede20df9611c2a8b42980629658dc5ec23.story", "An article.\n\nWith no summary.\n");
  const std::string message = message_of([&] { read_story(path); });
  EXPECT_TRUE(contains(message, path)) << message;
  EXPECT_TRUE(contains(message, "@highlight")) << message;
}

// ---- CNN/DailyMail URL lists ----

using UrlListTest = TempDir;

const std::string kDailyMailUrl =
    "http://web.archive.org/web/20141127192923id_/http://www.dailymail.co.uk/news/article-2080921/"
    "999-calls-treble-New-Year-revellers-2012-old-trouble.html";
const std::string kDailyMailUrl2 =
    "http://web.archive.org/web/20150401132126id_/http://www.dailymail.co.uk/news/article-3021146/"
    "Road-rage-driver-punched-motorist-smashed-car-hockey-stick-young-schoolchildren-having-bad-day-school-run-"
    "gridlock.html";

TEST_F(UrlListTest, SkipsBlankLines) {
  const auto path = write("all_test.txt", kDailyMailUrl + "\n\n" + kDailyMailUrl2 + "\n\n");
  EXPECT_EQ(read_url_list(path), (Strings{kDailyMailUrl, kDailyMailUrl2}));
}

TEST(StoryFileName, IsTheSha1HexOfTheUrl) {
  // Digests computed independently with `printf %s URL | sha1sum`.
  EXPECT_EQ(story_file_name(kDailyMailUrl), "9bfbb6ede20df9611c2a8b42980629658dc5ec23.story");
  EXPECT_EQ(story_file_name(kDailyMailUrl2), "89fed7685538cd358e611932653eea931d7b057f.story");
}

// ---- AESLC ----

using AeslcTest = TempDir;

TEST_F(AeslcTest, ReadsBodyAndSubjectOfATrainEmail) {
  // enron_subject_line/train/allen-p_inbox_20.subject, byte for byte (no final newline).
  const auto path = write(
      "allen-p_inbox_20.subject",
      "Greg/Phillip,  Attached is the Grande Communications Service Agreement.\n"
      "The business points can be found in Exhibit C.  I Can get the Non-Disturbance agreement after it has been "
      "executed by you and Grande.\n"
      "I will fill in the Legal description of the property one I have received it.\n"
      "Please execute and send to:  Grande Communications, 401 Carlson Circle, San Marcos Texas, 78666 Attention "
      "Hunter Williams.\n"
      "<<Bishopscontract.doc>>\n"
      "\n"
      "@subject\n"
      "Service Agreement");
  const TextPair email = read_aeslc_email(path);
  EXPECT_EQ(email.source,
            "Greg/Phillip,  Attached is the Grande Communications Service Agreement.\n"
            "The business points can be found in Exhibit C.  I Can get the Non-Disturbance agreement after it has "
            "been executed by you and Grande.\n"
            "I will fill in the Legal description of the property one I have received it.\n"
            "Please execute and send to:  Grande Communications, 401 Carlson Circle, San Marcos Texas, 78666 "
            "Attention Hunter Williams.\n"
            "<<Bishopscontract.doc>>\n");
  EXPECT_EQ(email.target, "Service Agreement");
}

TEST_F(AeslcTest, LeavesOutTheAnnotationsOfADevEmail) {
  // enron_subject_line/dev/allen-p_inbox_29.subject, byte for byte.
  const auto path = write(
      "allen-p_inbox_29.subject",
      "Hi Phillip,  This message is to confirm our meeting with you on, Tuesday, October 30th from 9:00 am - 10:00 "
      "am, the location will be EB 3267.\n"
      "Attendees will be Monica Brown and Sheri Righi.\n"
      "Let me know if you have any questions.\n"
      "I can be reached at 713-345-6687.\n"
      "Thanks,\n"
      "\n"
      "@subject\n"
      "Confirmation: Risk Management Simulation Meeting 10/30/01\n"
      "\n"
      "@ann0\n"
      "meeting confimation - tues, 8/10\n"
      "\n"
      "@ann1\n"
      "meeting confirmation\n"
      "\n"
      "@ann2\n"
      "meeting confirmed");
  const TextPair email = read_aeslc_email(path);
  EXPECT_EQ(email.source,
            "Hi Phillip,  This message is to confirm our meeting with you on, Tuesday, October 30th from 9:00 am - "
            "10:00 am, the location will be EB 3267.\n"
            "Attendees will be Monica Brown and Sheri Righi.\n"
            "Let me know if you have any questions.\n"
            "I can be reached at 713-345-6687.\n"
            "Thanks,\n");
  EXPECT_EQ(email.target, "Confirmation: Risk Management Simulation Meeting 10/30/01");
}

TEST_F(AeslcTest, MissingSubjectMarkerNamesFileAndLine) {
  const auto path = write("allen-p_sent_3.subject", "Lunch at noon?\nPhillip\n\nSubject: lunch\n");
  const std::string message = message_of([&] { read_aeslc_email(path); });
  EXPECT_TRUE(contains(message, path + ":4:")) << message;
  EXPECT_TRUE(contains(message, "@subject")) << message;
}
