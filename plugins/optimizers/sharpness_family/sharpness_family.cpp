// Sharpness-aware minimisation around a base optimizer built by the host:
// SAM (Foret et al. 2021, arXiv:2010.01412; ASAM: Kwon et al. 2021, arXiv:2102.11600) as
// davda54/sam, and GSAM (Zhuang et al. 2022, arXiv:2203.08065) as juntang-zhuang/GSAM with a
// constant ρ. Both evaluate the gradient twice per step: the step calls the closure once more.
#include <optbench/sdk.h>

namespace {

using optbench::ParamGroup;
using optbench::Params;

// The base optimizer shares the parameter tensors; lr, state and checkpoints are its.
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

 protected:
  // Scratch tensors like w live in this optimizer's own state, kept between steps so that a step
  // allocates nothing (fresh pages of a large tensor cost more than the arithmetic). Not saved:
  // save() is the base's, and the scratch holds nothing from one step to the next.
  template <class F>
  void for_each_with_ref(F&& f) {
    for_each_parameter([&](const ParamGroup&, optbench::ParamRef p, const torch::Tensor& w) { f(p, w); });
  }
  // ‖[‖s_i ⊙ g_i‖]‖ over all tensors, s = |w| when adaptive; `grad_of(p, w)` picks the gradient.
  template <class G>
  torch::Tensor global_norm(bool weight_adaptive, G&& grad_of) {
    std::vector<torch::Tensor> norms;
    for_each_with_ref([&](optbench::ParamRef p, const torch::Tensor& w) {
      norms.push_back(weight_adaptive ? (torch::abs(w) * grad_of(p, w)).norm(2) : grad_of(p, w).norm(2));
    });
    return torch::norm(torch::stack(norms), 2);
  }
  static torch::Tensor current_grad(optbench::ParamRef, const torch::Tensor& w) { return w.grad(); }

  double rho_;
  bool adaptive_;
  std::shared_ptr<optbench::Optimizer> base_;
};

class Sam final : public SharpnessAware {
 public:
  using SharpnessAware::SharpnessAware;

  void step(const optbench::Closure& closure) override {
    if (!closure) throw std::invalid_argument("sam needs the step closure to re-evaluate the gradient");
    {
      torch::NoGradGuard no_grad;
      auto norm = global_norm(adaptive_, current_grad);
      auto scale = rho_ / (norm + 1e-12);  // ρ / (‖g‖ + 1e-12)
      for_each_with_ref([&](optbench::ParamRef p, const torch::Tensor& w) {
        torch::Tensor& perturbed = state_tensor(p, "scratch");
        // e = ρ g / ‖g‖ (ASAM: w² g ρ / ‖|w| g‖), rounded as the reference's products
        if (adaptive_) torch::mul_out(perturbed, torch::pow(w, 2), w.grad()).mul_(scale.to(w.dtype()));
        else torch::mul_out(perturbed, w.grad(), scale.to(w.dtype()));
        perturbed.add_(w);  // w + e(w)
        // Climb by swapping storage, as the reference's `p.data = ...`: w's own values wait
        // untouched in the scratch tensor and come back exactly, without a copy.
        torch::Tensor original = w.detach();
        w.set_data(perturbed);
        perturbed = original;
      });
      zero_grad();
    }
    closure();  // the gradient at w + e(w)
    torch::NoGradGuard no_grad;
    for_each_with_ref([&](optbench::ParamRef p, const torch::Tensor& w) {
      torch::Tensor& original = state_tensor(p, "scratch");
      torch::Tensor perturbed = w.detach();
      w.set_data(original);  // back to w, exactly
      original = perturbed;
    });
    base_->step(closure);
  }
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
      auto norm = global_norm(adaptive_, current_grad);
      auto scale = rho_ / (norm + kEps);
      for_each_with_ref([&](optbench::ParamRef p, const torch::Tensor& w) {
        state_tensor(p, "old_grad").copy_(w.grad());
        torch::Tensor& e = state_tensor(p, "perturbation");
        torch::mul_out(e, w.grad(), scale.to(w.dtype()));
        if (adaptive_) e.mul_(torch::pow(w, 2));
        w.add_(e);
      });
      zero_grad();
    }
    closure();  // g1 at w + e
    torch::NoGradGuard no_grad;
    // Decompose: v = g0 - cos(g0, g1)·‖g0‖·g1/‖g1‖ is g0's part orthogonal to g1; g = g1 - α v.
    torch::Tensor inner;
    for_each_with_ref([&](optbench::ParamRef p, const torch::Tensor& w) {
      auto dot = torch::sum(state_tensor(p, "old_grad") * w.grad());
      inner = inner.defined() ? inner + dot : dot;
    });
    auto new_norm = global_norm(false, current_grad);
    auto old_norm =
        global_norm(false, [&](optbench::ParamRef p, const torch::Tensor&) { return state_tensor(p, "old_grad"); });
    auto cosine = inner / (new_norm * old_norm + kEps);
    const auto projection = cosine * old_norm;
    const auto divisor = new_norm + kEps;
    for_each_with_ref([&](optbench::ParamRef p, const torch::Tensor& w) {
      // vertical = g0 - (cos·‖g0‖)·g1/(‖g1‖ + ε), in the scratch tensor, op by op as the reference
      torch::Tensor& vertical = state_tensor(p, "scratch");
      torch::mul_out(vertical, projection, w.grad()).div_(divisor);
      torch::sub_out(vertical, state_tensor(p, "old_grad"), vertical);
      w.mutable_grad().add_(vertical, -alpha_);
      w.sub_(state_tensor(p, "perturbation"));  // w -= e (not a restore: may differ from w by rounding)
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
