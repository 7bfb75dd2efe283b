// Porter stemmer reproducing NLTK's nltk/stem/porter.py PorterStemmer in its
// default NLTK_EXTENSIONS mode, which is the stemmer Google's rouge-score
// (rouge/tokenizers.py: porter.PorterStemmer()) applies when use_stemmer=True.
// Checked word-for-word against NLTK 3.8 (see tests/unit/rouge_test.cpp).
#pragma once

#include <string>

namespace optbench::text_metrics {

// Stems one word exactly as NLTK's PorterStemmer().stem(word) does.
// Domain: ASCII. Upper-case ASCII letters are lower-cased first (NLTK's
// to_lowercase=True); other bytes are kept and treated as consonants, which
// matches NLTK only for ASCII input. rouge-score only ever stems [a-z0-9]+.
std::string porter_stem(const std::string& word);

}  // namespace optbench::text_metrics
