// Adam variants with a different second moment:
// AdaBelief (Zhuang et al. 2020, arXiv:2010.07468), as adabelief-pytorch 0.2.1
// (juntang-zhuang/Adabelief-Optimizer), and Yogi (Zaheer et al. 2018, NeurIPS),
// as jettify/pytorch-optimizer's Yogi. Fused passes per tensor on CPU, else multi-tensor (_foreach_)
// ops per group.
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
    for_each_group([&](const optbench::GroupLists& l) {
      const optbench::ParamGroup& group = l.group;
      auto m = state_list(l, "exp_avg"), s = state_list(l, "exp_avg_var");
      auto s_max = amsgrad_ ? state_list(l, "max_exp_avg_var") : std::vector<torch::Tensor>(l.params.size());
      // Per parameter: which update this step makes, its coefficient and sqrt(1 - β2ᵗ).
      // Rectification as RAdam (Liu et al. 2020), with the reference's N_sma >= 5 threshold.
      std::vector<Step> kinds;
      std::vector<double> coefficients;
      std::vector<at::Scalar> bc2_sqrt;
      for (const double t : count_steps(l)) {
        Step kind = Step::kAdam;
        double coefficient = group.lr / (1 - std::pow(beta1_, t));
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
        kinds.push_back(kind);
        coefficients.push_back(coefficient);
        bc2_sqrt.emplace_back(std::sqrt(1 - std::pow(beta2_, t)));
      }
      const double decay = !decouple_ ? 1.0 : fixed_decay_ ? 1.0 - group.weight_decay
                                                           : 1.0 - group.lr * group.weight_decay;
      const double l2 = decouple_ ? 0.0 : group.weight_decay;
      if (optbench::fusable_lists({l.params, l.grads, m, s, s_max})) {
        for (std::size_t i = 0; i < l.params.size(); ++i) {
          const optbench::AdaBeliefScalars c{beta1_, beta2_, eps_, bc2_sqrt[i].toDouble(), decay, l2,
                                             kinds[i], coefficients[i], amsgrad_};
          optbench::fused_elementwise(
              l.params[i], l.grads[i], [&](auto... chunk) { optbench::adabelief_update(chunk..., c); }, m[i], s[i],
              s_max[i]);
        }
        return;
      }
      // Multi-tensor path, each op as adabelief-pytorch 0.2.1 applies it to one tensor.
      if (decouple_) torch::_foreach_mul_(l.params, decay);
      const std::vector<torch::Tensor> g = l2 != 0 ? torch::_foreach_add(l.grads, l.params, l2) : l.grads;
      torch::_foreach_mul_(m, beta1_);
      torch::_foreach_add_(m, g, 1 - beta1_);
      auto residual = torch::_foreach_sub(g, m);                   // g - m: the "belief" in g
      torch::_foreach_mul_(s, beta2_);
      torch::_foreach_addcmul_(s, residual, residual, 1 - beta2_);  // s = β2 s + (1-β2)(g - m)²
      torch::_foreach_add_(s, eps_);                                // the reference keeps s + ε
      if (amsgrad_) torch::_foreach_maximum_(s_max, s);
      auto denom = torch::_foreach_sqrt(amsgrad_ ? s_max : s);
      torch::_foreach_div_(denom, bc2_sqrt);
      torch::_foreach_add_(denom, eps_);
      // Each kind of update on its parameters.
      std::vector<torch::Tensor> adam_w, adam_m, adam_denom, rect_w, rect_m, rect_s;
      std::vector<at::Scalar> adam_step, rect_step;
      for (std::size_t i = 0; i < kinds.size(); ++i) {
        if (kinds[i] == Step::kAdam) {
          adam_w.push_back(l.params[i]);
          adam_m.push_back(m[i]);
          adam_denom.push_back(denom[i]);
          adam_step.emplace_back(-coefficients[i]);
        } else if (kinds[i] == Step::kRectified) {
          rect_w.push_back(l.params[i]);
          rect_m.push_back(m[i]);
          rect_s.push_back(s[i]);
          rect_step.emplace_back(-coefficients[i]);
        } else if (kinds[i] == Step::kMomentum) {
          l.params[i].add_(m[i], -coefficients[i]);  // only in the first steps of a rectified run
        }
      }
      if (!adam_w.empty()) torch::_foreach_addcdiv_(adam_w, adam_m, adam_denom, adam_step);
      if (!rect_w.empty()) {
        auto rect_denom = torch::_foreach_sqrt(rect_s);
        torch::_foreach_add_(rect_denom, eps_);
        torch::_foreach_addcdiv_(rect_w, rect_m, rect_denom, rect_step);
      }
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
    for_each_group([&](const optbench::GroupLists& l) {
      const optbench::ParamGroup& group = l.group;
      for (std::size_t i = 0; i < l.refs.size(); ++i) {
        auto& tensors = state(l.refs[i]).tensors;
        if (!tensors.count("exp_avg")) {  // both moments start at initial_accumulator
          tensors["exp_avg"] = torch::full_like(l.params[i], initial_);
          tensors["exp_avg_sq"] = torch::full_like(l.params[i], initial_);
        }
      }
      auto m = state_list(l, "exp_avg"), v = state_list(l, "exp_avg_sq");
      std::vector<at::Scalar> bc2_sqrt, step_size;  // sqrt(1 - β2ᵗ) and -η/(1 - β1ᵗ), per parameter
      for (const double t : count_steps(l)) {
        bc2_sqrt.emplace_back(std::sqrt(1 - std::pow(beta2_, t)));
        step_size.emplace_back(-group.lr / (1 - std::pow(beta1_, t)));
      }
      if (optbench::fusable_lists({l.params, l.grads, m, v})) {
        for (std::size_t i = 0; i < l.params.size(); ++i) {
          const optbench::YogiScalars c{beta1_, beta2_, eps_, group.weight_decay, bc2_sqrt[i].toDouble(),
                                        -step_size[i].toDouble()};
          optbench::fused_elementwise(l.params[i], l.grads[i], [&](auto... chunk) { optbench::yogi_update(chunk..., c); },
                                      m[i], v[i]);
        }
        return;
      }
      // Multi-tensor path, each op as jettify/pytorch-optimizer's Yogi applies it to one tensor.
      std::vector<torch::Tensor> grads = l.grads;
      if (group.weight_decay != 0) grads = torch::_foreach_add(grads, l.params, group.weight_decay);
      torch::_foreach_mul_(m, beta1_);
      torch::_foreach_add_(m, grads, 1 - beta1_);
      auto grad_squared = torch::_foreach_mul(grads, grads);
      auto direction = torch::_foreach_sub(v, grad_squared);
      torch::_foreach_sign_(direction);
      torch::_foreach_addcmul_(v, direction, grad_squared, -(1 - beta2_));  // v -= (1-β2) sign(v - g²) g²
      auto denom = torch::_foreach_sqrt(v);
      torch::_foreach_div_(denom, bc2_sqrt);
      torch::_foreach_add_(denom, eps_);
      torch::_foreach_addcdiv_(l.params, m, denom, step_size);
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
