// Sentiment corpora (GLUE SST-2, Socher et al. 2013; IMDB, Maas et al. 2011) and
// language-modelling corpora (WikiText-2, Merity et al. 2016; Penn Treebank as in
// Mikolov's ptb.*.txt). Each split is tokenised once into int64 ids; a batch is an
// index_select of rows.
#include <optbench/sdk.h>

#include <filesystem>

#include "data_paths.h"
#include "split_dataset.h"
#include "text_corpora.h"
#include "unicode_text.h"
#include "vocabulary.h"
#include "wordpiece.h"

namespace fs = std::filesystem;
using optbench::text::LabelledText;
using optbench::text::Vocabulary;

namespace {

// Rows of named tensors; with `trim`, a batch's "tokens" are cut to its longest "length".
struct TextSplit {
  std::map<std::string, torch::Tensor> rows;
  std::string origin;
  std::int64_t size() const { return rows.begin()->second.size(0); }
};

class TextDataset final : public optbench::datasets::SplitDataset<TextSplit> {
 public:
  TextDataset(std::string description, optbench::DataSpec spec, std::map<std::string, TextSplit> splits, bool trim)
      : SplitDataset(std::move(description), std::move(spec), std::move(splits), "sequences"), trim_(trim) {}

  optbench::Batch batch(const std::string& split, const torch::Tensor& indices) const override {
    optbench::Batch b;
    for (const auto& [name, rows] : get(split).rows) b.tensors[name] = rows.index_select(0, indices);
    b.size = indices.size(0);
    if (trim_ && b.size > 0) {  // padding beyond the batch's longest sequence is wasted work
      const auto longest = b.tensors.at("length").max().item<std::int64_t>();
      b.tensors["tokens"] = b.tensors["tokens"].narrow(1, 0, std::max<std::int64_t>(longest, 1)).contiguous();
    }
    return b;
  }

 private:
  bool trim_;
};

std::vector<std::int64_t> to_ids(const std::vector<std::string>& words, const Vocabulary& vocab, std::int64_t unk) {
  std::vector<std::int64_t> ids;
  ids.reserve(words.size());
  for (const auto& w : words) ids.push_back(vocab.id_or(w, unk));
  return ids;
}

// ---- Sentiment: labelled sequences, padded to max_length ----

struct Tokeniser {
  // Whitespace words (lower-cased if asked) or BERT WordPiece; one is set.
  bool lowercase = true;
  std::optional<Vocabulary> whitespace;
  std::optional<optbench::text::WordPiece> wordpiece;
  std::int64_t max_length = 128;

  std::vector<std::string> words(const std::string& text) const {
    return optbench::text::split_whitespace(lowercase ? optbench::text::lowercase(text) : text);
  }
  // Ids of at most max_length tokens; `truncated` says whether the text was longer.
  std::vector<std::int64_t> encode(const std::string& text, bool& truncated) const {
    const auto limit = static_cast<std::size_t>(max_length);
    if (wordpiece) {
      const auto pieces = wordpiece->tokenize(text);
      truncated = pieces.size() + 2 > limit;
      return wordpiece->encode(pieces, limit);
    }
    auto ids = to_ids(words(text), *whitespace, whitespace->require("<unk>"));
    truncated = ids.size() > limit;
    if (truncated) ids.resize(limit);
    return ids;
  }
  const Vocabulary& vocabulary() const { return wordpiece ? wordpiece->vocabulary() : *whitespace; }
  std::int64_t pad_id() const { return wordpiece ? wordpiece->pad_id() : whitespace->require("<pad>"); }
};

Tokeniser make_tokeniser(const optbench::Params& p, const std::vector<LabelledText>& train) {
  Tokeniser t;
  t.lowercase = p.get<bool>("lowercase");
  t.max_length = p.get<std::int64_t>("max_length");
  const std::string kind = p.get<std::string>("tokenizer"), vocab_file = p.get<std::string>("vocab_file");
  if (kind == "wordpiece") {
    if (vocab_file.empty())
      throw std::invalid_argument("tokenizer = \"wordpiece\" needs vocab_file = the BERT vocab.txt to use");
    if (t.max_length < 2) throw std::invalid_argument("tokenizer = \"wordpiece\" needs max_length >= 2 ([CLS] and [SEP])");
    t.wordpiece.emplace(Vocabulary::read(vocab_file), t.lowercase);
    return t;
  }
  if (!vocab_file.empty())
    throw std::invalid_argument("vocab_file is read only with tokenizer = \"wordpiece\"; remove it or set the tokenizer");
  // A strided subset: every k-th training example, so that both labels are represented.
  const auto samples = p.get<std::int64_t>("vocab_samples");
  const std::size_t n = train.size();
  const std::size_t stride = optbench::text::subset_stride(n, samples);
  Vocabulary::Counts counts;
  for (std::size_t i = 0; i < n; i += stride)
    for (auto& w : t.words(train[i].text)) ++counts[w];
  t.whitespace = Vocabulary::build(counts, {"<pad>", "<unk>"}, p.get<std::int64_t>("vocab_size"),
                                   p.get<std::int64_t>("min_freq"));
  return t;
}

TextSplit encode_labelled(const std::vector<LabelledText>& examples, const Tokeniser& t, std::string origin,
                          std::int64_t& truncated) {
  const auto n = static_cast<std::int64_t>(examples.size());
  TextSplit s;
  auto tokens = torch::full({n, t.max_length}, t.pad_id(), torch::kInt64);
  auto lengths = torch::empty({n}, torch::kInt64), labels = torch::empty({n}, torch::kInt64);
  auto tok = tokens.accessor<std::int64_t, 2>();
  auto length = lengths.accessor<std::int64_t, 1>(), label = labels.accessor<std::int64_t, 1>();
  for (std::int64_t i = 0; i < n; ++i) {
    bool cut = false;
    const auto ids = t.encode(examples[i].text, cut);
    truncated += cut;
    for (std::size_t j = 0; j < ids.size(); ++j) tok[i][static_cast<std::int64_t>(j)] = ids[j];
    length[i] = static_cast<std::int64_t>(ids.size());
    label[i] = examples[i].label;
  }
  s.rows = {{"tokens", tokens}, {"length", lengths}, {"label", labels}};
  s.origin = std::move(origin);
  return s;
}

std::shared_ptr<optbench::Dataset> make_sentiment(const std::string& title,
                                                  std::map<std::string, std::vector<LabelledText>> raw,
                                                  std::map<std::string, std::string> origins,
                                                  const optbench::Params& p) {
  const Tokeniser t = make_tokeniser(p, raw.at("train"));
  std::map<std::string, TextSplit> splits;
  std::int64_t truncated = 0;
  for (auto& [name, examples] : raw) splits[name] = encode_labelled(examples, t, origins[name], truncated);
  optbench::DataSpec spec;
  spec.modality = "text";
  spec.num_classes = 2;
  spec.input_shape = {t.max_length};
  spec.vocabulary = t.vocabulary().tokens();
  spec.pad_id = t.pad_id();
  spec.attributes["target"] = "label";
  spec.attributes["tokenizer"] = t.wordpiece ? "wordpiece" : "whitespace";
  std::string d = title + ": 2 classes (0 negative, 1 positive); ";
  if (t.wordpiece) {
    d += "BERT WordPiece tokens from " + p.get<std::string>("vocab_file") + " (" +
         std::to_string(t.vocabulary().size()) + " entries" + (t.lowercase ? ", lower-cased" : "") +
         "), [CLS] ... [SEP], at most " + std::to_string(t.max_length) + " tokens (" + std::to_string(truncated) +
         " texts were longer)";
  } else {
    const auto samples = p.get<std::int64_t>("vocab_samples");
    d += std::string("whitespace words") + (t.lowercase ? ", lower-cased" : "") + "; vocabulary of " +
         std::to_string(t.vocabulary().size()) + " (<pad>, <unk> and the most frequent words of " +
         (samples > 0 ? "a strided subset of " + std::to_string(samples) + " training texts" : std::string("all training texts")) +
         ", min count " + std::to_string(p.get<std::int64_t>("min_freq")) + "); sequences cut to " +
         std::to_string(t.max_length) + " tokens (" + std::to_string(truncated) + " were longer)";
  }
  return std::make_shared<TextDataset>(d, spec, std::move(splits), /*trim=*/true);
}

std::shared_ptr<optbench::Dataset> make_sst2(const optbench::Params& p) {
  const fs::path dir = optbench::datasets::find_data_dir(p.get<std::string>("root"), {"", "SST-2"}, "train.tsv", "SST-2");
  std::map<std::string, std::vector<LabelledText>> raw;
  std::map<std::string, std::string> origins;
  // GLUE's test.tsv has no labels: dev.tsv is the split results are reported on.
  for (const auto& [split, file] : {std::pair<const char*, const char*>{"train", "train.tsv"}, {"test", "dev.tsv"}}) {
    const fs::path path = optbench::datasets::find_data_file(dir, {file}, "SST-2");
    raw[split] = optbench::text::read_sst2_tsv(path.string());
    origins[split] = path.string();
  }
  return make_sentiment("SST-2 (GLUE; dev.tsv serves as the test split)", std::move(raw), std::move(origins), p);
}

std::shared_ptr<optbench::Dataset> make_imdb(const optbench::Params& p) {
  const fs::path dir = optbench::datasets::find_data_dir(p.get<std::string>("root"), {"", "aclImdb"}, "train", "IMDB");
  std::map<std::string, std::vector<LabelledText>> raw;
  std::map<std::string, std::string> origins;
  for (const char* split : {"train", "test"}) {
    raw[split] = optbench::text::read_imdb_split((dir / split).string());
    origins[split] = (dir / split / "{neg,pos}" / "*.txt").string();
  }
  return make_sentiment("IMDB movie reviews (<br /> tags replaced by spaces)", std::move(raw), std::move(origins), p);
}

// ---- Language modelling: one token stream per split, cut into blocks ----

// Every line's words then <eos>, as in PyTorch's word_language_model example.
std::vector<std::vector<std::string>> read_corpus_words(const fs::path& path, bool lowercase) {
  std::vector<std::vector<std::string>> lines;
  for (auto& line : optbench::text::read_lines(path.string())) {
    lines.push_back(optbench::text::split_whitespace(lowercase ? optbench::text::lowercase(line) : line));
    lines.back().push_back("<eos>");
  }
  return lines;
}

// Blocks of block_size + 1 tokens overlapping by one, so that every token but the
// first is a prediction target exactly once; the last block is padded.
torch::Tensor make_blocks(const std::vector<std::int64_t>& stream, std::int64_t block_size, std::int64_t pad) {
  const auto n = static_cast<std::int64_t>(stream.size());
  const std::int64_t blocks = std::max<std::int64_t>(1, (n - 1 + block_size - 1) / block_size);
  auto out = torch::full({blocks, block_size + 1}, pad, torch::kInt64);
  auto acc = out.accessor<std::int64_t, 2>();
  for (std::int64_t b = 0; b < blocks; ++b)
    for (std::int64_t j = 0; j <= block_size && b * block_size + j < n; ++j) acc[b][j] = stream[b * block_size + j];
  return out;
}

std::shared_ptr<optbench::Dataset> make_language_corpus(const std::string& title, const fs::path& dir,
                                                        const std::map<std::string, std::string>& split_files,
                                                        const optbench::Params& p, bool lowercase) {
  std::map<std::string, std::vector<std::vector<std::string>>> words;
  for (const auto& [split, file] : split_files) {
    const fs::path path = optbench::datasets::find_data_file(dir, {file}, title);
    words[split] = read_corpus_words(path, lowercase);
  }
  Vocabulary::Counts counts;
  for (const auto& line : words.at("train"))
    for (const auto& w : line) ++counts[w];
  const auto vocab = Vocabulary::build(counts, {"<pad>", "<unk>", "<eos>"}, p.get<std::int64_t>("vocab_size"),
                                       p.get<std::int64_t>("min_freq"));
  const auto block_size = p.get<std::int64_t>("block_size");
  const std::int64_t pad = vocab.require("<pad>"), unk = vocab.require("<unk>");
  std::map<std::string, TextSplit> splits;
  std::string counts_text;
  for (const auto& [split, lines] : words) {
    std::vector<std::int64_t> stream;
    std::int64_t unknown = 0;
    for (const auto& line : lines)
      for (const auto& w : line) {
        stream.push_back(vocab.id_or(w, unk));
        unknown += stream.back() == unk;
      }
    splits[split].rows = {{"tokens", make_blocks(stream, block_size, pad)}};
    splits[split].origin = (dir / split_files.at(split)).string();
    counts_text += "; " + split + " " + std::to_string(stream.size()) + " tokens (" + std::to_string(unknown) + " <unk>)";
  }
  optbench::DataSpec spec;
  spec.modality = "text";
  spec.input_shape = {block_size};
  spec.vocabulary = vocab.tokens();
  spec.pad_id = pad;
  spec.attributes["target"] = "next_token";
  spec.attributes["tokenizer"] = "whitespace";
  const std::string d = title + ": whitespace words" + (lowercase ? " (lower-cased)" : "") +
                        ", <eos> after every line; vocabulary of " + std::to_string(vocab.size()) +
                        " (<pad>, <unk>, <eos> and the training words" +
                        (p.get<std::int64_t>("min_freq") > 1 ? " seen at least " + std::to_string(p.get<std::int64_t>("min_freq")) + " times" : std::string()) +
                        "); blocks of " + std::to_string(block_size) + " next-token predictions" + counts_text;
  return std::make_shared<TextDataset>(d, spec, std::move(splits), /*trim=*/false);
}

std::shared_ptr<optbench::Dataset> make_wikitext2(const optbench::Params& p) {
  const bool raw = p.get<std::string>("variant") == "raw";
  const std::string ext = raw ? ".raw" : ".tokens";
  const fs::path dir = optbench::datasets::find_data_dir(p.get<std::string>("root"), {"", raw ? "wikitext-2-raw" : "wikitext-2"},
                                 "wiki.train" + ext, "WikiText-2");
  return make_language_corpus(std::string("WikiText-2") + (raw ? " (raw)" : ""), dir,
                              {{"train", "wiki.train" + ext}, {"validation", "wiki.valid" + ext}, {"test", "wiki.test" + ext}},
                              p, p.get<bool>("lowercase"));
}

std::shared_ptr<optbench::Dataset> make_ptb(const optbench::Params& p) {
  const fs::path dir = optbench::datasets::find_data_dir(p.get<std::string>("root"), {"", "data", "simple-examples/data"}, "ptb.train.txt",
                                 "Penn Treebank");
  return make_language_corpus("Penn Treebank (Mikolov's text-only version)", dir,
                              {{"train", "ptb.train.txt"}, {"validation", "ptb.valid.txt"}, {"test", "ptb.test.txt"}},
                              p, false);
}

using DatasetBuilder = optbench::ComponentBuilder<optbench::DatasetFactory>;

void sentiment_params(DatasetBuilder& b) {
  b.choice("tokenizer", "whitespace", {"whitespace", "wordpiece"},
           "whitespace words with a vocabulary built from the training data, or BERT WordPiece (needs vocab_file)")
      .param("vocab_file", std::string(), "BERT vocab.txt for tokenizer = \"wordpiece\"")
      .param("lowercase", true, "lower-case the text first (and strip accents for WordPiece, as uncased BERT)")
      .param("max_length", 128, "tokens per sequence; longer texts are cut", optbench::sequence_length)
      .param("vocab_size", 20000, "whitespace: vocabulary entries including <pad> and <unk> (0: all words)",
             optbench::non_negative)
      .param("min_freq", 1, "whitespace: fewest occurrences for a word to enter the vocabulary", optbench::at_least_one)
      .param("vocab_samples", 10000, "whitespace: training texts the vocabulary is built from (0: all)",
             optbench::non_negative);
}

void corpus_params(DatasetBuilder& b) {
  b.param("block_size", 128, "tokens per training sequence (context length)", optbench::sequence_length)
      .param("vocab_size", 0, "vocabulary entries including <pad>, <unk>, <eos> (0: every training word)",
             optbench::non_negative)
      .param("min_freq", 1, "fewest occurrences for a word to enter the vocabulary", optbench::at_least_one);
}

}  // namespace

void register_seq2seq_datasets(optbench::Registrar& r);
void register_tagging_datasets(optbench::Registrar& r);
void register_qa_datasets(optbench::Registrar& r);

OPTBENCH_PLUGIN("text_datasets", "1.0.0", [](optbench::Registrar& r) {
  register_seq2seq_datasets(r);
  register_tagging_datasets(r);
  register_qa_datasets(r);
  DatasetBuilder sst2 = r.dataset("sst2", "GLUE SST-2 binary sentiment, train.tsv/dev.tsv; Socher et al. 2013")
                   .param("root", "data/sst2", "directory holding SST-2/ or its train.tsv and dev.tsv");
  sentiment_params(sst2);
  sst2.factory(make_sst2);
  DatasetBuilder imdb = r.dataset("imdb", "IMDB movie reviews, aclImdb/{train,test}/{pos,neg}/*.txt; Maas et al. 2011")
                   .param("root", "data/imdb", "directory holding aclImdb/ or its train/ and test/");
  sentiment_params(imdb);
  imdb.factory(make_imdb);
  DatasetBuilder wikitext = r.dataset("wikitext2", "WikiText-2 language modelling, wiki.{train,valid,test}.tokens or .raw; "
                                          "Merity et al. 2016, arXiv:1609.07843")
                       .param("root", "data/wikitext2", "directory holding wikitext-2/ (or wikitext-2-raw/) or its files")
                       .choice("variant", "tokens", {"tokens", "raw"}, "the tokenised release (.tokens) or the raw one (.raw)")
                       .param("lowercase", false, "lower-case the text");
  corpus_params(wikitext);
  wikitext.factory(make_wikitext2);
  DatasetBuilder ptb = r.dataset("ptb_text_only", "Penn Treebank language modelling, ptb.{train,valid,test}.txt "
                                         "(Mikolov et al. 2010)")
                  .param("root", "data/ptb", "directory holding ptb.train.txt, ptb.valid.txt, ptb.test.txt");
  corpus_params(ptb);
  ptb.factory(make_ptb);
})
