// `optbench-host report RESULTS_DIR`: every analysis of the experiments found there, as
// analysis.json and one self-contained HTML page (Vega-Lite charts, libraries inlined).
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>

#include "results/results.h"

namespace optbench::core {

// The numbers behind the report: per experiment its configurations (mean, std and 95% CI over
// seeds), time to thresholds, generalisation gap, sensitivity and efficiency; across experiments
// the performance profiles.
nlohmann::json analyse(const std::vector<ExperimentRecord>& experiments);

// The page for `analysis` (from analyse). `assets_dir` holds vega_bundle.js (Vega, Vega-Lite and
// vega-embed), which the page inlines: it opens offline.
std::string report_html(const nlohmann::json& analysis, const std::filesystem::path& assets_dir);

// Where the build put the plotting libraries: share/optbench/report beside the host's bin/.
std::filesystem::path default_report_assets();

}  // namespace optbench::core
