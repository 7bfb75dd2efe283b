// Sequence-to-sequence corpora: IWSLT'14 (Cettolo et al. 2014) with fairseq's
// recipe, Europarl v7 (Koehn 2005), CNN/DailyMail (Hermann et al. 2015; See et al.
// 2017's splits) and AESLC (Zhang & Tetreault 2019). Text is tokenised once (13a, as
// sacreBLEU) into a joint source/target vocabulary; tokens are stored ragged and a
// batch pads its rows to their longest.
#include <optbench/sdk.h>

#include <filesystem>

#include "bleu.h"
#include "data_paths.h"
#include "ragged.h"
#include "seq2seq_corpora.h"
#include "split_dataset.h"
#include "text_corpora.h"
#include "unicode_text.h"
#include "vocabulary.h"

namespace fs = std::filesystem;
using optbench::text::Ragged;
using optbench::text::TextPair;
using optbench::text::Vocabulary;

namespace {

using Words = std::vector<std::string>;

struct TokenisedPair {
  Words source, target;
  std::string reference;  // the target text as metrics compare against it
};

class Tokeniser {
 public:
  explicit Tokeniser(const optbench::Params& p)
      : kind_(p.get<std::string>("tokenizer")), lowercase_(p.get<bool>("lowercase")) {}
  std::string normalise(const std::string& text) const { return lowercase_ ? optbench::text::lowercase(text) : text; }
  Words operator()(const std::string& text) const {
    const std::string t = normalise(text);
    return optbench::text::split_whitespace(kind_ == "13a" ? optbench::text_metrics::tokenize_13a(t) : t);
  }
  TokenisedPair pair(const TextPair& p) const { return {(*this)(p.source), (*this)(p.target), normalise(p.target)}; }
  std::string describe() const {
    return (kind_ == "13a" ? std::string("13a tokens (sacreBLEU's default tokeniser)") : std::string("whitespace words")) +
           (lowercase_ ? ", lower-cased" : "");
  }

 private:
  std::string kind_;
  bool lowercase_;
};

struct Seq2SeqSplit {
  Ragged source, target;
  std::vector<std::string> references;
  std::string origin;  // files, for the description
  std::int64_t size() const { return static_cast<std::int64_t>(references.size()); }
};

class Seq2SeqDataset final : public optbench::datasets::SplitDataset<Seq2SeqSplit> {
 public:
  Seq2SeqDataset(std::string description, optbench::DataSpec spec, std::map<std::string, Seq2SeqSplit> splits)
      : SplitDataset(std::move(description), std::move(spec), std::move(splits), "pairs") {}
  optbench::Batch batch(const std::string& split, const torch::Tensor& indices) const override {
    const Seq2SeqSplit& s = get(split);
    const auto pad = data_spec().pad_id;
    optbench::Batch b;
    b.tensors["source"] = s.source.gather(indices, pad);
    b.tensors["target"] = s.target.gather(indices, pad);
    auto& refs = b.texts["reference"];
    const auto* idx = indices.data_ptr<std::int64_t>();
    for (std::int64_t i = 0; i < indices.size(0); ++i) refs.push_back(s.references[static_cast<std::size_t>(idx[i])]);
    b.size = indices.size(0);
    return b;
  }
};

struct RawSplit {
  std::vector<TokenisedPair> pairs;
  std::string origin;
};

std::shared_ptr<optbench::Dataset> make_seq2seq(const std::string& title, std::map<std::string, RawSplit> raw,
                                                const Tokeniser& tokeniser, const optbench::Params& p) {
  const auto& train = raw.at("train").pairs;
  if (train.empty()) throw std::runtime_error(title + ": the training split is empty");
  const auto samples = p.get<std::int64_t>("vocab_samples");
  const std::size_t stride = optbench::text::subset_stride(train.size(), samples);
  Vocabulary::Counts counts;
  for (std::size_t i = 0; i < train.size(); i += stride)
    for (const auto* side : {&train[i].source, &train[i].target})
      for (const auto& w : *side) ++counts[w];
  const auto vocab = Vocabulary::build(counts, {"<pad>", "<unk>", "<bos>", "<eos>"}, p.get<std::int64_t>("vocab_size"),
                                       p.get<std::int64_t>("min_freq"));
  const std::int64_t unk = vocab.require("<unk>"), bos = vocab.require("<bos>"), eos = vocab.require("<eos>");
  const auto max_source = p.get<std::int64_t>("max_source_length"), max_target = p.get<std::int64_t>("max_target_length");
  const auto ids = [&](const Words& words, std::int64_t limit) {
    std::vector<std::int64_t> out;
    for (std::size_t i = 0; i < words.size() && static_cast<std::int64_t>(i) < limit; ++i)
      out.push_back(vocab.id_or(words[i], unk));
    return out;
  };
  std::map<std::string, Seq2SeqSplit> splits;
  std::int64_t cut_sources = 0, cut_targets = 0;
  for (auto& [name, r] : raw) {
    Seq2SeqSplit& s = splits[name];
    s.origin = r.origin;
    for (auto& pair : r.pairs) {
      cut_sources += static_cast<std::int64_t>(pair.source.size()) > max_source;
      cut_targets += static_cast<std::int64_t>(pair.target.size()) > max_target;
      s.source.add(ids(pair.source, max_source));
      auto target = ids(pair.target, max_target);
      target.insert(target.begin(), bos);
      target.push_back(eos);
      s.target.add(target);
      s.references.push_back(std::move(pair.reference));
    }
  }
  optbench::DataSpec spec;
  spec.modality = "text";
  spec.input_shape = {max_source};
  spec.vocabulary = vocab.tokens();
  spec.pad_id = vocab.require("<pad>");
  spec.attributes["target"] = "sequence";
  spec.attributes["max_target_length"] = std::to_string(max_target);
  const std::string d = title + ": " + tokeniser.describe() + "; joint source/target vocabulary of " +
                        std::to_string(vocab.size()) + " (<pad>, <unk>, <bos>, <eos> and the most frequent training words" +
                        (samples > 0 ? " of a strided subset of " + std::to_string(samples) + " pairs" : std::string()) +
                        "); sources cut to " + std::to_string(max_source) + " tokens (" + std::to_string(cut_sources) +
                        " were longer), targets to " + std::to_string(max_target) + " (" + std::to_string(cut_targets) +
                        " were longer) between <bos> and <eos>";
  return std::make_shared<Seq2SeqDataset>(d, spec, std::move(splits));
}

std::pair<std::string, std::string> languages(const optbench::Params& p) {
  const std::string d = p.get<std::string>("direction");
  return {d.substr(0, 2), d.substr(3, 2)};
}

// fairseq's prepare-iwslt14.sh: clean-corpus-n keeps pairs of 1 to 175 tokens with a length
// ratio of at most 1.5; every 23rd kept pair is validation; the test set is five TED dev/test sets.
std::shared_ptr<optbench::Dataset> make_iwslt14(const optbench::Params& p) {
  const fs::path dir = optbench::datasets::find_data_dir(p.get<std::string>("root"), {"", "de-en", "iwslt14/de-en"}, "train.tags.de-en.de",
                                    "IWSLT'14");
  const auto [src, tgt] = languages(p);
  const Tokeniser tokenise(p);
  const auto path = [&](const std::string& stem, const std::string& lang) { return (dir / (stem + lang)).string(); };
  std::map<std::string, RawSplit> raw;
  std::size_t kept = 0;
  for (const auto& pair : optbench::text::read_iwslt_train(path("train.tags.de-en.", src), path("train.tags.de-en.", tgt))) {
    auto t = tokenise.pair(pair);
    const double ls = static_cast<double>(t.source.size()), lt = static_cast<double>(t.target.size());
    if (ls < 1 || lt < 1 || ls > 175 || lt > 175 || ls / lt > 1.5 || lt / ls > 1.5) continue;
    raw[++kept % 23 == 0 ? "validation" : "train"].pairs.push_back(std::move(t));
  }
  raw["train"].origin = raw["validation"].origin = path("train.tags.de-en.{", src + "," + tgt + "}");
  for (const char* set : {"TED.dev2010", "TEDX.dev2012", "TED.tst2010", "TED.tst2011", "TED.tst2012"}) {
    const std::string stem = std::string("IWSLT14.") + set + ".de-en.";
    const auto sources = optbench::text::read_iwslt_segments(path(stem, src + ".xml"));
    const auto targets = optbench::text::read_iwslt_segments(path(stem, tgt + ".xml"));
    if (sources.size() != targets.size())
      throw std::runtime_error(path(stem, src + ".xml") + " has " + std::to_string(sources.size()) + " segments but " +
                               path(stem, tgt + ".xml") + " has " + std::to_string(targets.size()));
    for (std::size_t i = 0; i < sources.size(); ++i) raw["test"].pairs.push_back(tokenise.pair({sources[i], targets[i]}));
  }
  raw["test"].origin = (dir / "IWSLT14.TED{,X}.{dev2010,dev2012,tst2010,tst2011,tst2012}.de-en.*.xml").string();
  return make_seq2seq("IWSLT'14 TED " + src + "->" + tgt, std::move(raw), tokenise, p);
}

// Europarl ships one aligned corpus: the last test_size pairs are the test split, the
// validation_size before them validation.
std::shared_ptr<optbench::Dataset> make_europarl(const optbench::Params& p) {
  const fs::path dir = optbench::datasets::find_data_dir(p.get<std::string>("root"), {"", "de-en"}, "europarl-v7.de-en.de", "Europarl");
  const auto [src, tgt] = languages(p);
  const Tokeniser tokenise(p);
  const std::string sf = (dir / ("europarl-v7.de-en." + src)).string(), tf = (dir / ("europarl-v7.de-en." + tgt)).string();
  auto pairs = optbench::text::read_parallel_lines(sf, tf);
  const auto test = static_cast<std::size_t>(p.get<std::int64_t>("test_size")),
             validation = static_cast<std::size_t>(p.get<std::int64_t>("validation_size"));
  if (pairs.size() <= test + validation)
    throw std::runtime_error("Europarl: " + sf + " holds " + std::to_string(pairs.size()) +
                             " non-empty pairs, not more than test_size + validation_size = " +
                             std::to_string(test + validation));
  std::map<std::string, RawSplit> raw;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const char* split = i >= pairs.size() - test ? "test" : i >= pairs.size() - test - validation ? "validation" : "train";
    raw[split].pairs.push_back(tokenise.pair(pairs[i]));
  }
  for (auto& [name, r] : raw) r.origin = sf + " and ." + tgt;
  return make_seq2seq("Europarl v7 " + src + "->" + tgt, std::move(raw), tokenise, p);
}

std::shared_ptr<optbench::Dataset> make_cnn_dailymail(const optbench::Params& p) {
  const fs::path root = p.get<std::string>("root");
  const fs::path lists = optbench::datasets::find_data_dir(root, {"url_lists", ""}, "all_train.txt", "CNN/DailyMail");
  std::vector<fs::path> story_dirs;
  for (const auto& source : p.get<std::vector<std::string>>("sources")) {
    if (source != "cnn" && source != "dailymail")
      throw std::invalid_argument("sources: '" + source + "' is not accepted; accepted: \"cnn\", \"dailymail\"");
    story_dirs.push_back(root / source / "stories");
  }
  if (story_dirs.empty()) throw std::invalid_argument("sources is empty; accepted: \"cnn\", \"dailymail\"");
  for (const auto& d : story_dirs)
    if (!fs::is_directory(d)) throw std::runtime_error("CNN/DailyMail: story directory " + d.string() + " does not exist");
  const Tokeniser tokenise(p);
  const auto sources = p.get<std::vector<std::string>>("sources");
  const auto wanted = [&](const std::string& url) {  // cnn.com URLs are CNN's, the rest the Daily Mail's
    const bool cnn = url.find("cnn.com") != std::string::npos;
    return std::find(sources.begin(), sources.end(), cnn ? "cnn" : "dailymail") != sources.end();
  };
  std::map<std::string, RawSplit> raw;
  for (const auto& [split, file] : {std::pair<const char*, const char*>{"train", "all_train.txt"},
                                    {"validation", "all_val.txt"}, {"test", "all_test.txt"}}) {
    const fs::path list = lists / file;
    RawSplit& r = raw[split];
    r.origin = list.string() + " (stories in " + story_dirs.front().parent_path().parent_path().string() + ")";
    for (const auto& url : optbench::text::read_url_list(list.string())) {
      if (!wanted(url)) continue;
      const std::string name = optbench::text::story_file_name(url);
      const auto dir = std::find_if(story_dirs.begin(), story_dirs.end(), [&](const fs::path& d) { return fs::exists(d / name); });
      if (dir == story_dirs.end())
        throw std::runtime_error("CNN/DailyMail: " + list.string() + " lists " + url + " but no story directory holds " + name);
      r.pairs.push_back(tokenise.pair(optbench::text::read_story((*dir / name).string())));
    }
    if (r.pairs.empty()) throw std::runtime_error("CNN/DailyMail: no stories of the chosen sources in " + list.string());
  }
  return make_seq2seq("CNN/DailyMail (article -> highlights)", std::move(raw), tokenise, p);
}

std::shared_ptr<optbench::Dataset> make_aeslc(const optbench::Params& p) {
  const fs::path dir = optbench::datasets::find_data_dir(p.get<std::string>("root"), {"", "enron_subject_line", "AESLC-master/enron_subject_line"},
                                    "train", "AESLC");
  const Tokeniser tokenise(p);
  std::map<std::string, RawSplit> raw;
  for (const auto& [split, sub] : {std::pair<const char*, const char*>{"train", "train"}, {"validation", "dev"}, {"test", "test"}}) {
    const fs::path d = dir / sub;
    if (!fs::is_directory(d)) throw std::runtime_error("AESLC: directory " + d.string() + " does not exist");
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(d))
      if (e.path().extension() == ".subject") files.push_back(e.path());
    if (files.empty()) throw std::runtime_error("AESLC: no *.subject files in " + d.string());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) raw[split].pairs.push_back(tokenise.pair(optbench::text::read_aeslc_email(f.string())));
    raw[split].origin = (d / "*.subject").string();
  }
  return make_seq2seq("AESLC (e-mail body -> subject line)", std::move(raw), tokenise, p);
}

using DatasetBuilder = optbench::ComponentBuilder<optbench::DatasetFactory>;

void seq2seq_params(DatasetBuilder& b, bool lowercase, std::int64_t vocab_size, std::int64_t vocab_samples,
                    std::int64_t max_source, std::int64_t max_target) {
  b.choice("tokenizer", "13a", {"13a", "whitespace"}, "13a (sacreBLEU's tokeniser: punctuation split off) or whitespace")
      .param("lowercase", lowercase, "lower-case source and target (the references too)")
      .param("vocab_size", vocab_size, "joint vocabulary entries including <pad>, <unk>, <bos>, <eos> (0: all)",
             optbench::non_negative)
      .param("min_freq", 1, "fewest occurrences for a word to enter the vocabulary", optbench::at_least_one)
      .param("vocab_samples", vocab_samples, "training pairs the vocabulary is built from (0: all)", optbench::non_negative)
      .param("max_source_length", max_source, "source tokens kept", optbench::sequence_length)
      .param("max_target_length", max_target, "target tokens kept (plus <bos> and <eos>)", optbench::sequence_length);
}

}  // namespace

void register_seq2seq_datasets(optbench::Registrar& r) {
  DatasetBuilder iwslt = r.dataset("iwslt14_en_de", "IWSLT'14 TED talks (the de-en release), fairseq's cleaning and splits")
                             .param("root", "data/iwslt14", "directory holding de-en/ or its train.tags.* and *.xml files")
                             .choice("direction", "en-de", {"en-de", "de-en"}, "source-target languages");
  seq2seq_params(iwslt, true, 0, 0, 175, 175);
  iwslt.factory(make_iwslt14);
  DatasetBuilder europarl = r.dataset("europarl_bilingual", "Europarl v7 line-aligned de-en (europarl-v7.de-en.{de,en})")
                                .param("root", "data/europarl", "directory holding europarl-v7.de-en.de and .en")
                                .choice("direction", "en-de", {"en-de", "de-en"}, "source-target languages")
                                .param("validation_size", 2000, "pairs held out for validation", optbench::at_least_one)
                                .param("test_size", 2000, "pairs held out for testing (the corpus' last ones)",
                                       optbench::at_least_one);
  seq2seq_params(europarl, false, 32000, 200000, 128, 128);
  europarl.factory(make_europarl);
  DatasetBuilder cnndm = r.dataset("cnn_dailymail", "CNN/DailyMail stories (article -> highlights), See et al.'s URL-list splits")
                             .param("root", "data/cnn_dailymail", "directory holding cnn/stories, dailymail/stories and url_lists/")
                             .param("sources", std::vector<std::string>{"cnn", "dailymail"}, "which story collections to use");
  seq2seq_params(cnndm, true, 50000, 20000, 400, 100);
  cnndm.factory(make_cnn_dailymail);
  DatasetBuilder aeslc = r.dataset("aeslc", "AESLC: Enron e-mail bodies -> subject lines, enron_subject_line/{train,dev,test}")
                             .param("root", "data/aeslc", "directory holding enron_subject_line/ or its train/, dev/, test/");
  seq2seq_params(aeslc, true, 30000, 0, 256, 32);
  aeslc.factory(make_aeslc);
}
