// Adam (Kingma & Ba 2015, arXiv:1412.6980) and AdamW (Loshchilov & Hutter 2019,
// arXiv:1711.05101), exactly as torch.optim.Adam/AdamW 1.13 (single-tensor path),
// including AMSGrad (Reddi et al. 2018).
#include <optbench/sdk.h>

#include <cmath>

namespace {

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
    torch::NoGradGuard no_grad;
    for (size_t g = 0; g < groups().size(); ++g) {
      const auto& group = groups()[g];
      for (size_t i = 0; i < group.params.size(); ++i) {
        const auto& w = group.params[i];  // in-place ops on a Tensor handle are const
        if (!w.grad().defined()) continue;
        torch::Tensor grad = w.grad();
        double& t = state(g, i).scalars["step"];
        t += 1;
        if (group.weight_decay != 0) {
          if (decoupled_)
            w.mul_(1 - group.lr * group.weight_decay);  // AdamW: w ← w(1 - ηλ)
          else
            grad = grad.add(w, group.weight_decay);  // Adam: g ← g + λw (L2)
        }
        auto& m = state_tensor(g, i, "exp_avg");
        auto& v = state_tensor(g, i, "exp_avg_sq");
        m.mul_(beta1_).add_(grad, 1 - beta1_);               // m_t = β1 m + (1-β1) g
        v.mul_(beta2_).addcmul_(grad, grad, 1 - beta2_);     // v_t = β2 v + (1-β2) g²
        const double bias_correction1 = 1 - std::pow(beta1_, t);
        const double bias_correction2_sqrt = std::sqrt(1 - std::pow(beta2_, t));
        torch::Tensor denom;
        if (amsgrad_) {
          auto& v_max = state_tensor(g, i, "max_exp_avg_sq");
          torch::maximum_out(v_max, v_max, v);               // v̂ = max(v̂, v)
          denom = (v_max.sqrt() / bias_correction2_sqrt).add_(eps_);
        } else {
          denom = (v.sqrt() / bias_correction2_sqrt).add_(eps_);  // ε after bias correction
        }
        w.addcdiv_(m, denom, -group.lr / bias_correction1);  // w -= η/(1-β1ᵗ) · m/denom
      }
    }
  }

 private:
  double beta1_, beta2_, eps_;
  bool amsgrad_, decoupled_;
};

void declare_adam_params(optbench::ComponentBuilder<optbench::OptimizerFactory>& b,
                         double weight_decay, const char* decay_doc) {
  b.param("lr", 1e-3, "learning rate", optbench::non_negative)
      .param("betas", std::vector<double>{0.9, 0.999}, "decay rates (β1, β2) of the moments",
             optbench::unit_right_open)
      .param("eps", 1e-8, "added to the denominator after bias correction", optbench::non_negative)
      .param("weight_decay", weight_decay, decay_doc, optbench::non_negative)
      .param("amsgrad", false, "use the running maximum of v (AMSGrad, Reddi et al. 2018)");
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
})
