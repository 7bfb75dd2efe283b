// The host's own tables of an experiment file: [training], [analysis], and the keys of [dataset]
// that the host reads itself. Their schemas serve validation, `describe` and the experiment-file
// reference alike, so that these cannot disagree.
#pragma once

#include <optbench/params.h>

namespace optbench::core {

const Schema& training_schema();
const Schema& analysis_schema();
const Schema& dataset_host_schema();  // max_samples, validation_fraction

}  // namespace optbench::core
