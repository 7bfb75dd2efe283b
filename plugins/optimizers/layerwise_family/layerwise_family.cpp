// Layer-wise trust-ratio methods, per tensor:
// LARS (You et al. 2017, arXiv:1708.03888) as facebookresearch/barlowtwins main.py LARS, and
// LAMB (You et al. 2020, arXiv:1904.00962) as jettify/pytorch-optimizer's Lamb (from
// cybertronai/pytorch-lamb: uncorrected moments, weight decay inside the trust ratio). Fused passes
// per tensor on CPU, else multi-tensor (_foreach_) ops per group with the trust ratios on the device.
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
    for_each_group([&](const optbench::GroupLists& l) {
      auto mu = state_list(l, "mu");
      if (optbench::fusable_lists({l.params, l.grads, mu})) {
        for (std::size_t i = 0; i < l.params.size(); ++i) fused_step(l.group, l.params[i], mu[i]);
        return;
      }
      // Multi-tensor path, each op as barlowtwins' LARS applies it to one tensor; the trust ratios
      // stay on the device.
      std::vector<torch::Tensor> d = l.grads;
      std::vector<torch::Tensor> decayed_w, decayed_g, adapted_w, adapted_d;
      std::vector<std::size_t> decayed, adapted;
      for (std::size_t i = 0; i < l.params.size(); ++i) {
        const bool one_dimensional = l.params[i].dim() == 1;  // the reference's test for biases and norms
        if (!decay_filter_ || !one_dimensional) {
          decayed.push_back(i);
          decayed_w.push_back(l.params[i]);
          decayed_g.push_back(l.grads[i]);
        }
        if (!adaptation_filter_ || !one_dimensional) adapted.push_back(i);
      }
      if (!decayed.empty()) {
        const auto sums = torch::_foreach_add(decayed_g, decayed_w, l.group.weight_decay);  // d = g + λw
        for (std::size_t k = 0; k < decayed.size(); ++k) d[decayed[k]] = sums[k];
      }
      if (!adapted.empty()) {
        for (const std::size_t i : adapted) {
          adapted_w.push_back(l.params[i]);
          adapted_d.push_back(d[i]);
        }
        const auto w_norm = torch::stack(torch::_foreach_norm(adapted_w));
        const auto d_norm = torch::stack(torch::_foreach_norm(adapted_d));
        const auto one = torch::ones_like(w_norm);
        // q = η‖w‖/‖d‖, 1 when either norm is 0 (no ε)
        const auto q = torch::where(w_norm > 0., torch::where(d_norm > 0, (w_norm * eta_) / d_norm, one), one).unbind();
        const auto scaled = torch::_foreach_mul(adapted_d, q);
        for (std::size_t k = 0; k < adapted.size(); ++k) d[adapted[k]] = scaled[k];
      }
      torch::_foreach_mul_(mu, momentum_);
      torch::_foreach_add_(mu, d);  // no dampening
      torch::_foreach_add_(l.params, mu, -l.group.lr);
    });
  }

 private:
  // One pass for the two norms, one for the update.
  void fused_step(const optbench::ParamGroup& group, const torch::Tensor& w, const torch::Tensor& mu) {
    const bool one_dimensional = w.dim() == 1;
    const double wd = !decay_filter_ || !one_dimensional ? group.weight_decay : 0.0;
    const bool adapt = !adaptation_filter_ || !one_dimensional;
    const auto& grad = w.grad();
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
  }

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
    for_each_group([&](const optbench::GroupLists& l) {
      auto m = state_list(l, "exp_avg"), v = state_list(l, "exp_avg_sq");
      // Paper v3 does not debias; when asked, only as a scalar on the step.
      std::vector<double> step_size;
      for (const double t : count_steps(l))
        step_size.push_back(l.group.lr * (debias_ ? std::sqrt(1 - std::pow(beta2_, t)) / (1 - std::pow(beta1_, t)) : 1.0));
      if (optbench::fusable_lists({l.params, l.grads, m, v})) {
        for (std::size_t i = 0; i < l.params.size(); ++i) fused_step(l.group, l.params[i], m[i], v[i], step_size[i]);
        return;
      }
      // Multi-tensor path, each op as jettify's Lamb applies it to one tensor; the trust ratios
      // stay on the device.
      torch::_foreach_mul_(m, beta1_);
      torch::_foreach_add_(m, l.grads, 1 - beta1_);
      torch::_foreach_mul_(v, beta2_);
      torch::_foreach_addcmul_(v, l.grads, l.grads, 1 - beta2_);
      auto adam_step = torch::_foreach_sqrt(v);
      torch::_foreach_add_(adam_step, eps_);
      adam_step = torch::_foreach_div(m, adam_step);  // r = m / (sqrt(v) + ε)
      if (l.group.weight_decay != 0) torch::_foreach_add_(adam_step, l.params, l.group.weight_decay);  // r += λw
      // w += -η·trust·r, trust = ‖w‖ (clamped) / ‖r‖, 1 if either is 0. The trust ratios stay on the
      // device (the reference reads them on the host): products in another order than the
      // reference's -η·trust, to the last bit only.
      if (!adam_) {
        const auto weight_norm = torch::stack(torch::_foreach_norm(l.params)).clamp(0, clamp_value_);
        const auto adam_norm = torch::stack(torch::_foreach_norm(adam_step));
        const auto trust = torch::where((weight_norm != 0).logical_and(adam_norm != 0), weight_norm / adam_norm,
                                        torch::ones_like(weight_norm));
        torch::_foreach_mul_(adam_step, trust.unbind());
      }
      std::vector<at::Scalar> minus_step;
      for (const double s : step_size) minus_step.emplace_back(-s);
      torch::_foreach_mul_(adam_step, minus_step);
      torch::_foreach_add_(l.params, adam_step);
    });
  }

 private:
  // One pass for the moments and the two norms, one for the update.
  void fused_step(const optbench::ParamGroup& group, const torch::Tensor& w, const torch::Tensor& m,
                  const torch::Tensor& v, double step_size) {
    const auto& grad = w.grad();
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
  }

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
