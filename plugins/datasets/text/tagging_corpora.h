// Readers for the named-entity corpora in their distributed formats: CoNLL-2003
// (token, POS, chunk and NER columns; -DOCSTART- lines; IOB1 tags as distributed) and
// WikiANN / PAN-X (one "lang:token<TAB>TAG" per line, IOB2). Blank lines separate
// sentences; every error names the file and line.
#pragma once

#include <string>
#include <vector>

namespace optbench::text {

struct TaggedSentence {
  std::vector<std::string> tokens, tags;
};

// Tags are the last column, as distributed (CoNLL-2003's original files use IOB1).
std::vector<TaggedSentence> read_conll2003(const std::string& path);
// PAN-X lines "en:Paris<TAB>B-LOC"; the language prefix is removed from the token.
std::vector<TaggedSentence> read_panx(const std::string& path);

}  // namespace optbench::text
