// A run's details.txt, what a reader needs to know of it in words, and the metric texts of the
// progress lines.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "training/trainer.h"

namespace optbench::core {

std::string four_digits(double x);  // "0.1235"
std::string metrics_text(const std::map<std::string, double>& metrics);  // "accuracy 0.9000, loss 0.3000"
std::string metrics_text(const nlohmann::json& metrics);                 // the same of a JSON object; "none" if null

// details.txt in the run's directory: data, preprocessing, model, training policy, optimizer and
// outcome, from the summary s.
void write_details(const Assembly& a, const RunSpec& spec, const Model& model, const std::string& schedule,
                   const std::vector<ParamGroup>& groups, const nlohmann::json& s);

}  // namespace optbench::core
