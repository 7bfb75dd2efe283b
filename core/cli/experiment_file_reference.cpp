#include "cli/experiment_file_reference.h"

#include <tuple>

#include "common/diagnostics.h"
#include "experiment/host_tables.h"

using namespace optbench::core;

namespace optbench::cli {

namespace {

// A table cell: no line breaks, and '|' would end the cell.
std::string cell(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') out += "\\|";
    else out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string schema_table(const Schema& schema) {
  if (schema.specs().empty()) return "No parameters.\n";
  std::string out = "| key | type | default | accepted | meaning |\n| --- | --- | --- | --- | --- |\n";
  for (const auto& s : schema.specs()) {
    std::string type = type_name(s.type);
    if (s.length) type += " of length " + std::to_string(*s.length);
    const std::string default_text = s.default_value ? "`" + to_string(*s.default_value) + "`"
                                     : s.optional     ? "unset"
                                                      : "required";
    std::string accepted;
    if (!s.bounds.unbounded()) accepted = s.bounds.describe();
    if (!s.choices.empty()) accepted += (accepted.empty() ? "" : "; ") + std::string("one of: ") + join(s.choices);
    std::string meaning = s.doc;
    if (s.suite_default) meaning += " (training runs default to `" + to_string(*s.suite_default) + "`)";
    out += "| `" + s.name + "` | " + cell(type) + " | " + cell(default_text) + " | " + cell(accepted) + " | " +
           cell(meaning) + " |\n";
  }
  return out;
}

std::string components(const PluginRegistry& registry, Kind kind, const std::string& title, const std::string& how) {
  std::string out = "## " + title + "\n\n" + how + "\n";
  for (const auto& name : registry.names(kind)) {
    const CatalogEntry* e = registry.find(kind, name);
    out += "\n### `" + name + "`\n\n" + e->description + " (plugin `" + e->plugin + "` " + e->plugin_version + ")\n\n" +
           schema_table(*e->schema);
  }
  return out;
}

}  // namespace

std::string experiment_file_reference(const PluginRegistry& registry) {
  std::string out = "## `[training]`\n\n" + schema_table(training_schema()) + "\n## `[analysis]`\n\n" +
                    schema_table(analysis_schema()) + "\n## The host's keys of `[dataset]`\n\n" +
                    schema_table(dataset_host_schema()) + "\n";
  for (const auto& [kind, title, table] : {std::tuple{Kind::kTask, "Tasks", "task"}, {Kind::kDataset, "Datasets", "dataset"},
                                           {Kind::kModel, "Models", "model"}})
    out += components(registry, kind, title,
                      std::string("In `[") + table + "]`, `name` picks one; its other keys are the parameters below.") + "\n";
  out += components(registry, Kind::kOptimizer, "Optimizers",
                    "`optimizers = [...]` picks them (or `\"all\"`); `[optimizer.NAME]` sets their parameters, "
                    "`[lr_overrides]` their learning rates and `[sweep]` sweeps them.");
  return out;
}

}  // namespace optbench::cli
