#include "training/batch_norm_statistics.h"

#include <optional>
#include <vector>

namespace optbench::core {

namespace {

// Calls f(options) on the options of every batch-norm layer of `model`.
template <class F>
void for_each_batch_norm(torch::nn::Module& model, F&& f) {
  for (const auto& m : model.modules(/*include_self=*/true)) {
    if (auto* bn = m->as<torch::nn::BatchNorm1d>()) f(*bn);
    if (auto* bn = m->as<torch::nn::BatchNorm2d>()) f(*bn);
    if (auto* bn = m->as<torch::nn::BatchNorm3d>()) f(*bn);
  }
}

}  // namespace

bool has_batch_norm(torch::nn::Module& model) {
  bool found = false;
  for_each_batch_norm(model, [&](auto&) { found = true; });
  return found;
}

void recompute_batch_norm_statistics(torch::nn::Module& model, const std::function<bool()>& forward_next) {
  std::vector<std::optional<double>> momenta;
  for_each_batch_norm(model, [&](auto& bn) {
    momenta.push_back(bn.options.momentum());
    bn.options.momentum(std::nullopt);  // a cumulative average over the batches that follow
    if (bn.options.track_running_stats()) bn.reset_running_stats();
  });
  model.train();
  {
    torch::NoGradGuard no_grad;
    while (forward_next()) {
    }
  }
  model.eval();
  std::size_t i = 0;
  for_each_batch_norm(model, [&](auto& bn) { bn.options.momentum(momenta[i++]); });
}

}  // namespace optbench::core
