// Per-coordinate adaptive methods, exactly as torch.optim 1.13 (single-tensor path):
// Adagrad (Duchi et al. 2011, JMLR 12), RMSprop (Tieleman & Hinton 2012, Lecture 6.5;
// centred variant: Graves 2013, arXiv:1308.0850) and Adadelta (Zeiler 2012, arXiv:1212.5701).
// Each group steps in multi-tensor (_foreach_) ops; Adadelta in fused passes per tensor on CPU.
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
    for_each_group([&](const optbench::GroupLists& l) {
      std::vector<torch::Tensor> grads = l.grads;
      if (l.group.weight_decay != 0) grads = torch::_foreach_add(grads, l.params, l.group.weight_decay);
      auto v = state_list(l, "square_avg");
      torch::_foreach_mul_(v, alpha_);
      torch::_foreach_addcmul_(v, grads, grads, 1 - alpha_);  // v = αv + (1-α)g²
      std::vector<torch::Tensor> avg;
      if (centered_) {
        auto mean = state_list(l, "grad_avg");
        torch::_foreach_mul_(mean, alpha_);
        torch::_foreach_add_(mean, grads, 1 - alpha_);  // ḡ = αḡ + (1-α)g
        avg = torch::_foreach_addcmul(v, mean, mean, -1);
        torch::_foreach_sqrt_(avg);                      // sqrt(v - ḡ²)
      } else {
        avg = torch::_foreach_sqrt(v);
      }
      torch::_foreach_add_(avg, eps_);
      if (momentum_ > 0) {
        auto buf = state_list(l, "momentum_buffer");
        torch::_foreach_mul_(buf, momentum_);
        torch::_foreach_addcdiv_(buf, grads, avg);
        torch::_foreach_add_(l.params, buf, -l.group.lr);
      } else {
        torch::_foreach_addcdiv_(l.params, grads, avg, -l.group.lr);
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
    for_each_group([&](const optbench::GroupLists& l) {
      for (std::size_t i = 0; i < l.refs.size(); ++i) {
        auto& tensors = state(l.refs[i]).tensors;
        if (!tensors.count("sum")) tensors["sum"] = torch::full_like(l.params[i], initial_);
      }
      std::vector<at::Scalar> step_size;  // -lr / (1 + (t-1)·lr_decay), per parameter
      for (const double t : count_steps(l)) step_size.emplace_back(-l.group.lr / (1 + (t - 1) * lr_decay_));
      std::vector<torch::Tensor> grads = l.grads;
      if (l.group.weight_decay != 0) grads = torch::_foreach_add(grads, l.params, l.group.weight_decay);
      auto sum = state_list(l, "sum");
      torch::_foreach_addcmul_(sum, grads, grads, 1);  // Σ g²
      auto denom = torch::_foreach_sqrt(sum);
      torch::_foreach_add_(denom, eps_);
      torch::_foreach_addcdiv_(l.params, grads, denom, step_size);  // w -= clr·g/(sqrt(Σg²) + ε)
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
    for_each_group([&](const optbench::GroupLists& l) {
      auto v = state_list(l, "square_avg"), u = state_list(l, "acc_delta");
      if (optbench::fusable_lists({l.params, l.grads, v, u})) {
        const optbench::AdadeltaScalars c{l.group.lr, rho_, eps_, l.group.weight_decay};
        for (std::size_t i = 0; i < l.params.size(); ++i)
          optbench::fused_elementwise(l.params[i], l.grads[i],
                                      [&](auto... chunk) { optbench::adadelta_update(chunk..., c); }, v[i], u[i]);
        return;
      }
      // Multi-tensor path, each op as torch.optim.Adadelta's single-tensor loop applies it to one tensor.
      std::vector<torch::Tensor> grads = l.grads;
      if (l.group.weight_decay != 0) grads = torch::_foreach_add(grads, l.params, l.group.weight_decay);
      torch::_foreach_mul_(v, rho_);
      torch::_foreach_addcmul_(v, grads, grads, 1 - rho_);  // E[g²]
      auto rms_grad = torch::_foreach_add(v, eps_);
      torch::_foreach_sqrt_(rms_grad);
      auto delta = torch::_foreach_add(u, eps_);
      torch::_foreach_sqrt_(delta);
      torch::_foreach_div_(delta, rms_grad);
      torch::_foreach_mul_(delta, grads);  // Δ = RMS[Δ]/RMS[g] · g
      torch::_foreach_mul_(u, rho_);
      torch::_foreach_addcmul_(u, delta, delta, 1 - rho_);  // E[Δ²]
      torch::_foreach_add_(l.params, delta, -l.group.lr);
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
