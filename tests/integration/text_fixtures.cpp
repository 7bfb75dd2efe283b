#include "text_fixtures.h"

#include <random>
#include <string>
#include <vector>

#include "fixtures.h"

namespace fs = std::filesystem;

namespace optbench::testing {

namespace {

const std::vector<std::string> kPositive = {"good", "great", "superb", "lovely", "moving", "funny"};
const std::vector<std::string> kNegative = {"bad", "awful", "boring", "dull", "clumsy", "tedious"};
const std::vector<std::string> kFiller = {"the", "movie", "was", "a", "plot", "and", "actors", "film", "story",
                                          "with", "its", "it", "is", "of", "this", "director"};

std::string pick(const std::vector<std::string>& words, std::mt19937& rng) {
  return words[std::uniform_int_distribution<std::size_t>(0, words.size() - 1)(rng)];
}

// 6 to 14 filler words with two sentiment words of the label's kind among them.
std::vector<std::string> review_words(int label, std::mt19937& rng) {
  std::vector<std::string> words;
  const int n = std::uniform_int_distribution<int>(6, 14)(rng);
  for (int i = 0; i < n; ++i) words.push_back(pick(kFiller, rng));
  for (int i = 0; i < 2; ++i) {
    const auto at = std::uniform_int_distribution<std::size_t>(0, words.size())(rng);
    words.insert(words.begin() + static_cast<std::ptrdiff_t>(at), pick(label ? kPositive : kNegative, rng));
  }
  return words;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

void write_sst2_file(const fs::path& path, int n, std::mt19937& rng) {
  std::string text = "sentence\tlabel\n";
  for (int i = 0; i < n; ++i) {
    const int label = i % 2;
    text += join(review_words(label, rng)) + " \t" + std::to_string(label) + "\n";  // GLUE's trailing space
  }
  write_file(path, text);
}

// Subject-verb-object sentences: a small model predicts the next word far better than chance.
std::vector<std::string> grammar_sentence(std::mt19937& rng) {
  static const std::vector<std::string> subjects = {"the cat", "a dog", "the old man", "my sister", "the bird"};
  static const std::vector<std::string> verbs = {"sees", "chases", "likes", "finds", "follows"};
  static const std::vector<std::string> objects = {"the mouse", "a ball", "the red car", "the garden", "<unk>"};
  return {pick(subjects, rng), pick(verbs, rng), pick(objects, rng), "."};
}

}  // namespace

void write_sst2_dataset(const fs::path& dir, int train, int dev, unsigned seed) {
  std::mt19937 rng(seed);
  write_sst2_file(dir / "SST-2" / "train.tsv", train, rng);
  write_sst2_file(dir / "SST-2" / "dev.tsv", dev, rng);
}

void write_imdb_dataset(const fs::path& dir, int train_per_class, int test_per_class, unsigned seed) {
  std::mt19937 rng(seed);
  for (const auto& [split, n] : {std::pair<const char*, int>{"train", train_per_class}, {"test", test_per_class}}) {
    for (int label = 0; label < 2; ++label) {
      for (int id = 0; id < n; ++id) {
        auto words = review_words(label, rng);
        words[0][0] = static_cast<char>(std::toupper(words[0][0]));
        const int rating = label ? 7 + id % 4 : 1 + id % 4;
        write_file(dir / "aclImdb" / split / (label ? "pos" : "neg") / (std::to_string(id) + "_" + std::to_string(rating) + ".txt"),
                   join(words) + ".<br /><br />" + join(review_words(label, rng)) + ".");
      }
    }
  }
}

void write_wikitext2_dataset(const fs::path& dir, int train_paragraphs, unsigned seed) {
  std::mt19937 rng(seed);
  for (const auto& [file, n] : {std::pair<const char*, int>{"wiki.train.tokens", train_paragraphs},
                                {"wiki.valid.tokens", train_paragraphs / 5 + 1},
                                {"wiki.test.tokens", train_paragraphs / 5 + 1}}) {
    std::string text = " \n = Valkyria Chronicles @-@ Fixture = \n \n";
    for (int p = 0; p < n; ++p) {
      if (p % 4 == 0) text += " = = Section " + std::to_string(p / 4) + " = = \n \n";
      std::string paragraph;
      for (int s = 0; s < 3; ++s) paragraph += " " + join(grammar_sentence(rng));
      text += paragraph + " \n \n";
    }
    write_file(dir / "wikitext-2" / file, text);
  }
}

void write_ptb_dataset(const fs::path& dir, int train_sentences, unsigned seed) {
  std::mt19937 rng(seed);
  for (const auto& [file, n] : {std::pair<const char*, int>{"ptb.train.txt", train_sentences},
                                {"ptb.valid.txt", train_sentences / 5 + 1},
                                {"ptb.test.txt", train_sentences / 5 + 1}}) {
    std::string text;
    for (int s = 0; s < n; ++s) {
      auto words = grammar_sentence(rng);
      words.pop_back();  // PTB has no sentence-final period
      text += " " + join(words) + (s % 3 == 0 ? " in N days" : "") + " \n";
    }
    write_file(dir / file, text);
  }
}

void write_bert_vocab(const fs::path& path) {
  std::vector<std::string> tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", "<", ">", "/", "br"};
  for (const auto* list : {&kPositive, &kNegative, &kFiller})
    for (const auto& w : *list)
      if (w != "tedious" && w != "superb") tokens.push_back(w);
  // Two words only as pieces: "tedious" = ted ##ious, "superb" = super ##b.
  for (const char* piece : {"ted", "##ious", "super", "##b"}) tokens.push_back(piece);
  std::string text;
  for (const auto& t : tokens) text += t + "\n";
  write_file(path, text);
}

}  // namespace optbench::testing
