// Readers for the question-answering sets in their distributed formats: SQuAD v1.1
// JSON (answers as character offsets into the context) and TweetQA JSON (free-text
// answers, located in the tweet where they occur).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace optbench::text {

struct QaExample {
  std::string id, question, context;
  std::vector<std::string> answers;
  // Byte range of the first answer in the context; begin = -1 when it cannot be located
  // (TweetQA's free-text answers, or a SQuAD offset that does not match its text).
  std::int64_t answer_begin = -1, answer_end = -1;
};

std::vector<QaExample> read_squad(const std::string& path);
// TweetQA: [{"Question", "Answer": [...], "Tweet", "qid"}]; test files without answers are refused.
std::vector<QaExample> read_tweetqa(const std::string& path);

// Word tokens as byte ranges: runs of letters, marks and digits, and every other
// non-space character on its own.
struct ByteSpan {
  std::size_t begin, end;
};
std::vector<ByteSpan> word_spans(const std::string& text);

}  // namespace optbench::text
