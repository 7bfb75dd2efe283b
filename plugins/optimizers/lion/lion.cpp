// Lion (Chen et al. 2023, arXiv:2302.06675), as lucidrains/lion-pytorch 0.2.3: fused passes per
// tensor on CPU, else multi-tensor (_foreach_) ops per group.
#include <optbench/sdk.h>

#include "lion_kernel.h"

namespace {

class Lion final : public optbench::Optimizer {
 public:
  Lion(std::vector<optbench::ParamGroup> groups, const optbench::Params& p)
      : Optimizer(std::move(groups)),
        beta1_(p.get<std::vector<double>>("betas")[0]),
        beta2_(p.get<std::vector<double>>("betas")[1]),
        decoupled_(p.get<bool>("decoupled_weight_decay")),
        initial_lr_(p.get<double>("lr")) {
    if (decoupled_ && initial_lr_ == 0)
      throw std::invalid_argument("decoupled_weight_decay = true needs lr > 0 (weight decay is divided by it)");
  }

  void step(const optbench::Closure&) override {
    for_each_group([&](const optbench::GroupLists& l) {
      const optbench::ParamGroup& group = l.group;
      // decoupled_weight_decay: λ is given per unit of the initial lr.
      const double wd = decoupled_ ? group.weight_decay / initial_lr_ : group.weight_decay;
      auto m = state_list(l, "exp_avg");
      if (optbench::fusable_lists({l.params, l.grads, m})) {
        const optbench::LionScalars c{group.lr, 1 - group.lr * wd, beta1_, beta2_};
        for (std::size_t i = 0; i < l.params.size(); ++i)
          optbench::fused_elementwise(l.params[i], l.grads[i], [&](auto... chunk) { optbench::lion_update(chunk..., c); },
                                      m[i]);
        return;
      }
      // Multi-tensor path, each op as lion-pytorch applies it to one tensor.
      torch::_foreach_mul_(l.params, 1 - group.lr * wd);            // w ← w(1 - ηλ)
      auto update = torch::_foreach_mul(m, beta1_);
      update = torch::_foreach_add(update, l.grads, 1 - beta1_);
      torch::_foreach_sign_(update);                                 // c = sign(β1 m + (1-β1) g)
      torch::_foreach_add_(l.params, update, -group.lr);
      torch::_foreach_mul_(m, beta2_);
      torch::_foreach_add_(m, l.grads, 1 - beta2_);                  // m = β2 m + (1-β2) g
    });
  }

 private:
  double beta1_, beta2_;
  bool decoupled_;
  double initial_lr_;
};

}  // namespace

OPTBENCH_PLUGIN("lion", "1.0.0", [](optbench::Registrar& r) {
  r.optimizer("lion", "Lion (sign momentum), Chen et al. 2023 (arXiv:2302.06675); lucidrains/lion-pytorch 0.2.3")
      .param("lr", 1e-4, "learning rate", optbench::non_negative)
      .param("betas", std::vector<double>{0.9, 0.99}, "β1 interpolates the update, β2 decays the momentum",
             optbench::unit_right_open)
      .param("weight_decay", 0.0, "decoupled weight decay λ: w ← w(1 - ηλ)", optbench::non_negative)
      .param("decoupled_weight_decay", false, "divide λ by the initial lr (λ per unit lr)")
      .capabilities({1, 1, true})
      .factory<Lion>();
})
