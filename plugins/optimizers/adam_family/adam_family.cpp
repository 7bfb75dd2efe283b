// Adam (Kingma & Ba 2015, arXiv:1412.6980), AdamW (Loshchilov & Hutter 2019,
// arXiv:1711.05101) and RAdam (Liu et al. 2020, arXiv:1908.03265), exactly as
// torch.optim.Adam/AdamW/RAdam 1.13 (single-tensor path), including AMSGrad (Reddi et al. 2018).
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
    for_each_parameter([&](const optbench::ParamGroup& group, optbench::ParamRef p, const torch::Tensor& w) {
      torch::Tensor grad = w.grad();
      double& t = state(p).scalars["step"];
      t += 1;
      auto& m = state_tensor(p, "exp_avg");
      auto& v = state_tensor(p, "exp_avg_sq");
      torch::Tensor* v_max_fused = amsgrad_ ? &state_tensor(p, "max_exp_avg_sq") : nullptr;
      const double bc1 = 1 - std::pow(beta1_, t), bc2_sqrt = std::sqrt(1 - std::pow(beta2_, t));
      if (optbench::fusable({w, grad, m, v, v_max_fused ? *v_max_fused : m})) {
        const AdamScalars s{group.lr, group.weight_decay, beta1_, beta2_, eps_, bc1, bc2_sqrt, decoupled_, amsgrad_};
        optbench::fused_elementwise(
            w, grad, [&](auto... chunk) { adam_update(chunk..., s); }, m, v,
            v_max_fused ? *v_max_fused : torch::Tensor());
        return;
      }
      // Reference path, as torch.optim.Adam's single-tensor loop.
      if (group.weight_decay != 0) {
        if (decoupled_)
          w.mul_(1 - group.lr * group.weight_decay);  // AdamW: w ← w(1 - ηλ)
        else
          grad = grad.add(w, group.weight_decay);  // Adam: g ← g + λw (L2)
      }
      m.mul_(beta1_).add_(grad, 1 - beta1_);               // m_t = β1 m + (1-β1) g
      v.mul_(beta2_).addcmul_(grad, grad, 1 - beta2_);     // v_t = β2 v + (1-β2) g²
      torch::Tensor denom;
      if (amsgrad_) {
        torch::maximum_out(*v_max_fused, *v_max_fused, v);  // v̂ = max(v̂, v)
        denom = (v_max_fused->sqrt() / bc2_sqrt).add_(eps_);
      } else {
        denom = (v.sqrt() / bc2_sqrt).add_(eps_);  // ε after bias correction
      }
      w.addcdiv_(m, denom, -group.lr / bc1);  // w -= η/(1-β1ᵗ) · m/denom
    });
  }

 private:
  double beta1_, beta2_, eps_;
  bool amsgrad_, decoupled_;
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
    for_each_parameter([&](const optbench::ParamGroup& group, optbench::ParamRef p, const torch::Tensor& w) {
      torch::Tensor grad = w.grad();
      double& t = state(p).scalars["step"];
      t += 1;
      auto& m = state_tensor(p, "exp_avg");
      auto& v = state_tensor(p, "exp_avg_sq");
      const double bias_correction1 = 1 - std::pow(beta1_, t);
      const double bias_correction2 = 1 - std::pow(beta2_, t);
      const double rho_t = rho_inf - 2 * t * std::pow(beta2_, t) / bias_correction2;  // ρ_t
      const double rect = rho_t > 5.0 ? std::sqrt((rho_t - 4) * (rho_t - 2) * rho_inf /
                                                  ((rho_inf - 4) * (rho_inf - 2) * rho_t))
                                      : 0.0;  // r_t
      if (optbench::fusable({w, grad, m, v})) {
        const RAdamScalars s{group.lr, group.weight_decay, beta1_, beta2_, eps_, bias_correction1,
                             std::sqrt(bias_correction2), rect, rho_t > 5.0};
        optbench::fused_elementwise(w, grad, [&](auto... chunk) { optbench::radam_update(chunk..., s); }, m, v);
        return;
      }
      // Reference path, as torch.optim.RAdam's single-tensor loop.
      if (group.weight_decay != 0) grad = grad.add(w, group.weight_decay);
      m.mul_(beta1_).add_(grad, 1 - beta1_);
      v.mul_(beta2_).addcmul_(grad, grad, 1 - beta2_);
      auto m_hat = m / bias_correction1;
      if (rho_t > 5.0) {
        // sqrt(1-β2ᵗ) / (sqrt(v) + ε), written as torch evaluates `scalar / tensor`.
        auto adaptive_lr = v.sqrt().add_(eps_).reciprocal() * std::sqrt(bias_correction2);
        w.add_(m_hat * group.lr * adaptive_lr * rect, -1.0);
      } else {
        w.add_(m_hat * group.lr, -1.0);
      }
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
