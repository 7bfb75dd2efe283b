// Sharpness-aware minimisation around a base optimizer built by the host:
// SAM (Foret et al. 2021, arXiv:2010.01412; ASAM: Kwon et al. 2021, arXiv:2102.11600) as
// davda54/sam, and GSAM (Zhuang et al. 2022, arXiv:2203.08065) as juntang-zhuang/GSAM with a
// constant ρ. Both evaluate the gradient twice per step: the step calls the closure once more.
#include <optbench/sdk.h>

namespace {

using optbench::ParamGroup;
using optbench::Params;

// The base optimizer shares the parameter tensors; lr, state, checkpoints, modes and the planned
// steps are its.
class SharpnessAware : public optbench::Optimizer {
 public:
  SharpnessAware(std::vector<ParamGroup> groups, const Params& p, const optbench::HostServices& host)
      : Optimizer(groups),
        rho_(p.get<double>("rho")),
        adaptive_(p.get<bool>("adaptive")),
        base_(host.make_optimizer(std::get<optbench::ComponentRef>(p.value("base")), std::move(groups))) {}

  double lr() const override { return base_->lr(); }
  void set_lr(double lr) override { base_->set_lr(lr); }
  void save(torch::serialize::OutputArchive& archive) const override { base_->save(archive); }
  void load(torch::serialize::InputArchive& archive) override { base_->load(archive); }
  void train() override { base_->train(); }
  void eval() override { base_->eval(); }
  void set_planned_steps(std::int64_t steps) override {
    Optimizer::set_planned_steps(steps);
    base_->set_planned_steps(steps);
  }

 protected:
  using Lists = optbench::GroupLists;

  // ‖[‖t_i‖]‖ over every group's tensors `tensors_of(lists)`: one multi-tensor norm per group.
  template <class F>
  torch::Tensor global_norm(F&& tensors_of) {
    std::vector<torch::Tensor> norms;
    for_each_group([&](Lists& l) {
      for (auto& n : torch::_foreach_norm(tensors_of(l))) norms.push_back(std::move(n));
    });
    return torch::norm(torch::stack(norms), 2);
  }
  // The perturbation's norm: of the gradients, or ASAM's ‖|w| ⊙ g‖.
  torch::Tensor gradient_norm(bool weight_adaptive) {
    return global_norm([&](Lists& l) {
      return weight_adaptive ? torch::_foreach_mul(torch::_foreach_abs(l.params), l.grads) : l.grads;
    });
  }
  // `x` in the dtype of the group's tensors, for multi-tensor ops with a 0-dim tensor.
  static torch::Tensor in_dtype_of(const Lists& l, const torch::Tensor& x) { return x.to(l.params.front().dtype()); }

  double rho_;
  bool adaptive_;
  std::shared_ptr<optbench::Optimizer> base_;
};

class Sam final : public SharpnessAware {
 public:
  using SharpnessAware::SharpnessAware;

  // Scratch tensors live in this optimizer's own state, kept between steps so that a step
  // allocates nothing (fresh pages of a large tensor cost more than the arithmetic). Not saved:
  // save() is the base's, and the scratch holds nothing from one step to the next.
  void step(const optbench::Closure& closure) override {
    if (!closure) throw std::invalid_argument("sam needs the step closure to re-evaluate the gradient");
    climbed_.clear();
    {
      torch::NoGradGuard no_grad;
      const auto scale = rho_ / (gradient_norm(adaptive_) + 1e-12);  // ρ / (‖g‖ + 1e-12)
      for_each_group([&](Lists& l) {
        std::vector<torch::Tensor> perturbed = state_list(l, "scratch");
        // e = ρ g / ‖g‖ (ASAM: w² g ρ / ‖|w| g‖), rounded as the reference's products
        torch::_foreach_copy_(perturbed, adaptive_ ? torch::_foreach_mul(torch::_foreach_pow(l.params, 2), l.grads)
                                                   : l.grads);
        torch::_foreach_mul_(perturbed, in_dtype_of(l, scale));
        torch::_foreach_add_(perturbed, l.params);  // w + e(w)
        // Climb by swapping storage, as the reference's `p.data = ...`: w's own values wait
        // untouched in the scratch tensor and come back exactly, without a copy.
        for (std::size_t i = 0; i < l.params.size(); ++i) {
          torch::Tensor original = l.params[i].detach();
          l.params[i].set_data(perturbed[i]);
          state_tensor(l.refs[i], "scratch") = original;
          climbed_.push_back({l.refs[i], l.params[i]});
        }
      });
      zero_grad();
    }
    closure();  // the gradient at w + e(w)
    torch::NoGradGuard no_grad;
    for (auto& [ref, w] : climbed_) {  // every tensor that climbed, whether or not it has a gradient now
      torch::Tensor& original = state_tensor(ref, "scratch");
      torch::Tensor perturbed = w.detach();
      w.set_data(original);  // back to w, exactly
      original = perturbed;
    }
    base_->step(closure);
  }

 private:
  std::vector<std::pair<optbench::ParamRef, torch::Tensor>> climbed_;
};

class Gsam final : public SharpnessAware {
 public:
  Gsam(std::vector<ParamGroup> groups, const Params& p, const optbench::HostServices& host)
      : SharpnessAware(std::move(groups), p, host), alpha_(p.get<double>("alpha")) {}

  void step(const optbench::Closure& closure) override {
    if (!closure) throw std::invalid_argument("gsam needs the step closure to re-evaluate the gradient");
    constexpr double kEps = 1e-12;  // the reference's perturb_eps
    {
      torch::NoGradGuard no_grad;
      const auto scale = rho_ / (gradient_norm(adaptive_) + kEps);
      for_each_group([&](Lists& l) {
        torch::_foreach_copy_(state_list(l, "old_grad"), l.grads);
        const std::vector<torch::Tensor> e = state_list(l, "perturbation");
        torch::_foreach_copy_(e, l.grads);
        torch::_foreach_mul_(e, in_dtype_of(l, scale));
        if (adaptive_) torch::_foreach_mul_(e, torch::_foreach_pow(l.params, 2));
        torch::_foreach_add_(l.params, e);
      });
      zero_grad();
    }
    closure();  // g1 at w + e
    torch::NoGradGuard no_grad;
    // Decompose: v = g0 - cos(g0, g1)·‖g0‖·g1/‖g1‖ is g0's part orthogonal to g1; g = g1 - α v.
    std::vector<torch::Tensor> dots;
    for_each_group([&](Lists& l) {
      for (const auto& product : torch::_foreach_mul(state_list(l, "old_grad"), l.grads)) dots.push_back(product.sum());
    });
    const auto inner = torch::stack(dots).sum();
    const auto new_norm = gradient_norm(false);
    const auto old_norm = global_norm([&](Lists& l) { return state_list(l, "old_grad"); });
    const auto cosine = inner / (new_norm * old_norm + kEps);
    const auto projection = cosine * old_norm;
    const auto divisor = new_norm + kEps;
    for_each_group([&](Lists& l) {
      // vertical = g0 - (cos·‖g0‖)·g1/(‖g1‖ + ε), op by op as the reference
      const std::vector<torch::Tensor> vertical = state_list(l, "scratch"), old = state_list(l, "old_grad");
      torch::_foreach_copy_(vertical, l.grads);
      torch::_foreach_mul_(vertical, in_dtype_of(l, projection));
      torch::_foreach_div_(vertical, in_dtype_of(l, divisor));
      torch::_foreach_add_(l.grads, torch::_foreach_sub(old, vertical), -alpha_);
      torch::_foreach_sub_(l.params, state_list(l, "perturbation"));  // w -= e (not a restore: may differ by rounding)
    });
    base_->step(closure);
  }

 private:
  double alpha_;
};

const char* kBaseDoc = "base optimizer and its parameters, e.g. {name = \"sgd_momentum\", lr = 0.1}";

}  // namespace

OPTBENCH_PLUGIN("sharpness_family", "1.0.0", [](optbench::Registrar& r) {
  const optbench::HostServices* host = &r.host();
  r.optimizer("sam", "SAM, Foret et al. 2021 (arXiv:2010.01412), adaptive = ASAM; davda54/sam")
      .param("rho", 0.05, "neighbourhood size ρ", optbench::non_negative)
      .param("adaptive", false, "ASAM: scale the perturbation by w² (Kwon et al. 2021)")
      .component("base", optbench::Kind::kOptimizer, "sgd_momentum", kBaseDoc)
      .capabilities({2, 1, true})
      .factory([host](std::vector<ParamGroup> groups, const Params& p) {
        return std::make_shared<Sam>(std::move(groups), p, *host);
      });
  r.optimizer("gsam", "GSAM, Zhuang et al. 2022 (arXiv:2203.08065), constant ρ; juntang-zhuang/GSAM")
      .param("rho", 0.05, "neighbourhood size ρ (constant)", optbench::non_negative)
      .param("alpha", 0.1, "weight α of the surrogate-gap direction", optbench::any_value)
      .param("adaptive", false, "scale the perturbation by w²")
      .component("base", optbench::Kind::kOptimizer, "sgd_momentum", kBaseDoc)
      .capabilities({2, 1, true})
      .factory([host](std::vector<ParamGroup> groups, const Params& p) {
        return std::make_shared<Gsam>(std::move(groups), p, *host);
      });
})
