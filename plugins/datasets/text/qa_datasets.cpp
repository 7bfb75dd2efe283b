// Question answering: SQuAD v1.1 (Rajpurkar et al. 2016) and TweetQA (Xiong et al.
// 2019). Questions and contexts are cut into word tokens (lower-cased ids from one
// vocabulary); the answer's character range becomes a start and end token of the
// context. A batch also carries each context token's byte range, the context and
// the reference answers, so that metrics score the answer text as the official script does.
#include <optbench/sdk.h>

#include <filesystem>

#include "data_paths.h"
#include "qa_corpora.h"
#include "ragged.h"
#include "split_dataset.h"
#include "unicode_text.h"
#include "vocabulary.h"

namespace fs = std::filesystem;
using optbench::text::QaExample;
using optbench::text::Ragged;
using optbench::text::Vocabulary;

namespace {

struct QaSplit {
  Ragged question, context, begins, ends;  // token ids; context tokens' byte ranges
  std::vector<std::int64_t> start, end;    // answer tokens in the context; -1 when not located
  std::vector<std::string> contexts, answers, ids;
  std::string origin;
  std::int64_t size() const { return static_cast<std::int64_t>(ids.size()); }
};

class QaDataset final : public optbench::datasets::SplitDataset<QaSplit> {
 public:
  QaDataset(std::string description, optbench::DataSpec spec, std::map<std::string, QaSplit> splits)
      : SplitDataset(std::move(description), std::move(spec), std::move(splits), "questions") {}
  optbench::Batch batch(const std::string& split, const torch::Tensor& indices) const override {
    const QaSplit& s = get(split);
    optbench::Batch b;
    b.tensors["question"] = s.question.gather(indices, data_spec().pad_id);
    b.tensors["context"] = s.context.gather(indices, data_spec().pad_id);
    b.tensors["offsets"] = torch::stack({s.begins.gather(indices, -1), s.ends.gather(indices, -1)}, 2);
    const auto* idx = indices.data_ptr<std::int64_t>();
    auto start = torch::empty({indices.size(0)}, torch::kInt64), end = torch::empty({indices.size(0)}, torch::kInt64);
    for (std::int64_t i = 0; i < indices.size(0); ++i) {
      const auto row = static_cast<std::size_t>(idx[i]);
      start[i] = s.start[row];
      end[i] = s.end[row];
      b.texts["context"].push_back(s.contexts[row]);
      b.texts["answers"].push_back(s.answers[row]);
      b.texts["id"].push_back(s.ids[row]);
    }
    b.tensors["start"] = start;
    b.tensors["end"] = end;
    b.size = indices.size(0);
    return b;
  }
};

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> words;
  for (const auto& span : optbench::text::word_spans(text))
    words.push_back(optbench::text::lowercase(text.substr(span.begin, span.end - span.begin)));
  return words;
}

std::shared_ptr<optbench::Dataset> make_qa(const std::string& title, std::map<std::string, std::vector<QaExample>> raw,
                                           std::map<std::string, std::string> origins, const optbench::Params& p) {
  Vocabulary::Counts counts;
  for (const auto& e : raw.at("train")) {
    for (auto& w : words_of(e.question)) ++counts[w];
    for (auto& w : words_of(e.context)) ++counts[w];
  }
  const auto vocab = Vocabulary::build(counts, {"<pad>", "<unk>", "<sep>"}, p.get<std::int64_t>("vocab_size"),
                                       p.get<std::int64_t>("min_freq"));
  const auto max_question = static_cast<std::size_t>(p.get<std::int64_t>("max_question_length")),
             max_context = static_cast<std::size_t>(p.get<std::int64_t>("max_context_length"));
  std::int64_t unlocated = 0, cut_off = 0, dropped = 0;
  std::map<std::string, QaSplit> splits;
  for (auto& [name, examples] : raw) {
    QaSplit& s = splits[name];
    s.origin = origins.at(name);
    for (auto& e : examples) {
      const auto spans = optbench::text::word_spans(e.context);
      const std::size_t kept = std::min(spans.size(), max_context);
      std::int64_t start = -1, end = -1;
      for (std::size_t t = 0; t < kept && e.answer_begin >= 0; ++t) {
        if (start < 0 && static_cast<std::int64_t>(spans[t].end) > e.answer_begin) start = static_cast<std::int64_t>(t);
        if (static_cast<std::int64_t>(spans[t].begin) < e.answer_end) end = static_cast<std::int64_t>(t);
      }
      const bool beyond_cut = kept > 0 && e.answer_end > static_cast<std::int64_t>(spans[kept - 1].end);
      if (e.answer_begin < 0) {
        ++unlocated;
      } else if (start < 0 || end < start || beyond_cut) {
        start = end = -1;
        ++cut_off;
      }
      if (start < 0 && name == "train") {  // nothing to learn from; evaluation still scores the text
        ++dropped;
        continue;
      }
      std::vector<std::int64_t> question, context, begins, ends;
      for (const auto& w : words_of(e.question))
        if (question.size() < max_question) question.push_back(vocab.id_or(w, 1));
      for (std::size_t t = 0; t < kept; ++t) {
        context.push_back(vocab.id_or(optbench::text::lowercase(e.context.substr(spans[t].begin, spans[t].end - spans[t].begin)), 1));
        begins.push_back(static_cast<std::int64_t>(spans[t].begin));
        ends.push_back(static_cast<std::int64_t>(spans[t].end));
      }
      s.question.add(question);
      s.context.add(context);
      s.begins.add(begins);
      s.ends.add(ends);
      s.start.push_back(start);
      s.end.push_back(end);
      std::string joined;
      for (const auto& a : e.answers) joined += (joined.empty() ? "" : "\x1f") + a;
      s.answers.push_back(std::move(joined));
      s.contexts.push_back(std::move(e.context));
      s.ids.push_back(std::move(e.id));
    }
  }
  optbench::DataSpec spec;
  spec.modality = "text";
  spec.input_shape = {static_cast<std::int64_t>(max_context)};
  spec.vocabulary = vocab.tokens();
  spec.pad_id = 0;
  spec.attributes["target"] = "span";
  spec.attributes["max_question_length"] = std::to_string(max_question);
  const std::string d = title + ": lower-cased word tokens (letter/digit runs and single punctuation), vocabulary of " +
                        std::to_string(vocab.size()) + " from the training questions and contexts; questions cut to " +
                        std::to_string(max_question) + " tokens, contexts to " + std::to_string(max_context) + "; " +
                        std::to_string(unlocated) + " answers not found in their context and " + std::to_string(cut_off) +
                        " not mappable to tokens within the cut (" + std::to_string(dropped) +
                        " such training questions left out; evaluation scores them by text)";
  return std::make_shared<QaDataset>(d, spec, std::move(splits));
}

std::shared_ptr<optbench::Dataset> make_squad(const optbench::Params& p) {
  const fs::path root = p.get<std::string>("root");
  std::map<std::string, std::vector<QaExample>> raw;
  std::map<std::string, std::string> origins;
  // The official test set is hidden: dev-v1.1.json is the split results are reported on.
  for (const auto& [split, name] : {std::pair<const char*, const char*>{"train", "train-v1.1.json"}, {"test", "dev-v1.1.json"}}) {
    const auto file = optbench::datasets::find_data_file(root, {name}, "SQuAD v1.1");
    raw[split] = optbench::text::read_squad(file.string());
    origins[split] = file.string();
  }
  return make_qa("SQuAD v1.1 (dev-v1.1.json serves as the test split)", std::move(raw), origins, p);
}

std::shared_ptr<optbench::Dataset> make_tweetqa(const optbench::Params& p) {
  fs::path root = p.get<std::string>("root");
  if (fs::is_directory(root / "TweetQA_data")) root /= "TweetQA_data";
  std::map<std::string, std::vector<QaExample>> raw;
  std::map<std::string, std::string> origins;
  for (const auto& [split, name] : {std::pair<const char*, const char*>{"train", "train.json"}, {"test", "dev.json"}}) {
    const auto file = optbench::datasets::find_data_file(root, {name}, "TweetQA");
    raw[split] = optbench::text::read_tweetqa(file.string());
    origins[split] = file.string();
  }
  return make_qa("TweetQA (dev.json serves as the test split: test.json has no answers)", std::move(raw), origins, p);
}

using DatasetBuilder = optbench::ComponentBuilder<optbench::DatasetFactory>;

DatasetBuilder qa_params(DatasetBuilder b, std::int64_t max_context) {
  b.param("vocab_size", 50000, "vocabulary entries including <pad>, <unk>, <sep> (0: all training words)", optbench::non_negative)
      .param("min_freq", 1, "fewest occurrences for a word to enter the vocabulary", optbench::at_least_one)
      .param("max_question_length", 40, "question tokens kept", optbench::sequence_length)
      .param("max_context_length", max_context, "context tokens kept (answers beyond cannot be predicted)", optbench::sequence_length);
  return b;
}

}  // namespace

void register_qa_datasets(optbench::Registrar& r) {
  qa_params(r.dataset("squad_v1", "SQuAD v1.1 reading comprehension, train-v1.1.json and dev-v1.1.json")
                .param("root", "data/squad", "directory holding train-v1.1.json and dev-v1.1.json"), 300)
      .factory(make_squad);
  qa_params(r.dataset("tweet_qa", "TweetQA, train.json and dev.json (Question, Answer, Tweet, qid)")
                .param("root", "data/tweet_qa", "directory holding TweetQA_data/ or its train.json and dev.json"), 100)
      .factory(make_tweetqa);
}
