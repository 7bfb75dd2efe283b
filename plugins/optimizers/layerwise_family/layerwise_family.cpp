// Layer-wise trust-ratio methods, per tensor:
// LARS (You et al. 2017, arXiv:1708.03888) as facebookresearch/barlowtwins main.py LARS, and
// LAMB (You et al. 2020, arXiv:1904.00962) as jettify/pytorch-optimizer's Lamb (from
// cybertronai/pytorch-lamb: uncorrected moments, weight decay inside the trust ratio).
#include <optbench/sdk.h>

#include <cmath>

#include "layerwise_kernel.h"

namespace {

using optbench::ParamGroup;

using optbench::Params;
using optbench::run_chunks;

class Lars final : public optbench::Optimizer {
 public:
  Lars(std::vector<ParamGroup> groups, const Params& p)
      : Optimizer(std::move(groups)),
        momentum_(p.get<double>("momentum")),
        eta_(p.get<double>("eta")),
        decay_filter_(p.get<bool>("weight_decay_filter")),
        adaptation_filter_(p.get<bool>("lars_adaptation_filter")) {}

  void step(const optbench::Closure&) override {
    for_each_parameter([&](const optbench::ParamGroup& group, optbench::ParamRef p, const torch::Tensor& w) {
      const bool one_dimensional = w.dim() == 1;  // the reference's test for biases and norms
      const double wd = !decay_filter_ || !one_dimensional ? group.weight_decay : 0.0;
      const bool adapt = !adaptation_filter_ || !one_dimensional;
      auto& mu = state_tensor(p, "mu");
      const auto& grad = w.grad();
      if (optbench::fusable({w, grad, mu})) {
        AT_DISPATCH_FLOATING_TYPES(w.scalar_type(), "fused_lars", [&] {
          scalar_t *wp = w.data_ptr<scalar_t>(), *mp = mu.data_ptr<scalar_t>();
          const scalar_t* gp = grad.data_ptr<scalar_t>();
          double q = 1;
          if (adapt) {
            const auto sums = optbench::lars_norms<scalar_t>(wp, gp, w.numel(), wd, run_chunks);
            const double w_norm = std::sqrt(sums.first), d_norm = std::sqrt(sums.second);
            if (w_norm > 0 && d_norm > 0) q = w_norm * eta_ / d_norm;  // q = η‖w‖/‖d‖, else 1 (no ε)
          }
          optbench::lars_update<scalar_t>(wp, gp, mp, w.numel(), wd, q, momentum_, group.lr, run_chunks);
        });
        return;
      }
      // Reference path, as barlowtwins' LARS.
      torch::Tensor d = w.grad();
      if (!decay_filter_ || !one_dimensional) d = d.add(w, group.weight_decay);
      if (adapt) {
        auto w_norm = torch::norm(w), d_norm = torch::norm(d);
        auto one = torch::ones_like(w_norm);
        // q = η‖w‖/‖d‖, 1 when either norm is 0 (no ε)
        auto q = torch::where(w_norm > 0., torch::where(d_norm > 0, (w_norm * eta_) / d_norm, one), one);
        d = d.mul(q);
      }
      mu.mul_(momentum_).add_(d);  // no dampening
      w.add_(mu, -group.lr);
    });
  }

 private:
  double momentum_, eta_;
  bool decay_filter_, adaptation_filter_;
};

class Lamb final : public optbench::Optimizer {
 public:
  Lamb(std::vector<ParamGroup> groups, const Params& p)
      : Optimizer(std::move(groups)),
        beta1_(p.get<std::vector<double>>("betas")[0]),
        beta2_(p.get<std::vector<double>>("betas")[1]),
        eps_(p.get<double>("eps")),
        clamp_value_(p.get<double>("clamp_value")),
        adam_(p.get<bool>("adam")),
        debias_(p.get<bool>("debias")) {}

  void step(const optbench::Closure&) override {
    for_each_parameter([&](const optbench::ParamGroup& group, optbench::ParamRef p, const torch::Tensor& w) {
      const auto& grad = w.grad();
      auto& m = state_tensor(p, "exp_avg");
      auto& v = state_tensor(p, "exp_avg_sq");
      double& t = state(p).scalars["step"];
      t += 1;
      // Paper v3 does not debias; when asked, only as a scalar on the step.
      const double bias_correction =
          debias_ ? std::sqrt(1 - std::pow(beta2_, t)) / (1 - std::pow(beta1_, t)) : 1.0;
      const double step_size = group.lr * bias_correction;
      if (optbench::fusable({w, grad, m, v})) {
        AT_DISPATCH_FLOATING_TYPES(w.scalar_type(), "fused_lamb", [&] {
          scalar_t *wp = w.data_ptr<scalar_t>(), *mp = m.data_ptr<scalar_t>(), *vp = v.data_ptr<scalar_t>();
          const optbench::LambScalars s{beta1_, beta2_, eps_, group.weight_decay};
          const auto sums = optbench::lamb_moments<scalar_t>(wp, grad.data_ptr<scalar_t>(), mp, vp, w.numel(), s,
                                                             run_chunks);
          // trust = min(‖w‖, clamp)/‖r‖ in the tensor's dtype, as the reference; 1 if either is 0
          const auto weight_norm = std::min(static_cast<scalar_t>(std::sqrt(sums.first)), scalar_t(clamp_value_));
          const auto adam_norm = static_cast<scalar_t>(std::sqrt(sums.second));
          double alpha = -step_size;
          if (!adam_ && weight_norm != 0 && adam_norm != 0) alpha = weight_norm / adam_norm * scalar_t(-step_size);
          optbench::lamb_apply<scalar_t>(wp, mp, vp, w.numel(), s, alpha, run_chunks);
        });
        return;
      }
      // Reference path, as jettify's Lamb.
      m.mul_(beta1_).add_(grad, 1 - beta1_);
      v.mul_(beta2_).addcmul_(grad, grad, 1 - beta2_);
      auto weight_norm = torch::norm(w).clamp(0, clamp_value_);
      auto adam_step = m / v.sqrt().add(eps_);                    // r = m / (sqrt(v) + ε)
      if (group.weight_decay != 0) adam_step.add_(w, group.weight_decay);  // r += λw
      auto adam_norm = torch::norm(adam_step);
      double alpha = -step_size;                                  // trust ratio 1
      if (!adam_ && weight_norm.item<double>() != 0 && adam_norm.item<double>() != 0)
        alpha = ((weight_norm / adam_norm) * -step_size).item<double>();  // in the tensor's dtype, as the reference
      w.add_(adam_step, alpha);
    });
  }

 private:
  double beta1_, beta2_, eps_, clamp_value_;
  bool adam_, debias_;
};

}  // namespace

OPTBENCH_PLUGIN("layerwise_family", "1.0.0", [](optbench::Registrar& r) {
  r.optimizer("lars", "LARS, You et al. 2017 (arXiv:1708.03888); facebookresearch/barlowtwins LARS")
      .required("lr", optbench::ValueType::kDouble, "learning rate", optbench::non_negative)
      .param("weight_decay", 0.0, "L2 penalty λ added before the trust ratio", optbench::non_negative)
      .param("momentum", 0.9, "momentum (no dampening)", optbench::non_negative)
      .param("eta", 0.001, "trust coefficient η: q = η‖w‖/‖g + λw‖", optbench::non_negative)
      .param("weight_decay_filter", false, "no weight decay for 1-D tensors (biases, norms)")
      .param("lars_adaptation_filter", false, "no trust ratio for 1-D tensors (biases, norms)")
      .capabilities({1, 1, true})
      .suite_default("lr", 1.0)
      .factory<Lars>();
  r.optimizer("lamb", "LAMB, You et al. 2020 (arXiv:1904.00962); jettify/pytorch-optimizer Lamb (no debiasing)")
      .param("lr", 1e-3, "learning rate", optbench::non_negative)
      .param("betas", std::vector<double>{0.9, 0.999}, "decay rates (β1, β2)", optbench::unit_right_open)
      .param("eps", 1e-6, "added to sqrt(v)", optbench::non_negative)
      .param("weight_decay", 0.0, "λ: r += λw inside the trust ratio", optbench::non_negative)
      .param("clamp_value", 10.0, "‖w‖ is clamped to [0, clamp_value]", optbench::non_negative)
      .param("adam", false, "trust ratio 1 (plain Adam-style step)")
      .param("debias", false, "bias correction as a scalar on the step")
      .capabilities({1, 2, true})
      .factory<Lamb>();
})
