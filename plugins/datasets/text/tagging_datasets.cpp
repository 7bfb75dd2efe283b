// Named-entity corpora: CoNLL-2003 (Tjong Kim Sang & De Meulder 2003; IOB1 tags as
// distributed, converted to IOB2 explicitly) and WikiANN English (Pan et al. 2017; the
// PAN-X files, IOB2). A batch holds word ids, each word's character ids (for
// character-level models), tag ids (-1 on padding) and sentence lengths.
#include <optbench/sdk.h>

#include <filesystem>
#include <set>

#include "data_paths.h"
#include "seqeval.h"
#include "split_dataset.h"
#include "tagging_corpora.h"
#include "unicode_text.h"
#include "vocabulary.h"

namespace fs = std::filesystem;
using optbench::text::TaggedSentence;
using optbench::text::Vocabulary;

namespace {

constexpr std::int64_t kMaxWordChars = 20;

struct TaggingSplit {
  std::vector<std::vector<std::int64_t>> words, tags;
  std::vector<std::vector<std::vector<std::int64_t>>> chars;
  std::string origin;
  std::int64_t size() const { return static_cast<std::int64_t>(words.size()); }
};

class TaggingDataset final : public optbench::datasets::SplitDataset<TaggingSplit> {
 public:
  TaggingDataset(std::string description, optbench::DataSpec spec, std::map<std::string, TaggingSplit> splits)
      : SplitDataset(std::move(description), std::move(spec), std::move(splits), "sentences") {}
  optbench::Batch batch(const std::string& split, const torch::Tensor& indices) const override {
    const TaggingSplit& s = get(split);
    const auto* idx = indices.data_ptr<std::int64_t>();
    const auto n = indices.size(0);
    std::int64_t longest = 1, widest = 1;
    for (std::int64_t i = 0; i < n; ++i) {
      const auto& sentence = s.chars[static_cast<std::size_t>(idx[i])];
      longest = std::max<std::int64_t>(longest, static_cast<std::int64_t>(sentence.size()));
      for (const auto& word : sentence) widest = std::max<std::int64_t>(widest, static_cast<std::int64_t>(word.size()));
    }
    auto words = torch::full({n, longest}, data_spec().pad_id, torch::kInt64), tags = torch::full({n, longest}, -1, torch::kInt64);
    auto chars = torch::zeros({n, longest, widest}, torch::kInt64), lengths = torch::zeros({n}, torch::kInt64);
    auto w = words.accessor<std::int64_t, 2>(), t = tags.accessor<std::int64_t, 2>();
    auto c = chars.accessor<std::int64_t, 3>();
    for (std::int64_t i = 0; i < n; ++i) {
      const auto row = static_cast<std::size_t>(idx[i]);
      const auto length = static_cast<std::int64_t>(s.words[row].size());
      lengths[i] = length;
      for (std::int64_t j = 0; j < length; ++j) {
        w[i][j] = s.words[row][static_cast<std::size_t>(j)];
        t[i][j] = s.tags[row][static_cast<std::size_t>(j)];
        const auto& word = s.chars[row][static_cast<std::size_t>(j)];
        for (std::size_t k = 0; k < word.size(); ++k) c[i][j][static_cast<std::int64_t>(k)] = word[k];
      }
    }
    optbench::Batch b;
    b.tensors = {{"tokens", words}, {"chars", chars}, {"tags", tags}, {"length", lengths}};
    b.size = n;
    return b;
  }
};

std::shared_ptr<optbench::Dataset> make_tagging(const std::string& title, std::map<std::string, std::vector<TaggedSentence>> raw,
                                                std::map<std::string, std::string> origins, bool iob1,
                                                const optbench::Params& p) {
  if (iob1)
    for (auto& [name, sentences] : raw)
      for (auto& s : sentences) s.tags = optbench::text_metrics::iob1_to_iob2(s.tags);
  const bool lowercase = p.get<bool>("lowercase");
  const auto word = [&](const std::string& token) { return lowercase ? optbench::text::lowercase(token) : token; };
  Vocabulary::Counts word_counts, char_counts;
  for (const auto& s : raw.at("train"))
    for (const auto& token : s.tokens) {
      ++word_counts[word(token)];
      for (char32_t ch : optbench::text::to_code_points(token)) ++char_counts[optbench::text::to_utf8(std::u32string(1, ch))];
    }
  const auto words = Vocabulary::build(word_counts, {"<pad>", "<unk>"}, p.get<std::int64_t>("vocab_size"),
                                       p.get<std::int64_t>("min_freq"));
  const auto chars = Vocabulary::build(char_counts, {"<pad>", "<unk>"}, 0, 1);
  // Tag ids: O first, then every tag of any split in lexicographic order.
  std::set<std::string> tag_set;
  for (const auto& [name, sentences] : raw)
    for (const auto& s : sentences) tag_set.insert(s.tags.begin(), s.tags.end());
  tag_set.erase("O");
  std::vector<std::string> tag_names = {"O"};
  tag_names.insert(tag_names.end(), tag_set.begin(), tag_set.end());
  std::map<std::string, std::int64_t> tag_id;
  for (std::size_t i = 0; i < tag_names.size(); ++i) tag_id[tag_names[i]] = static_cast<std::int64_t>(i);
  const auto max_length = static_cast<std::size_t>(p.get<std::int64_t>("max_length"));
  std::int64_t cut = 0;
  std::map<std::string, TaggingSplit> splits;
  for (auto& [name, sentences] : raw) {
    TaggingSplit& split = splits[name];
    split.origin = origins.at(name);
    for (const auto& s : sentences) {
      const std::size_t length = std::min(s.tokens.size(), max_length);
      cut += s.tokens.size() > max_length;
      split.words.emplace_back();
      split.tags.emplace_back();
      split.chars.emplace_back();
      for (std::size_t i = 0; i < length; ++i) {
        split.words.back().push_back(words.id_or(word(s.tokens[i]), 1));
        split.tags.back().push_back(tag_id.at(s.tags[i]));
        std::vector<std::int64_t> ids;
        for (char32_t ch : optbench::text::to_code_points(s.tokens[i]))
          if (static_cast<std::int64_t>(ids.size()) < kMaxWordChars) ids.push_back(chars.id_or(optbench::text::to_utf8(std::u32string(1, ch)), 1));
        split.chars.back().push_back(std::move(ids));
      }
    }
  }
  std::string tags_joined;
  for (const auto& t : tag_names) tags_joined += (tags_joined.empty() ? "" : ",") + t;
  optbench::DataSpec spec;
  spec.modality = "text";
  spec.num_classes = static_cast<std::int64_t>(tag_names.size());
  spec.input_shape = {static_cast<std::int64_t>(max_length)};
  spec.vocabulary = words.tokens();
  spec.pad_id = 0;
  spec.attributes["target"] = "tags";
  spec.attributes["tags"] = tags_joined;
  spec.attributes["char_vocab_size"] = std::to_string(chars.size());
  const std::string d = title + ": " + std::to_string(tag_names.size()) + " IOB2 tags (" + tags_joined + ")" +
                        (iob1 ? ", converted from the distributed IOB1" : "") + "; words" +
                        (lowercase ? " lower-cased" : " as written") + ", vocabulary of " + std::to_string(words.size()) +
                        " from the training split, " + std::to_string(chars.size()) + " characters (at most " +
                        std::to_string(kMaxWordChars) + " per word); sentences cut to " + std::to_string(max_length) +
                        " tokens (" + std::to_string(cut) + " were longer)";
  return std::make_shared<TaggingDataset>(d, spec, std::move(splits));
}

std::shared_ptr<optbench::Dataset> make_conll2003(const optbench::Params& p) {
  const fs::path root = p.get<std::string>("root");
  std::map<std::string, std::vector<TaggedSentence>> raw;
  std::map<std::string, std::string> origins;
  for (const auto& [split, names] : {std::pair<const char*, std::vector<std::string>>{"train", {"train.txt", "eng.train"}},
                                     {"validation", {"valid.txt", "eng.testa"}}, {"test", {"test.txt", "eng.testb"}}}) {
    const fs::path file = optbench::datasets::find_data_file(root, names, "CoNLL-2003");
    raw[split] = optbench::text::read_conll2003(file.string());
    origins[split] = file.string();
  }
  return make_tagging("CoNLL-2003 English NER", std::move(raw), origins, p.get<std::string>("tag_scheme") == "iob1", p);
}

std::shared_ptr<optbench::Dataset> make_wikiann(const optbench::Params& p) {
  fs::path root = p.get<std::string>("root");
  if (fs::is_directory(root / "en")) root /= "en";
  std::map<std::string, std::vector<TaggedSentence>> raw;
  std::map<std::string, std::string> origins;
  for (const auto& [split, name] : {std::pair<const char*, const char*>{"train", "train"}, {"validation", "dev"}, {"test", "test"}}) {
    const fs::path file = optbench::datasets::find_data_file(root, {name, std::string(name) + ".txt"}, "WikiANN");
    raw[split] = optbench::text::read_panx(file.string());
    origins[split] = file.string();
  }
  return make_tagging("WikiANN English NER (PAN-X)", std::move(raw), origins, false, p);
}

using DatasetBuilder = optbench::ComponentBuilder<optbench::DatasetFactory>;

DatasetBuilder tagging_params(DatasetBuilder b) {
  b.param("lowercase", false, "lower-case words (characters keep their case)")
      .param("vocab_size", 0, "word vocabulary entries including <pad> and <unk> (0: all training words)", optbench::non_negative)
      .param("min_freq", 1, "fewest occurrences for a word to enter the vocabulary", optbench::at_least_one)
      .param("max_length", 256, "tokens per sentence; longer sentences are cut", optbench::sequence_length);
  return b;
}

}  // namespace

void register_tagging_datasets(optbench::Registrar& r) {
  tagging_params(r.dataset("conll2003", "CoNLL-2003 English NER, column files (train/valid/test.txt or eng.train/testa/testb)")
                     .param("root", "data/conll2003", "directory holding the three files")
                     .choice("tag_scheme", "iob1", {"iob1", "iob2"},
                             "the files' tagging scheme: the original distribution is IOB1, converted to IOB2"))
      .factory(make_conll2003);
  tagging_params(r.dataset("wikiann_en", "WikiANN (PAN-X) English NER, 'en:token<TAB>TAG' files train/dev/test")
                     .param("root", "data/wikiann", "directory holding en/ or its train, dev and test files"))
      .factory(make_wikiann);
}
