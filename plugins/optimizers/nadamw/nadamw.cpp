// NAdamW: Adam with Nesterov momentum (Dozat 2016, "Incorporating Nesterov Momentum into Adam")
// and decoupled weight decay (Loshchilov & Hutter 2019), as AlgoPerf's PyTorch baseline
// (mlcommons/algorithmic-efficiency, algorithms/baselines/external_tuning/
// pytorch_nadamw_full_budget.py, class NAdamW): multi-tensor (_foreach_) ops per group.
#include <optbench/sdk.h>

#include <cmath>

namespace {

class NAdamW final : public optbench::Optimizer {
 public:
  NAdamW(std::vector<optbench::ParamGroup> groups, const optbench::Params& p)
      : Optimizer(std::move(groups)),
        beta1_(p.get<std::vector<double>>("betas")[0]),
        beta2_(p.get<std::vector<double>>("betas")[1]),
        eps_(p.get<double>("eps")) {
    if (beta1_ == 0) throw std::invalid_argument("betas[0] = 0: NAdamW divides by β1 to undo its look-ahead");
  }

  void step(const optbench::Closure&) override {
    for_each_group([&](const optbench::GroupLists& l) {
      const optbench::ParamGroup& group = l.group;
      const std::vector<double> steps = count_steps(l);
      auto m = state_list(l, "exp_avg"), v = state_list(l, "exp_avg_sq");
      std::vector<at::Scalar> bc2_sqrt, step_size;
      for (const double t : steps) {
        bc2_sqrt.emplace_back(std::sqrt(1 - std::pow(beta2_, t)));
        step_size.emplace_back(-group.lr / (1 - std::pow(beta1_, t)));
      }
      torch::_foreach_mul_(l.params, 1 - group.lr * group.weight_decay);  // w ← w(1 - ηλ), first
      torch::_foreach_mul_(m, beta1_);
      torch::_foreach_add_(m, l.grads, 1 - beta1_);                       // m = β1 m + (1-β1) g
      torch::_foreach_mul_(v, beta2_);
      torch::_foreach_addcmul_(v, l.grads, l.grads, 1 - beta2_);          // v = β2 v + (1-β2) g²
      // Nesterov's look-ahead: the update uses m' = β1 m + (1-β1) g ...
      torch::_foreach_mul_(m, beta1_);
      torch::_foreach_add_(m, l.grads, 1 - beta1_);
      auto denom = torch::_foreach_sqrt(v);
      torch::_foreach_div_(denom, bc2_sqrt);
      torch::_foreach_add_(denom, eps_);                                  // ε after bias correction
      torch::_foreach_addcdiv_(l.params, m, denom, step_size);            // w -= η/(1-β1ᵗ) · m'/denom
      // ... and m is recovered from m' as the reference does, (m' - (1-β1) g) / β1.
      torch::_foreach_add_(m, l.grads, -(1 - beta1_));
      torch::_foreach_div_(m, beta1_);
    });
  }

 private:
  double beta1_, beta2_, eps_;
};

}  // namespace

OPTBENCH_PLUGIN("nadamw", "1.0.0", [](optbench::Registrar& r) {
  r.optimizer("nadamw",
              "NAdamW (Dozat 2016; Loshchilov & Hutter 2019), AlgoPerf's baseline; "
              "mlcommons/algorithmic-efficiency pytorch_nadamw_full_budget.py")
      .param("lr", 1e-3, "learning rate", optbench::non_negative)
      .param("betas", std::vector<double>{0.9, 0.999}, "decay rates (β1, β2) of the moments; β1 > 0",
             optbench::unit_right_open)
      .param("eps", 1e-8, "added to the denominator after bias correction", optbench::non_negative)
      .param("weight_decay", 1e-2, "decoupled weight decay λ: w ← w(1 - ηλ)", optbench::non_negative)
      .capabilities({1, 2, true})
      .factory<NAdamW>();
})
