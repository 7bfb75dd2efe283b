#include "analysis/representations.h"

#include "analysis/analysis.h"
#include "analysis/cka.h"
#include "training/checkpoint.h"
#include "training/data_pipeline.h"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace optbench::core {

namespace {

bool is_representation(const std::string& name) { return name == "logits" || name.rfind("layer:", 0) == 0; }

// The centred Gram matrix of every representation of `model` on the probe samples.
std::map<std::string, torch::Tensor> representation_grams(Model& model, const Assembly& a, const SplitView& probe) {
  model.eval();
  torch::NoGradGuard no_grad;
  BatchStream stream(*a.dataset, *a.task, probe, a.experiment->training.eval_batch_size, /*training=*/false, 0,
                     a.experiment->training.num_workers, a.device);
  std::map<std::string, std::vector<torch::Tensor>> features;
  Batch batch;
  while (stream.next(batch))
    for (const auto& [name, t] : model.forward(batch))
      if (is_representation(name)) features[name].push_back(t.flatten(1).to(torch::kFloat32).cpu());
  std::map<std::string, torch::Tensor> grams;
  for (auto& [name, parts] : features) {
    grams[name] = centred_gram(torch::cat(parts));
    parts.clear();  // one layer's features at a time
  }
  return grams;
}

}  // namespace

json representation_similarity(const Assembly& a, const ExperimentRecord& results) {
  const Experiment& ex = *a.experiment;
  const auto configs = configurations(results);
  std::vector<const RunRecord*> runs;
  for (const Configuration* c : best_configurations(configs, results.info.value("primary_metric", ""),
                                                    results.info.value("higher_is_better", true)))
    for (const RunRecord* run : c->runs)
      if (run->status() == "completed" && fs::exists(run->dir / "best_model.pt")) {
        runs.push_back(run);
        break;
      }
  if (runs.size() < 2) return nullptr;

  const SplitView& validation = a.splits.validation;
  const SplitView probe{validation.split,
                        validation.indices.slice(0, 0, std::min(validation.size(), ex.analysis.cka_samples))};
  std::vector<std::map<std::string, torch::Tensor>> grams;
  json described = json::array();
  for (const RunRecord* run : runs) {
    auto model = a.registry->make_model(ex.model.name, ex.model.params, a.spec);
    model->to(a.device);
    load_module(*model, run->dir / "best_model.pt", a.device);
    grams.push_back(representation_grams(*model, a, probe));
    described.push_back({{"optimizer", run->planned.value("optimizer", "")}, {"run_id", run->id}});
  }
  json layers = json::array();
  for (const auto& [name, gram] : grams.front()) {
    if (!std::all_of(grams.begin(), grams.end(), [&](const auto& g) { return g.count(name) > 0; })) continue;
    json matrix = json::array();
    for (const auto& gi : grams) {
      json row = json::array();
      for (const auto& gj : grams) row.push_back(cka_of_grams(gi.at(name), gj.at(name)));
      matrix.push_back(row);
    }
    layers.push_back({{"name", name}, {"matrix", matrix}});
  }
  return {{"samples", probe.size()}, {"runs", described}, {"layers", layers}};
}

}  // namespace optbench::core
