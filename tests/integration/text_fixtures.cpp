#include "text_fixtures.h"

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "fixtures.h"
#include "seq2seq_corpora.h"

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

const std::vector<std::pair<std::string, std::string>> kLexicon = {
    {"the", "der"}, {"dog", "hund"},   {"cat", "katze"}, {"sees", "sieht"}, {"likes", "mag"},  {"house", "haus"},
    {"big", "grosse"}, {"small", "kleine"}, {"red", "rote"}, {"man", "mann"}, {"woman", "frau"}, {"car", "auto"},
    {"eats", "isst"}, {"bread", "brot"}, {"and", "und"}, {"today", "heute"}};

// An English sentence and its word-for-word German, both capitalised and with a period.
std::pair<std::string, std::string> translation_pair(std::mt19937& rng) {
  const int n = std::uniform_int_distribution<int>(3, 7)(rng);
  std::string en, de;
  for (int i = 0; i < n; ++i) {
    const auto& [e, d] = kLexicon[std::uniform_int_distribution<std::size_t>(0, kLexicon.size() - 1)(rng)];
    en += (i ? " " : "") + e;
    de += (i ? " " : "") + d;
  }
  en[0] = static_cast<char>(std::toupper(en[0]));
  de[0] = static_cast<char>(std::toupper(de[0]));
  return {en + ".", de + "."};
}

void write_iwslt_xml(const fs::path& path, const std::string& set, bool source,
                     const std::vector<std::string>& segments) {
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mteval>\n";
  x += source ? "<srcset setid=\"iwslt2014-" + set + "\" srclang=\"english\">\n"
              : "<refset setid=\"iwslt2014-" + set + "\" srclang=\"english\" trglang=\"german\" refid=\"ref\">\n";
  x += "<doc docid=\"535\" genre=\"lectures\">\n<url>http://www.ted.com/talks/fixture.html</url>\n"
       "<description>TED Talk Subtitles and Transcript: a fixture</description>\n<keywords>talks, fixture</keywords>\n"
       "<talkid>535</talkid>\n<title>A Fixture Talk</title>\n";
  for (std::size_t i = 0; i < segments.size(); ++i)
    x += "<seg id=\"" + std::to_string(i + 1) + "\"> " + segments[i] + " </seg>\n";
  x += "</doc>\n" + std::string(source ? "</srcset>" : "</refset>") + "\n</mteval>\n";
  write_file(path, x);
}

// Grammar sentences as one article; the first two become the highlights (without their periods).
std::string story(std::mt19937& rng) {
  std::vector<std::string> sentences;
  for (int i = 0; i < 6; ++i) sentences.push_back(join(grammar_sentence(rng)));
  std::string text;
  for (std::size_t i = 0; i < sentences.size(); ++i) text += sentences[i] + (i % 2 ? "\n\n" : " ");
  for (int i = 0; i < 2; ++i)
    text += "@highlight\n\n" + sentences[static_cast<std::size_t>(i)].substr(0, sentences[static_cast<std::size_t>(i)].size() - 2) + "\n\n";
  return text;
}

// A sentence of filler words and 1 to 3 named entities: tokens with IOB2 tags.
std::vector<std::pair<std::string, std::string>> entity_sentence(std::mt19937& rng) {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> kinds = {
      {"PER", {"John Smith", "Mary", "Angela Merkel", "Peter"}},
      {"LOC", {"Paris", "New York", "Berlin", "Germany"}},
      {"ORG", {"Siemens", "United Nations", "Reuters", "EU"}}};
  static const std::vector<std::string> filler = {"said", "on", "Monday", "the", "in", "visited", "met", "with", "and", "."};
  std::vector<std::pair<std::string, std::string>> out;
  const int entities = std::uniform_int_distribution<int>(1, 3)(rng);
  for (int e = 0; e < entities; ++e) {
    for (int f = std::uniform_int_distribution<int>(1, 3)(rng); f > 0; --f) out.emplace_back(pick(filler, rng), "O");
    const auto& [type, names] = kinds[std::uniform_int_distribution<std::size_t>(0, kinds.size() - 1)(rng)];
    std::istringstream words(pick(names, rng));
    bool first = true;
    for (std::string w; words >> w; first = false) out.emplace_back(w, (first ? "B-" : "I-") + type);
  }
  out.emplace_back(".", "O");
  return out;
}

// IOB2 to the IOB1 CoNLL-2003 distributes: B- only where a chunk follows one of the same type.
std::vector<std::string> to_iob1(const std::vector<std::string>& iob2) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < iob2.size(); ++i) {
    const std::string& tag = iob2[i];
    const bool follows_same = tag != "O" && i > 0 && iob2[i - 1] != "O" && iob2[i - 1].substr(2) == tag.substr(2);
    out.push_back(tag[0] == 'B' && !follows_same ? "I-" + tag.substr(2) : tag);
  }
  return out;
}

// A context of "X lives in Y ." facts and a question about one of them, with the answer's
// start in characters (code points, as SQuAD counts).
struct FactQuestion {
  std::string context, question, answer;
  std::size_t answer_start;
};

FactQuestion fact_question(std::mt19937& rng) {
  static const std::vector<std::string> people = {"Anna", "Bernd", "Chloé", "Dmitri", "Eve", "Fritz", "Grace", "Hiroshi"};
  static const std::vector<std::string> places = {"Zürich", "Paris", "Kraków", "Lisbon", "Oslo", "Québec", "Rome", "Tokyo"};
  auto order = people;
  std::shuffle(order.begin(), order.end(), rng);
  FactQuestion f;
  const int asked = std::uniform_int_distribution<int>(0, 2)(rng);
  for (int i = 0; i < 3; ++i) {
    const std::string place = pick(places, rng);
    if (i == asked) {
      f.question = "Where does " + order[static_cast<std::size_t>(i)] + " live?";
      f.answer = place;
      const std::string before = f.context + order[static_cast<std::size_t>(i)] + " lives in ";
      f.answer_start = 0;
      for (unsigned char ch : before) f.answer_start += (ch & 0xC0) != 0x80;  // code points
    }
    f.context += order[static_cast<std::size_t>(i)] + " lives in " + place + ". ";
  }
  return f;
}

}  // namespace

void write_squad_dataset(const fs::path& dir, int train_questions, int dev_questions, unsigned seed) {
  std::mt19937 rng(seed);
  for (const auto& [file, n] : {std::pair<const char*, int>{"train-v1.1.json", train_questions}, {"dev-v1.1.json", dev_questions}}) {
    nlohmann::json data = nlohmann::json::array();
    for (int a = 0; a < n; a += 2) {
      nlohmann::json paragraphs = nlohmann::json::array();
      for (int q = a; q < std::min(n, a + 2); ++q) {
        const auto f = fact_question(rng);
        paragraphs.push_back({{"context", f.context},
                              {"qas", {{{"id", "q" + std::to_string(q)}, {"question", f.question},
                                        {"answers", {{{"text", f.answer}, {"answer_start", f.answer_start}},
                                                     {{"text", f.answer}, {"answer_start", f.answer_start}}}}}}}});
      }
      data.push_back({{"title", "Article_" + std::to_string(a)}, {"paragraphs", paragraphs}});
    }
    write_file(dir / file, nlohmann::json{{"version", "1.1"}, {"data", data}}.dump());
  }
}

void write_tweetqa_dataset(const fs::path& dir, int train, int dev, unsigned seed) {
  std::mt19937 rng(seed);
  for (const auto& [file, n] : {std::pair<const char*, int>{"train.json", train}, {"dev.json", dev}}) {
    nlohmann::json records = nlohmann::json::array();
    for (int i = 0; i < n; ++i) {
      const auto f = fact_question(rng);
      const std::string answer = i % 10 == 9 ? "somewhere far away" : f.answer;  // annotators' free text
      records.push_back({{"Question", f.question}, {"Answer", {answer}}, {"Tweet", f.context + "#travel"},
                         {"qid", "t" + std::to_string(i)}});
    }
    write_file(dir / file, records.dump());
  }
}

void write_conll2003_dataset(const fs::path& dir, int train, int valid, int test, unsigned seed) {
  std::mt19937 rng(seed);
  for (const auto& [file, n] : {std::pair<const char*, int>{"train.txt", train}, {"valid.txt", valid}, {"test.txt", test}}) {
    std::string text = "-DOCSTART- -X- -X- O\n\n";
    for (int i = 0; i < n; ++i) {
      const auto sentence = entity_sentence(rng);
      std::vector<std::string> tags;
      for (const auto& [w, t] : sentence) tags.push_back(t);
      const auto iob1 = to_iob1(tags);
      for (std::size_t j = 0; j < sentence.size(); ++j)
        text += sentence[j].first + (iob1[j] == "O" ? " NN I-NP " : " NNP I-NP ") + iob1[j] + "\n";
      text += "\n";
    }
    write_file(dir / file, text);
  }
}

void write_wikiann_dataset(const fs::path& dir, int train, int dev, int test, unsigned seed) {
  std::mt19937 rng(seed);
  for (const auto& [file, n] : {std::pair<const char*, int>{"train", train}, {"dev", dev}, {"test", test}}) {
    std::string text;
    for (int i = 0; i < n; ++i) {
      for (const auto& [w, t] : entity_sentence(rng)) text += "en:" + w + "\t" + t + "\n";
      text += "\n";
    }
    write_file(dir / "en" / file, text);
  }
}

void write_iwslt14_dataset(const fs::path& dir, int train_pairs, unsigned seed) {
  std::mt19937 rng(seed);
  std::string en, de;
  for (int i = 0; i < train_pairs; ++i) {
    if (i % 40 == 0) {  // a talk's metadata, on both sides
      const std::string talk = std::to_string(1000 + i);
      en += "<url>http://www.ted.com/talks/" + talk + ".html</url>\n<keywords>talks, fixture</keywords>\n"
            "<speaker>Fixture Speaker</speaker>\n<talkid>" + talk + "</talkid>\n<title>Talk " + talk + "</title>\n"
            "<description>TED Talk Subtitles and Transcript: talk " + talk + "</description>\n";
      de += "<url>http://www.ted.com/talks/" + talk + ".html</url>\n<keywords>talks, fixture</keywords>\n"
            "<speaker>Fixture Speaker</speaker>\n<talkid>" + talk + "</talkid>\n<title>Vortrag " + talk + "</title>\n"
            "<description>TED Talk Untertitel und Transkript: Vortrag " + talk + "</description>\n";
    }
    const auto [e, d] = translation_pair(rng);
    en += e + "\n";
    de += d + "\n";
  }
  write_file(dir / "de-en" / "train.tags.de-en.en", en);
  write_file(dir / "de-en" / "train.tags.de-en.de", de);
  for (const char* set : {"TED.dev2010", "TEDX.dev2012", "TED.tst2010", "TED.tst2011", "TED.tst2012"}) {
    std::vector<std::string> ens, des;
    for (int i = 0; i < 4; ++i) {
      const auto [e, d] = translation_pair(rng);
      ens.push_back(e);
      des.push_back(d);
    }
    const std::string stem = std::string("IWSLT14.") + set + ".de-en.";
    write_iwslt_xml(dir / "de-en" / (stem + "en.xml"), set, true, ens);
    write_iwslt_xml(dir / "de-en" / (stem + "de.xml"), set, false, des);
  }
}

void write_europarl_dataset(const fs::path& dir, int pairs, unsigned seed) {
  std::mt19937 rng(seed);
  std::string en, de;
  for (int i = 0; i < pairs; ++i) {
    const auto [e, d] = translation_pair(rng);
    en += (i % 50 == 7 ? "" : e) + "\n";  // Europarl has pairs with one side empty
    de += d + "\n";
  }
  write_file(dir / "europarl-v7.de-en.en", en);
  write_file(dir / "europarl-v7.de-en.de", de);
}

void write_cnn_dailymail_dataset(const fs::path& dir, int train, int val, int test, unsigned seed) {
  std::mt19937 rng(seed);
  int id = 0;
  for (const auto& [list, n] : {std::pair<const char*, int>{"all_train.txt", train}, {"all_val.txt", val}, {"all_test.txt", test}}) {
    std::string urls;
    for (int i = 0; i < n; ++i, ++id) {
      const bool cnn = id % 2 == 0;
      const std::string url = cnn ? "http://web.archive.org/web/20150401id_/http://www.cnn.com/2015/04/01/story-" +
                                        std::to_string(id) + "/index.html"
                                  : "http://www.dailymail.co.uk/news/article-" + std::to_string(id) + "/fixture.html";
      urls += url + "\n";
      write_file(dir / (cnn ? "cnn" : "dailymail") / "stories" / optbench::text::story_file_name(url), story(rng));
    }
    write_file(dir / "url_lists" / list, urls);
  }
}

void write_aeslc_dataset(const fs::path& dir, int train, int dev, int test, unsigned seed) {
  std::mt19937 rng(seed);
  for (const auto& [split, n] : {std::pair<const char*, int>{"train", train}, {"dev", dev}, {"test", test}}) {
    for (int i = 0; i < n; ++i) {
      const auto first = join(grammar_sentence(rng)), second = join(grammar_sentence(rng));
      std::string email = first + "\n" + second + "\nThanks,\nPhillip\n\n@subject\n" + first.substr(0, first.size() - 2) + "\n";
      if (std::string(split) != "train") email += "\n@ann0\n" + first.substr(0, first.size() - 2) + "\n\n@ann1\nmeeting\n";
      write_file(dir / "enron_subject_line" / split / ("allen-p_inbox_" + std::to_string(i) + ".subject"), email);
    }
  }
}

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
