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
// A BERT-style vocab.txt ([PAD] first) covering the sentiment fixtures' words, some as word pieces.
void write_bert_vocab(const std::filesystem::path& path);

}  // namespace optbench::testing
