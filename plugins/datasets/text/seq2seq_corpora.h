// Readers for the sequence-to-sequence corpora in their distributed formats:
// IWSLT'14 (TED talks, the de-en release), Europarl v7, CNN/DailyMail stories and
// AESLC e-mails. Every reader names the file (and line) of the first problem.
#pragma once

#include <string>
#include <vector>

namespace optbench::text {

struct TextPair {
  std::string source, target;
};

// train.tags.de-en.{de,en} cleaned as fairseq's prepare-iwslt14.sh: lines holding
// <url>, <talkid> or <keywords> are dropped and the <title>/<description> tags removed;
// both files must then still align line by line.
std::vector<TextPair> read_iwslt_train(const std::string& source_file, const std::string& target_file);
// The <seg id="N">...</seg> segments of an IWSLT14.TED*.xml dev/test file, in order
// (with ’ as ', as the recipe does).
std::vector<std::string> read_iwslt_segments(const std::string& xml_file);

// Two line-aligned files (Europarl's europarl-v7.de-en.{de,en}); pairs with an empty
// side are left out, as every Europarl recipe does.
std::vector<TextPair> read_parallel_lines(const std::string& source_file, const std::string& target_file);

// A CNN/DailyMail .story: the article's lines, then "@highlight" blocks. As in See et
// al.'s preprocessing, lines without final punctuation get " ."; the article is one
// line, the highlights are joined by newlines.
TextPair read_story(const std::string& story_file);
// The lines of an all_{train,val,test}.txt URL list.
std::vector<std::string> read_url_list(const std::string& path);
// A story's file name: the SHA-1 of its URL in hex, plus ".story".
std::string story_file_name(const std::string& url);

// An AESLC enron_subject_line/*/*.subject file: the e-mail body up to the first blank
// line, then "@subject" and the subject line (later @ann annotations are not read).
TextPair read_aeslc_email(const std::string& path);

}  // namespace optbench::text
