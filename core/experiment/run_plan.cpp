#include "experiment/run_plan.h"

#include "common/diagnostics.h"

namespace optbench::core {

std::vector<PlannedRun> plan_runs(const Experiment& ex, const Catalog& catalog) {
  std::vector<PlannedRun> runs;
  for (const auto& optimizer : ex.optimizers) {
    const Schema& schema = *catalog.find(Kind::kOptimizer, optimizer.name)->schema;
    // The axes this optimizer has, and the points of their product.
    std::vector<const SweepAxis*> axes;
    for (const auto& axis : ex.sweep) {
      Params probe = optimizer.params;
      if (set_optimizer_value(probe, schema, axis.parameter, axis.values.front(), catalog)) axes.push_back(&axis);
    }
    std::vector<std::vector<std::pair<std::string, double>>> points{{}};
    for (const SweepAxis* axis : axes) {
      std::vector<std::vector<std::pair<std::string, double>>> next;
      for (const auto& point : points)
        for (double value : axis->values) {
          next.push_back(point);
          next.back().emplace_back(axis->parameter, value);
        }
      points = std::move(next);
    }
    for (const auto& point : points) {
      Selection selection = optimizer;
      std::string id = optimizer.name, label = "[" + optimizer.name;
      for (const auto& [name, value] : point) {
        set_optimizer_value(selection.params, schema, name, value, catalog);
        id += "_" + name + short_number(value);
        label += " " + name + "=" + short_number(value);
      }
      for (const auto seed : ex.training.seeds)
        runs.push_back({selection, seed, point, id + "_seed" + std::to_string(seed),
                        label + " seed " + std::to_string(seed) + "]"});
    }
  }
  return runs;
}

}  // namespace optbench::core
