// Signum with tail averaging, written against the SDK alone to show what it offers beyond the
// step. Over the last `average_fraction` of the run's planned steps the optimizer keeps the mean
// of its iterates (Polyak–Ruppert averaging, as SWA's tail average; Izmailov et al. 2018,
// arXiv:1803.05407), and the run evaluates that mean: eval() puts it into the parameters and
// train() puts the training weights back. Weight decay applies to the weight matrices of linear
// and convolution layers only (not to embeddings, norms or biases), read from each parameter's
// role.
#include <optbench/sdk.h>

#include <vector>

namespace {

using optbench::ModuleKind;

class AveragedSignum final : public optbench::Optimizer {
 public:
  AveragedSignum(std::vector<optbench::ParamGroup> groups, const optbench::Params& p)
      : Optimizer(std::move(groups)),
        momentum_(p.get<double>("momentum")),
        average_fraction_(p.get<double>("average_fraction")) {}

  void step(const optbench::Closure&) override {
    for_each_group([&](const optbench::GroupLists& l) {
      const std::vector<double> steps = count_steps(l);
      auto m = state_list(l, "momentum");
      torch::_foreach_mul_(m, momentum_);
      torch::_foreach_add_(m, l.grads, 1 - momentum_);  // m = β m + (1 - β) g
      std::vector<at::Scalar> decay;
      for (std::size_t i = 0; i < l.refs.size(); ++i) {
        const optbench::ParamRole role = l.group.role(l.refs[i].index);
        const bool matrix = (role.module == ModuleKind::kLinear || role.module == ModuleKind::kConv) &&
                            l.params[i].dim() >= 2;
        decay.emplace_back(matrix ? l.group.weight_decay : 0.0);
      }
      auto update = torch::_foreach_mul(l.params, decay);     // λ w, for matrices
      torch::_foreach_add_(update, torch::_foreach_sign(m));  // sign(m) + λ w
      torch::_foreach_add_(l.params, update, -l.group.lr);
      // The tail average: from step T(1 - fraction) + 1 on (every step when T is unknown).
      const double start = planned_steps() > 0 ? planned_steps() * (1 - average_fraction_) : 0;
      for (std::size_t i = 0; i < l.refs.size(); ++i)
        if (steps[i] > start) state_tensor(l.refs[i], "average").lerp_(l.params[i], 1 / (steps[i] - start));
    });
  }

  void eval() override {
    torch::NoGradGuard no_grad;
    training_weights_.assign(groups().size(), {});
    for (std::size_t g = 0; g < groups().size(); ++g)
      for (std::size_t i = 0; i < groups()[g].params.size(); ++i) {
        torch::Tensor& w = groups()[g].params[i];
        const auto& tensors = state(optbench::ParamRef{g, i}).tensors;
        const auto average = tensors.find("average");
        training_weights_[g].push_back(average == tensors.end() ? torch::Tensor() : w.clone());
        if (average != tensors.end()) w.copy_(average->second);
      }
  }
  void train() override {
    torch::NoGradGuard no_grad;
    for (std::size_t g = 0; g < training_weights_.size(); ++g)
      for (std::size_t i = 0; i < training_weights_[g].size(); ++i)
        if (training_weights_[g][i].defined()) groups()[g].params[i].copy_(training_weights_[g][i]);
    training_weights_.clear();
  }

 private:
  double momentum_, average_fraction_;
  std::vector<std::vector<torch::Tensor>> training_weights_;  // per group and parameter, while evaluating
};

}  // namespace

OPTBENCH_PLUGIN("averaged_signum", "0.1.0", [](optbench::Registrar& r) {
  r.optimizer("averaged_signum", "Signum with a tail average of its iterates for evaluation (Polyak-Ruppert)")
      .param("lr", 1e-4, "learning rate", optbench::non_negative)
      .param("momentum", 0.9, "momentum β of the sign", optbench::unit_right_open)
      .param("weight_decay", 0.0, "weight decay λ of linear and convolution weight matrices", optbench::non_negative)
      .param("average_fraction", 0.25, "the last fraction of the planned steps averaged", optbench::unit_interval)
      .capabilities({/*gradient evaluations*/ 1, /*state tensors per parameter*/ 2, /*param groups*/ true,
                     /*evaluation weights*/ true})
      .factory<AveragedSignum>();
})
