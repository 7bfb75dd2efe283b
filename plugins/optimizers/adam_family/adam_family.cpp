// Adam (Kingma & Ba 2015, arXiv:1412.6980), AdamW (Loshchilov & Hutter 2019,
// arXiv:1711.05101) and RAdam (Liu et al. 2020, arXiv:1908.03265), exactly as
// torch.optim.Adam/AdamW/RAdam 1.13 (single-tensor path), including AMSGrad (Reddi et al. 2018).
// Each group steps in fused passes per tensor on CPU, in ATen's fused Adam/AdamW kernel on CUDA
// (Adam and AdamW; the same math, rounded in the kernel's order), else in multi-tensor ops.
#include <optbench/sdk.h>

#include <cmath>

#include "adam_kernel.h"

namespace {

using optbench::AdamScalars;
using optbench::adam_update;
using optbench::RAdamScalars;

class Adam final : public optbench::Optimizer {
 public:
  Adam(std::vector<optbench::ParamGroup> groups, const optbench::Params& p, bool decoupled)
      : Optimizer(std::move(groups)),
        beta1_(p.get<std::vector<double>>("betas")[0]),
        beta2_(p.get<std::vector<double>>("betas")[1]),
        eps_(p.get<double>("eps")),
        amsgrad_(p.get<bool>("amsgrad")),
        decoupled_(decoupled) {}

  void step(const optbench::Closure&) override {
    for_each_group([&](const optbench::GroupLists& l) {
      const optbench::ParamGroup& group = l.group;
      const std::vector<double> steps = count_steps(l);
      auto m = state_list(l, "exp_avg"), v = state_list(l, "exp_avg_sq");
      auto v_max = amsgrad_ ? state_list(l, "max_exp_avg_sq") : std::vector<torch::Tensor>(l.params.size());
      // Per parameter: its bias corrections 1 - β1ᵗ and sqrt(1 - β2ᵗ), and the step -η/(1-β1ᵗ).
      std::vector<at::Scalar> bc2_sqrt, step_size;
      for (const double t : steps) {
        bc2_sqrt.emplace_back(std::sqrt(1 - std::pow(beta2_, t)));
        step_size.emplace_back(-group.lr / (1 - std::pow(beta1_, t)));
      }
      if (optbench::fusable_lists({l.params, l.grads, m, v, v_max})) {
        for (std::size_t i = 0; i < l.params.size(); ++i) {
          const AdamScalars s{group.lr, group.weight_decay, beta1_, beta2_, eps_, 1 - std::pow(beta1_, steps[i]),
                              bc2_sqrt[i].toDouble(), decoupled_, amsgrad_};
          optbench::fused_elementwise(
              l.params[i], l.grads[i], [&](auto... chunk) { adam_update(chunk..., s); }, m[i], v[i], v_max[i]);
        }
        return;
      }
      if (optbench::aten_fusable({l.params, l.grads, m, v, v_max})) {
        const auto on_device = device_steps_.advance(l, steps);
        const std::vector<torch::Tensor> maxima = amsgrad_ ? v_max : std::vector<torch::Tensor>{};
        if (decoupled_)
          at::_fused_adamw_(l.params, l.grads, m, v, maxima, on_device, group.lr, beta1_, beta2_, group.weight_decay,
                            eps_, amsgrad_, /*maximize=*/false);
        else
          at::_fused_adam_(l.params, l.grads, m, v, maxima, on_device, group.lr, beta1_, beta2_, group.weight_decay,
                           eps_, amsgrad_, /*maximize=*/false);
        return;
      }
      // Multi-tensor path, each op as torch.optim.Adam's single-tensor loop applies it to one tensor.
      std::vector<torch::Tensor> grads = l.grads;
      if (group.weight_decay != 0) {
        if (decoupled_)
          torch::_foreach_mul_(l.params, 1 - group.lr * group.weight_decay);  // AdamW: w ← w(1 - ηλ)
        else
          grads = torch::_foreach_add(grads, l.params, group.weight_decay);  // Adam: g ← g + λw (L2)
      }
      torch::_foreach_mul_(m, beta1_);
      torch::_foreach_add_(m, grads, 1 - beta1_);  // m_t = β1 m + (1-β1) g
      torch::_foreach_mul_(v, beta2_);
      torch::_foreach_addcmul_(v, grads, grads, 1 - beta2_);  // v_t = β2 v + (1-β2) g²
      if (amsgrad_) torch::_foreach_maximum_(v_max, v);      // v̂ = max(v̂, v)
      auto denom = torch::_foreach_sqrt(amsgrad_ ? v_max : v);
      torch::_foreach_div_(denom, bc2_sqrt);
      torch::_foreach_add_(denom, eps_);                    // ε after bias correction
      torch::_foreach_addcdiv_(l.params, m, denom, step_size);  // w -= η/(1-β1ᵗ) · m/denom
    });
  }

 private:
  double beta1_, beta2_, eps_;
  bool amsgrad_, decoupled_;
  optbench::DeviceStepCounts device_steps_;  // for ATen's fused kernel
};

// RAdam as torch 1.13: L2 weight decay only; the rectified step once ρ_t > 5.
class RAdam final : public optbench::Optimizer {
 public:
  RAdam(std::vector<optbench::ParamGroup> groups, const optbench::Params& p)
      : Optimizer(std::move(groups)),
        beta1_(p.get<std::vector<double>>("betas")[0]),
        beta2_(p.get<std::vector<double>>("betas")[1]),
        eps_(p.get<double>("eps")) {}

  void step(const optbench::Closure&) override {
    const double rho_inf = 2 / (1 - beta2_) - 1;  // ρ∞, the maximum length of the approximated SMA
    for_each_group([&](const optbench::GroupLists& l) {
      const optbench::ParamGroup& group = l.group;
      const std::vector<double> steps = count_steps(l);
      auto m = state_list(l, "exp_avg"), v = state_list(l, "exp_avg_sq");
      std::vector<RAdamScalars> scalars;
      for (const double t : steps) {
        const double bias_correction2 = 1 - std::pow(beta2_, t);
        const double rho_t = rho_inf - 2 * t * std::pow(beta2_, t) / bias_correction2;  // ρ_t
        const double rect = rho_t > 5.0 ? std::sqrt((rho_t - 4) * (rho_t - 2) * rho_inf /
                                                    ((rho_inf - 4) * (rho_inf - 2) * rho_t))
                                        : 0.0;  // r_t
        scalars.push_back({group.lr, group.weight_decay, beta1_, beta2_, eps_, 1 - std::pow(beta1_, t),
                           std::sqrt(bias_correction2), rect, rho_t > 5.0});
      }
      if (optbench::fusable_lists({l.params, l.grads, m, v})) {
        for (std::size_t i = 0; i < l.params.size(); ++i)
          optbench::fused_elementwise(l.params[i], l.grads[i],
                                      [&](auto... chunk) { optbench::radam_update(chunk..., scalars[i]); }, m[i], v[i]);
        return;
      }
      // Multi-tensor path, each op as torch.optim.RAdam's single-tensor loop applies it to one tensor.
      std::vector<torch::Tensor> grads = l.grads;
      if (group.weight_decay != 0) grads = torch::_foreach_add(grads, l.params, group.weight_decay);
      torch::_foreach_mul_(m, beta1_);
      torch::_foreach_add_(m, grads, 1 - beta1_);
      torch::_foreach_mul_(v, beta2_);
      torch::_foreach_addcmul_(v, grads, grads, 1 - beta2_);
      std::vector<at::Scalar> bias_correction1;
      for (const auto& s : scalars) bias_correction1.emplace_back(s.bias_correction1);
      auto update = torch::_foreach_div(m, bias_correction1);  // m̂
      torch::_foreach_mul_(update, group.lr);                  // η m̂
      // Rectified parameters (ρ_t > 5) also take the adaptive lr sqrt(1-β2ᵗ) / (sqrt(v) + ε), times r_t,
      // written as torch evaluates `scalar / tensor`.
      std::vector<torch::Tensor> rectified_update, rectified_v;
      std::vector<at::Scalar> bc2_sqrt, rect;
      for (std::size_t i = 0; i < scalars.size(); ++i) {
        if (!scalars[i].rectified) continue;
        rectified_update.push_back(update[i]);
        rectified_v.push_back(v[i]);
        bc2_sqrt.emplace_back(scalars[i].bias_correction2_sqrt);
        rect.emplace_back(scalars[i].rect);
      }
      if (!rectified_v.empty()) {
        auto adaptive_lr = torch::_foreach_sqrt(rectified_v);
        torch::_foreach_add_(adaptive_lr, eps_);
        torch::_foreach_reciprocal_(adaptive_lr);
        torch::_foreach_mul_(adaptive_lr, bc2_sqrt);
        torch::_foreach_mul_(rectified_update, adaptive_lr);
        torch::_foreach_mul_(rectified_update, rect);
      }
      torch::_foreach_add_(l.params, update, -1.0);
    });
  }

 private:
  double beta1_, beta2_, eps_;
};

void declare_adam_params(optbench::ComponentBuilder<optbench::OptimizerFactory>& b,
                         double weight_decay, const char* decay_doc) {
  b.param("lr", 1e-3, "learning rate", optbench::non_negative)
      .param("betas", std::vector<double>{0.9, 0.999}, "decay rates (β1, β2) of the moments",
             optbench::unit_right_open)
      .param("eps", 1e-8, "added to the denominator after bias correction", optbench::non_negative)
      .param("weight_decay", weight_decay, decay_doc, optbench::non_negative)
      .param("amsgrad", false, "use the running maximum of v (AMSGrad, Reddi et al. 2018)")
      .capabilities({1, 2, true});  // 3 with amsgrad
}

}  // namespace

OPTBENCH_PLUGIN("adam_family", "1.0.0", [](optbench::Registrar& r) {
  auto adam = r.optimizer("adam", "Adam, Kingma & Ba 2015 (arXiv:1412.6980); torch.optim.Adam");
  declare_adam_params(adam, 0.0, "L2 penalty λ added to the gradient");
  adam.factory([](std::vector<optbench::ParamGroup> groups, const optbench::Params& p) {
    return std::make_shared<Adam>(std::move(groups), p, /*decoupled=*/false);
  });
  auto adamw = r.optimizer(
      "adamw", "AdamW, Loshchilov & Hutter 2019 (arXiv:1711.05101); torch.optim.AdamW");
  declare_adam_params(adamw, 1e-2, "decoupled weight decay λ: w ← w(1 - ηλ)");
  adamw.factory([](std::vector<optbench::ParamGroup> groups, const optbench::Params& p) {
    return std::make_shared<Adam>(std::move(groups), p, /*decoupled=*/true);
  });
  r.optimizer("radam", "RAdam, Liu et al. 2020 (arXiv:1908.03265); torch.optim.RAdam 1.13 (L2 decay only)")
      .param("lr", 1e-3, "learning rate", optbench::non_negative)
      .param("betas", std::vector<double>{0.9, 0.999}, "decay rates (β1, β2) of the moments",
             optbench::unit_right_open)
      .param("eps", 1e-8, "added to sqrt(v) (before bias correction)", optbench::non_negative)
      .param("weight_decay", 0.0, "L2 penalty λ added to the gradient", optbench::non_negative)
      .capabilities({1, 2, true})
      .factory<RAdam>();
})
