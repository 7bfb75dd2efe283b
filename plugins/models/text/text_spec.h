// What the text models check about the data before building themselves.
#pragma once

#include <optbench/data.h>

#include <stdexcept>
#include <string>

namespace optbench::text_models {

// Throws std::invalid_argument unless `spec` is tokenised text whose target is
// `target` ("label" for classifiers, "next_token" for language models).
inline void require_text(const DataSpec& spec, const std::string& target, const std::string& model) {
  const std::string have = spec.target().empty() ? "none" : spec.target();
  if (spec.modality != "text" || spec.vocabulary.empty() || spec.pad_id < 0 || spec.input_shape.size() != 1)
    throw std::invalid_argument(model + " needs tokenised text with a vocabulary and a padding id, got modality '" +
                                spec.modality + "'");
  if (have != target)
    throw std::invalid_argument(model + " needs text whose target is '" + target + "' (" +
                                (target == "label"        ? "a sentiment dataset such as sst2 or imdb"
                                 : target == "next_token" ? "a corpus such as wikitext2 or ptb_text_only"
                                 : target == "tags"       ? "a named-entity corpus such as conll2003 or wikiann_en"
                                 : target == "span"       ? "a question-answering set such as squad_v1 or tweet_qa"
                                                          : "a translation or summarisation corpus such as "
                                                            "iwslt14_en_de or cnn_dailymail") +
                                "), got target '" + have + "'");
  if (target == "label" && spec.num_classes < 2) throw std::invalid_argument(model + " needs at least 2 classes");
}

inline std::int64_t vocab_size(const DataSpec& spec) { return static_cast<std::int64_t>(spec.vocabulary.size()); }

}  // namespace optbench::text_models
