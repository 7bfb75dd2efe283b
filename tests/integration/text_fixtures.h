// Text corpora in their distributed formats (GLUE SST-2 TSV, aclImdb tree, WikiText-2
// tokens, Mikolov's PTB text) with synthetic content a small model learns quickly:
// sentiment words decide the label; the language corpora follow a small grammar.
#pragma once

#include <filesystem>

namespace optbench::testing {

// dir/SST-2/train.tsv and dev.tsv.
void write_sst2_dataset(const std::filesystem::path& dir, int train, int dev, unsigned seed = 3);
// dir/aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt, mixed case, with <br /> tags.
void write_imdb_dataset(const std::filesystem::path& dir, int train_per_class, int test_per_class, unsigned seed = 4);
// dir/wikitext-2/wiki.{train,valid,test}.tokens: " = Title = " headings, blank lines, " @-@ ", <unk>.
void write_wikitext2_dataset(const std::filesystem::path& dir, int train_paragraphs, unsigned seed = 5);
// dir/ptb.{train,valid,test}.txt: one sentence per line with a leading space, <unk> and N.
void write_ptb_dataset(const std::filesystem::path& dir, int train_sentences, unsigned seed = 6);
// dir/de-en/: train.tags.de-en.{de,en} with per-talk metadata lines, and the five
// IWSLT14.TED*.de-en.{de,en}.xml dev/test sets; the German is a word-for-word translation.
void write_iwslt14_dataset(const std::filesystem::path& dir, int train_pairs, unsigned seed = 7);
// dir/europarl-v7.de-en.{de,en}, line-aligned, with a few pairs that have an empty side.
void write_europarl_dataset(const std::filesystem::path& dir, int pairs, unsigned seed = 8);
// dir/{cnn,dailymail}/stories/<sha1(url)>.story and dir/url_lists/all_{train,val,test}.txt;
// the highlights repeat the article's first sentences.
void write_cnn_dailymail_dataset(const std::filesystem::path& dir, int train, int val, int test, unsigned seed = 9);
// dir/enron_subject_line/{train,dev,test}/*.subject; the subject repeats the body's first words.
void write_aeslc_dataset(const std::filesystem::path& dir, int train, int dev, int test, unsigned seed = 10);
// dir/{train,valid,test}.txt in CoNLL-2003's columns (token POS chunk NER, -DOCSTART-), IOB1
// tags as distributed: persons, places and organisations from fixed name lists.
void write_conll2003_dataset(const std::filesystem::path& dir, int train, int valid, int test, unsigned seed = 11);
// dir/en/{train,dev,test}: PAN-X "en:token<TAB>TAG" lines, IOB2.
void write_wikiann_dataset(const std::filesystem::path& dir, int train, int dev, int test, unsigned seed = 12);
// dir/{train,dev}-v1.1.json in SQuAD v1.1's structure: "where does X live?" over contexts of
// facts, answer_start counted in characters (contexts include non-ASCII names).
void write_squad_dataset(const std::filesystem::path& dir, int train_questions, int dev_questions, unsigned seed = 13);
// dir/{train,dev}.json in TweetQA's structure; some answers are not spans of the tweet.
void write_tweetqa_dataset(const std::filesystem::path& dir, int train, int dev, unsigned seed = 14);
// A BERT-style vocab.txt ([PAD] first) covering the sentiment fixtures' words, some as word pieces.
void write_bert_vocab(const std::filesystem::path& path);

}  // namespace optbench::testing
