// MARS (Yuan et al. 2024, "MARS: Unleashing the Power of Variance Reduction for Training Large
// Models", arXiv:2411.10438), its AdamW instance with the approximate gradient correction, as the
// reference AGI-Arena/MARS (MARS/optimizers/mars.py, class MARS, mars_type "mars-adamw",
// is_approx=True): multi-tensor (_foreach_) ops per group.
//
// Matrices (2-D tensors) take the variance-reduced step: c = g + γ β1/(1-β1) (g - g_prev),
// scaled to norm 1 when larger, drives Adam's moments. Every other tensor (biases, norms and, as
// in the reference, conv kernels) takes AdamW with its own lr (lr_1d), betas and weight decay,
// unless optimize_1d sends every tensor to the MARS step.
#include <optbench/sdk.h>

#include <cmath>

namespace {

// The tensors of one branch of a group: a subset of its GroupLists with their state.
struct Branch {
  std::vector<torch::Tensor> params, grads, m, v, v_max, last_grad;
  std::vector<double> steps;
};

class Mars final : public optbench::Optimizer {
 public:
  Mars(std::vector<optbench::ParamGroup> groups, const optbench::Params& p)
      : Optimizer(std::move(groups)),
        beta1_(p.get<std::vector<double>>("betas")[0]),
        beta2_(p.get<std::vector<double>>("betas")[1]),
        beta1_1d_(p.get<std::vector<double>>("betas_1d")[0]),
        beta2_1d_(p.get<std::vector<double>>("betas_1d")[1]),
        eps_(p.get<double>("eps")),
        gamma_(p.get<double>("gamma")),
        weight_decay_1d_(p.get<double>("weight_decay_1d")),
        // The reference keeps lr_1d as a factor of the constructor's lr, so that a schedule
        // scales both learning rates alike.
        lr_1d_factor_(p.get<double>("lr_1d") / p.get<double>("lr")),
        amsgrad_(p.get<bool>("amsgrad")),
        optimize_1d_(p.get<bool>("optimize_1d")) {}

  void step(const optbench::Closure&) override {
    for_each_group([&](const optbench::GroupLists& l) {
      const std::vector<double> steps = count_steps(l);
      Branch mars, adamw;
      for (std::size_t i = 0; i < l.params.size(); ++i) {
        const bool is_mars = optimize_1d_ || l.params[i].dim() == 2;
        Branch& b = is_mars ? mars : adamw;
        b.params.push_back(l.params[i]);
        b.grads.push_back(l.grads[i]);
        b.m.push_back(state_tensor(l.refs[i], "exp_avg"));
        b.v.push_back(state_tensor(l.refs[i], "exp_avg_sq"));
        if (amsgrad_) b.v_max.push_back(state_tensor(l.refs[i], "max_exp_avg_sq"));
        if (is_mars) b.last_grad.push_back(state_tensor(l.refs[i], "last_grad"));
        b.steps.push_back(steps[i]);
      }
      if (!mars.params.empty()) mars_step(mars, l.group);
      if (!adamw.params.empty()) adamw_step(adamw, l.group);
    });
  }

 private:
  void mars_step(Branch& b, const optbench::ParamGroup& group) {
    // c = (g - g_prev)·γβ1/(1-β1) + g; the first step's g_prev is zero, as the reference's.
    auto c = torch::_foreach_sub(b.grads, b.last_grad);
    torch::_foreach_mul_(c, gamma_ * (beta1_ / (1 - beta1_)));
    torch::_foreach_add_(c, b.grads);
    // c / ‖c‖ where ‖c‖ > 1: dividing by max(‖c‖, 1) is the same without reading ‖c‖ on the host.
    auto norms = torch::_foreach_norm(c);
    torch::_foreach_clamp_min_(norms, 1.0);
    torch::_foreach_div_(c, norms);
    torch::_foreach_mul_(b.m, beta1_);
    torch::_foreach_add_(b.m, c, 1 - beta1_);  // m = β1 m + (1-β1) c
    torch::_foreach_mul_(b.v, beta2_);
    torch::_foreach_addcmul_(b.v, c, c, 1 - beta2_);  // v = β2 v + (1-β2) c²
    adam_update(b, beta1_, beta2_, group.lr, group.weight_decay);
    // The reference keeps the gradient tensor itself, which the next zero_grad(set_to_none)
    // leaves alone; a copy is that, whatever the trainer does with the gradient afterwards.
    for (std::size_t i = 0; i < b.grads.size(); ++i) b.last_grad[i].copy_(b.grads[i]);
  }

  void adamw_step(Branch& b, const optbench::ParamGroup& group) {
    torch::_foreach_mul_(b.m, beta1_1d_);
    torch::_foreach_add_(b.m, b.grads, 1 - beta1_1d_);
    torch::_foreach_mul_(b.v, beta2_1d_);
    torch::_foreach_addcmul_(b.v, b.grads, b.grads, 1 - beta2_1d_);
    // weight_decay_1d replaces the group's decay, as in the reference, unless the experiment
    // excluded these parameters from weight decay.
    adam_update(b, beta1_1d_, beta2_1d_, group.lr * lr_1d_factor_, group.decay ? weight_decay_1d_ : 0.0);
  }

  // w += -η (λw + m / ((sqrt(v)/sqrt(1-β2ᵗ) + ε)(1-β1ᵗ))): the reference folds m's bias
  // correction into the denominator, so ε is scaled by it too.
  void adam_update(Branch& b, double beta1, double beta2, double lr, double weight_decay) {
    if (amsgrad_) torch::_foreach_maximum_(b.v_max, b.v);
    std::vector<at::Scalar> inv_bc2_sqrt, bc1;
    for (const double t : b.steps) {
      inv_bc2_sqrt.emplace_back(1 / std::sqrt(1 - std::pow(beta2, t)));
      bc1.emplace_back(1 - std::pow(beta1, t));
    }
    auto denom = torch::_foreach_sqrt(amsgrad_ ? b.v_max : b.v);
    torch::_foreach_mul_(denom, inv_bc2_sqrt);
    torch::_foreach_add_(denom, eps_);
    torch::_foreach_mul_(denom, bc1);
    auto update = torch::_foreach_div(b.m, denom);
    if (weight_decay != 0) torch::_foreach_add_(update, b.params, weight_decay);
    torch::_foreach_mul_(update, -lr);
    torch::_foreach_add_(b.params, update);
  }

  double beta1_, beta2_, beta1_1d_, beta2_1d_, eps_, gamma_, weight_decay_1d_, lr_1d_factor_;
  bool amsgrad_, optimize_1d_;
};

}  // namespace

OPTBENCH_PLUGIN("mars", "1.0.0", [](optbench::Registrar& r) {
  r.optimizer("mars",
              "MARS-AdamW, approximate (Yuan et al. 2024, arXiv:2411.10438); AGI-Arena/MARS mars.py, "
              "mars_type \"mars-adamw\", is_approx")
      .param("lr", 3e-3, "learning rate of the matrices' MARS step", optbench::positive)
      .param("betas", std::vector<double>{0.95, 0.99}, "decay rates (β1, β2) of the MARS step's moments",
             optbench::unit_right_open)
      .param("eps", 1e-8, "added to sqrt(v) after its bias correction", optbench::non_negative)
      .param("weight_decay", 0.0, "weight decay λ of the MARS step: w ← w - ηλw", optbench::non_negative)
      .param("amsgrad", false, "use the running maximum of v (AMSGrad), in both steps")
      .param("gamma", 0.025, "γ, the weight of the gradient correction g - g_prev", optbench::non_negative)
      .param("optimize_1d", false, "take the MARS step for every tensor, not only matrices")
      .param("lr_1d", 3e-3, "learning rate of the AdamW step of non-matrix tensors (scaled as lr is)",
             optbench::non_negative)
      .param("betas_1d", std::vector<double>{0.9, 0.95}, "decay rates (β1, β2) of the AdamW step",
             optbench::unit_right_open)
      .param("weight_decay_1d", 0.1, "weight decay of the AdamW step, in place of weight_decay",
             optbench::non_negative)
      .capabilities({1, 3, true})  // m, v and the previous gradient; 4 with amsgrad
      .factory<Mars>();
})
