// Per-coordinate adaptive methods, exactly as torch.optim 1.13 (single-tensor path):
// Adagrad (Duchi et al. 2011, JMLR 12), RMSprop (Tieleman & Hinton 2012, Lecture 6.5;
// centred variant: Graves 2013, arXiv:1308.0850) and Adadelta (Zeiler 2012, arXiv:1212.5701).
#include <optbench/sdk.h>

#include "adadelta_kernel.h"

namespace {

using optbench::ParamGroup;
using optbench::Params;

class RmsProp final : public optbench::Optimizer {
 public:
  RmsProp(std::vector<ParamGroup> groups, const Params& p)
      : Optimizer(std::move(groups)),
        alpha_(p.get<double>("alpha")),
        eps_(p.get<double>("eps")),
        momentum_(p.get<double>("momentum")),
        centered_(p.get<bool>("centered")) {}

  void step(const optbench::Closure&) override {
    for_each_parameter([&](const optbench::ParamGroup& group, optbench::ParamRef p, const torch::Tensor& w) {
      torch::Tensor grad = w.grad();
      if (group.weight_decay != 0) grad = grad.add(w, group.weight_decay);
      auto& v = state_tensor(p, "square_avg");
      v.mul_(alpha_).addcmul_(grad, grad, 1 - alpha_);  // v = αv + (1-α)g²
      torch::Tensor avg;
      if (centered_) {
        auto& mean = state_tensor(p, "grad_avg");
        mean.mul_(alpha_).add_(grad, 1 - alpha_);  // ḡ = αḡ + (1-α)g
        avg = v.addcmul(mean, mean, -1).sqrt_();   // sqrt(v - ḡ²)
      } else {
        avg = v.sqrt();
      }
      avg.add_(eps_);
      if (momentum_ > 0) {
        auto& buf = state_tensor(p, "momentum_buffer");
        buf.mul_(momentum_).addcdiv_(grad, avg);
        w.add_(buf, -group.lr);
      } else {
        w.addcdiv_(grad, avg, -group.lr);
      }
    });
  }

 private:
  double alpha_, eps_, momentum_;
  bool centered_;
};

class Adagrad final : public optbench::Optimizer {
 public:
  Adagrad(std::vector<ParamGroup> groups, const Params& p)
      : Optimizer(std::move(groups)),
        lr_decay_(p.get<double>("lr_decay")),
        initial_(p.get<double>("initial_accumulator_value")),
        eps_(p.get<double>("eps")) {}

  void step(const optbench::Closure&) override {
    for_each_parameter([&](const optbench::ParamGroup& group, optbench::ParamRef p, const torch::Tensor& w) {
      auto& s = state(p);
      if (!s.tensors.count("sum")) s.tensors["sum"] = torch::full_like(w, initial_);
      double& t = s.scalars["step"];
      t += 1;
      torch::Tensor grad = w.grad();
      if (group.weight_decay != 0) grad = grad.add(w, group.weight_decay);
      const double clr = group.lr / (1 + (t - 1) * lr_decay_);
      auto& sum = s.tensors["sum"];
      sum.addcmul_(grad, grad, 1);                                   // Σ g²
      w.addcdiv_(grad, sum.sqrt().add_(eps_), -clr);                 // w -= clr·g/(sqrt(Σg²) + ε)
    });
  }

 private:
  double lr_decay_, initial_, eps_;
};

class Adadelta final : public optbench::Optimizer {
 public:
  Adadelta(std::vector<ParamGroup> groups, const Params& p)
      : Optimizer(std::move(groups)), rho_(p.get<double>("rho")), eps_(p.get<double>("eps")) {}

  void step(const optbench::Closure&) override {
    for_each_parameter([&](const optbench::ParamGroup& group, optbench::ParamRef p, const torch::Tensor& w) {
      torch::Tensor grad = w.grad();
      auto& v = state_tensor(p, "square_avg");
      auto& u = state_tensor(p, "acc_delta");
      if (optbench::fusable({w, grad, v, u})) {
        const optbench::AdadeltaScalars c{group.lr, rho_, eps_, group.weight_decay};
        optbench::fused_elementwise(w, grad, [&](auto... chunk) { optbench::adadelta_update(chunk..., c); }, v, u);
        return;
      }
      // Reference path, as torch.optim.Adadelta's single-tensor loop.
      if (group.weight_decay != 0) grad = grad.add(w, group.weight_decay);
      v.mul_(rho_).addcmul_(grad, grad, 1 - rho_);             // E[g²]
      auto std = v.add(eps_).sqrt_();
      auto delta = u.add(eps_).sqrt_().div_(std).mul_(grad);   // Δ = RMS[Δ]/RMS[g] · g
      u.mul_(rho_).addcmul_(delta, delta, 1 - rho_);           // E[Δ²]
      w.add_(delta, -group.lr);
    });
  }

 private:
  double rho_, eps_;
};

}  // namespace

OPTBENCH_PLUGIN("adaptive_family", "1.0.0", [](optbench::Registrar& r) {
  r.optimizer("rmsprop", "RMSprop, Tieleman & Hinton 2012 (centred: Graves 2013); torch.optim.RMSprop")
      .param("lr", 1e-2, "learning rate", optbench::non_negative)
      .param("alpha", 0.99, "smoothing constant α of the squared-gradient average", optbench::unit_right_open)
      .param("eps", 1e-8, "added to the denominator", optbench::non_negative)
      .param("weight_decay", 0.0, "L2 penalty λ added to the gradient", optbench::non_negative)
      .param("momentum", 0.0, "momentum factor", optbench::non_negative)
      .param("centered", false, "normalise by the variance estimate sqrt(v - ḡ²)")
      .capabilities({1, 1, true})
      .factory<RmsProp>();
  r.optimizer("adagrad", "Adagrad, Duchi et al. 2011 (JMLR 12); torch.optim.Adagrad")
      .param("lr", 1e-2, "learning rate", optbench::non_negative)
      .param("lr_decay", 0.0, "lr / (1 + (t-1)·lr_decay)", optbench::non_negative)
      .param("weight_decay", 0.0, "L2 penalty λ added to the gradient", optbench::non_negative)
      .param("initial_accumulator_value", 0.0, "starting value of Σg²", optbench::non_negative)
      .param("eps", 1e-10, "added to the denominator", optbench::non_negative)
      .capabilities({1, 1, true})
      .factory<Adagrad>();
  r.optimizer("adadelta", "Adadelta, Zeiler 2012 (arXiv:1212.5701); torch.optim.Adadelta")
      .param("lr", 1.0, "coefficient scaling Δ", optbench::non_negative)
      .param("rho", 0.9, "decay ρ of the running averages", optbench::unit_interval)
      .param("eps", 1e-6, "added inside both square roots", optbench::non_negative)
      .param("weight_decay", 0.0, "L2 penalty λ added to the gradient", optbench::non_negative)
      .capabilities({1, 2, true})
      .factory<Adadelta>();
})
