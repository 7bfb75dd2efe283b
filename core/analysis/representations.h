// Representation similarity across optimizers: linear CKA between the hidden representations
// ("layer:..." outputs, and the logits) of each optimizer's best model on a fixed probe batch.
#pragma once

#include <nlohmann/json.hpp>

#include "results/results.h"
#include "training/trainer.h"

namespace optbench::core {

// Each optimizer's best configuration (its first completed seed with a best_model.pt) on the first
// [analysis] cka_samples validation samples; per layer every model has, the CKA matrix between
// optimizers. Null with fewer than two such runs.
nlohmann::json representation_similarity(const Assembly& assembly, const ExperimentRecord& results);

}  // namespace optbench::core
