// Adam variants with a different second moment:
// AdaBelief (Zhuang et al. 2020, arXiv:2010.07468), as adabelief-pytorch 0.2.1
// (juntang-zhuang/Adabelief-Optimizer), and Yogi (Zaheer et al. 2018, NeurIPS),
// as jettify/pytorch-optimizer's Yogi.
#include <optbench/sdk.h>

#include <cmath>

#include "adam_variants_kernel.h"

namespace {

using optbench::ParamGroup;
using optbench::Params;

class AdaBelief final : public optbench::Optimizer {
 public:
  AdaBelief(std::vector<ParamGroup> groups, const Params& p)
      : Optimizer(std::move(groups)),
        beta1_(p.get<std::vector<double>>("betas")[0]),
        beta2_(p.get<std::vector<double>>("betas")[1]),
        eps_(p.get<double>("eps")),
        amsgrad_(p.get<bool>("amsgrad")),
        decouple_(p.get<bool>("weight_decouple")),
        fixed_decay_(p.get<bool>("fixed_decay")),
        rectify_(p.get<bool>("rectify")),
        degenerated_to_sgd_(p.get<bool>("degenerated_to_sgd")) {}

  void step(const optbench::Closure&) override {
    using Step = optbench::AdaBeliefScalars::Step;
    for_each_parameter([&](const optbench::ParamGroup& group, optbench::ParamRef p, const torch::Tensor& w) {
      auto& m = state_tensor(p, "exp_avg");
      auto& s = state_tensor(p, "exp_avg_var");
      torch::Tensor* s_max = amsgrad_ ? &state_tensor(p, "max_exp_avg_var") : nullptr;
      double& t = state(p).scalars["step"];
      t += 1;
      const double bias_correction1 = 1 - std::pow(beta1_, t);
      const double bias_correction2 = 1 - std::pow(beta2_, t);
      // Which update this step makes. Rectification as RAdam (Liu et al. 2020), with the
      // reference's N_sma >= 5 threshold.
      Step kind = Step::kAdam;
      double coefficient = group.lr / bias_correction1;
      if (rectify_) {
        const double beta2_t = std::pow(beta2_, t);
        const double n_max = 2 / (1 - beta2_) - 1;
        const double n_sma = n_max - 2 * t * beta2_t / (1 - beta2_t);
        kind = Step::kNone;
        if (n_sma >= 5) {
          kind = Step::kRectified;
          coefficient = std::sqrt((1 - beta2_t) * (n_sma - 4) / (n_max - 4) * (n_sma - 2) / n_sma * n_max /
                                  (n_max - 2)) / (1 - std::pow(beta1_, t)) * group.lr;
        } else if (degenerated_to_sgd_) {
          kind = Step::kMomentum;
          coefficient = 1.0 / (1 - std::pow(beta1_, t)) * group.lr;
        }
      }
      const double decay = !decouple_ ? 1.0 : fixed_decay_ ? 1.0 - group.weight_decay
                                                           : 1.0 - group.lr * group.weight_decay;
      const double l2 = decouple_ ? 0.0 : group.weight_decay;
      const torch::Tensor& grad = w.grad();
      if (optbench::fusable({w, grad, m, s, s_max ? *s_max : m})) {
        const optbench::AdaBeliefScalars c{beta1_, beta2_, eps_, std::sqrt(bias_correction2), decay, l2,
                                           kind, coefficient, amsgrad_};
        optbench::fused_elementwise(
            w, grad, [&](auto... chunk) { optbench::adabelief_update(chunk..., c); }, m, s,
            s_max ? *s_max : torch::Tensor());
        return;
      }
      // Reference path, as adabelief-pytorch 0.2.1.
      if (decouple_) w.mul_(decay);
      const torch::Tensor g = l2 != 0 ? grad.add(w, l2) : grad;
      m.mul_(beta1_).add_(g, 1 - beta1_);
      auto residual = g - m;                                     // g - m: the "belief" in g
      s.mul_(beta2_).addcmul_(residual, residual, 1 - beta2_);   // s = β2 s + (1-β2)(g - m)²
      torch::Tensor denom;
      if (amsgrad_) {
        torch::max_out(*s_max, *s_max, s.add_(eps_));             // the reference keeps s + ε
        denom = (s_max->sqrt() / std::sqrt(bias_correction2)).add_(eps_);
      } else {
        denom = (s.add_(eps_).sqrt() / std::sqrt(bias_correction2)).add_(eps_);
      }
      if (kind == Step::kAdam) w.addcdiv_(m, denom, -coefficient);
      if (kind == Step::kRectified) w.addcdiv_(m, s.sqrt().add_(eps_), -coefficient);
      if (kind == Step::kMomentum) w.add_(m, -coefficient);
    });
  }

 private:
  double beta1_, beta2_, eps_;
  bool amsgrad_, decouple_, fixed_decay_, rectify_, degenerated_to_sgd_;
};

class Yogi final : public optbench::Optimizer {
 public:
  Yogi(std::vector<ParamGroup> groups, const Params& p)
      : Optimizer(std::move(groups)),
        beta1_(p.get<std::vector<double>>("betas")[0]),
        beta2_(p.get<std::vector<double>>("betas")[1]),
        eps_(p.get<double>("eps")),
        initial_(p.get<double>("initial_accumulator")) {}

  void step(const optbench::Closure&) override {
    for_each_parameter([&](const optbench::ParamGroup& group, optbench::ParamRef p, const torch::Tensor& w) {
      auto& st = state(p);
      if (!st.tensors.count("exp_avg")) {  // both moments start at initial_accumulator
        st.tensors["exp_avg"] = torch::full_like(w, initial_);
        st.tensors["exp_avg_sq"] = torch::full_like(w, initial_);
      }
      auto& m = st.tensors["exp_avg"];
      auto& v = st.tensors["exp_avg_sq"];
      double& t = st.scalars["step"];
      t += 1;
      const double bias_correction1 = 1 - std::pow(beta1_, t);
      const double bias_correction2 = 1 - std::pow(beta2_, t);
      torch::Tensor grad = w.grad();
      if (optbench::fusable({w, grad, m, v})) {
        const optbench::YogiScalars c{beta1_, beta2_, eps_, group.weight_decay, std::sqrt(bias_correction2),
                                      group.lr / bias_correction1};
        optbench::fused_elementwise(w, grad, [&](auto... chunk) { optbench::yogi_update(chunk..., c); }, m, v);
        return;
      }
      // Reference path, as jettify/pytorch-optimizer's Yogi.
      if (group.weight_decay != 0) grad = grad.add(w, group.weight_decay);
      m.mul_(beta1_).add_(grad, 1 - beta1_);
      auto grad_squared = grad.mul(grad);
      v.addcmul_(torch::sign(v - grad_squared), grad_squared, -(1 - beta2_));  // v -= (1-β2) sign(v - g²) g²
      auto denom = (v.sqrt() / std::sqrt(bias_correction2)).add_(eps_);
      w.addcdiv_(m, denom, -group.lr / bias_correction1);
    });
  }

 private:
  double beta1_, beta2_, eps_, initial_;
};

}  // namespace

OPTBENCH_PLUGIN("adam_variants", "1.0.0", [](optbench::Registrar& r) {
  r.optimizer("adabelief",
              "AdaBelief, Zhuang et al. 2020 (arXiv:2010.07468); adabelief-pytorch 0.2.1, rectified by default")
      .param("lr", 1e-3, "learning rate", optbench::non_negative)
      .param("betas", std::vector<double>{0.9, 0.999}, "decay rates (β1, β2)", optbench::unit_right_open)
      .param("eps", 1e-16, "added to s (kept in the state) and to the denominator", optbench::non_negative)
      .param("weight_decay", 0.0, "weight decay λ", optbench::non_negative)
      .param("amsgrad", false, "running maximum of s (no effect in the rectified branch)")
      .param("weight_decouple", true, "decoupled decay w ← w(1 - ηλ) instead of L2")
      .param("fixed_decay", false, "decoupled decay without the lr: w ← w(1 - λ)")
      .param("rectify", true, "RAdam-style variance rectification")
      .param("degenerated_to_sgd", true, "plain momentum steps while the variance is untractable")
      .capabilities({1, 2, true})
      .factory<AdaBelief>();
  r.optimizer("yogi", "Yogi, Zaheer et al. 2018 (NeurIPS); jettify/pytorch-optimizer Yogi")
      .param("lr", 1e-2, "learning rate", optbench::non_negative)
      .param("betas", std::vector<double>{0.9, 0.999}, "decay rates (β1, β2)", optbench::unit_right_open)
      .param("eps", 1e-3, "added to the denominator", optbench::non_negative)
      .param("initial_accumulator", 1e-6, "starting value of both moments", optbench::non_negative)
      .param("weight_decay", 0.0, "L2 penalty λ added to the gradient", optbench::non_negative)
      .capabilities({1, 2, true})
      .factory<Yogi>();
})
