// Schedule-Free SGD and AdamW (Defazio et al. 2024, "The Road Less Scheduled",
// arXiv:2405.15682), as the reference classes of facebookresearch/schedule_free
// (schedulefree/sgd_schedulefree_reference.py, adamw_schedulefree_reference.py): multi-tensor
// (_foreach_) ops per group.
//
// The base sequence z takes the optimizer's step, x is the running weighted average of z (the
// weights to evaluate), and the gradient is taken at their interpolation y = β x + (1-β) z (the
// weights to train). In training mode the parameters hold y, in evaluation mode x: the trainer
// calls eval() before it evaluates and train() after, so validation, the best checkpoint and the
// test metrics are those of x.
#include <optbench/sdk.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace {

using optbench::GroupLists;
using optbench::ParamGroup;
using optbench::ParamRef;
using optbench::Params;

class ScheduleFree : public optbench::Optimizer {
 public:
  ScheduleFree(std::vector<ParamGroup> groups, const Params& p, double interpolation, const char* name)
      : Optimizer(std::move(groups)),
        interpolation_(interpolation),
        warmup_steps_(static_cast<double>(p.get<std::int64_t>("warmup_steps"))),
        r_(p.get<double>("r")),
        weight_lr_power_(p.get<double>("weight_lr_power")),
        name_(name) {}

  void step(const optbench::Closure&) override {
    if (!train_mode_)
      throw std::logic_error(std::string(name_) + ": step() in evaluation mode; call train() first");
    for_each_group([&](const GroupLists& l) {
      auto& averaging = state(ParamRef{l.refs.front().group, 0}).scalars;  // the group's own counters
      const double k = averaging["k"];
      const double lr = l.group.lr * (k < warmup_steps_ ? (k + 1) / warmup_steps_ : 1.0);  // linear warm-up
      const double lr_max = averaging.count("lr_max") ? std::max(lr, averaging["lr_max"]) : lr;
      const double weight = std::pow(k + 1, r_) * std::pow(lr_max, weight_lr_power_);
      const double weight_sum = averaging["weight_sum"] + weight;
      const double ckp1 = weight_sum != 0 ? weight / weight_sum : 0.0;  // the reference's ZeroDivisionError case
      averaging["lr_max"] = lr_max;
      averaging["weight_sum"] = weight_sum;
      averaging["k"] = k + 1;

      auto z = copies(l, "z"), x = copies(l, "x");
      step_z(l, z, lr, k + 1);
      torch::_foreach_mul_(x, 1 - ckp1);
      torch::_foreach_add_(x, z, ckp1);  // x ← (1 - c) x + c z, c = weight / Σ weights
      set_to_y(l.params, x, z);
    });
  }

  void eval() override {
    if (!train_mode_) return;
    for_each_state([&](torch::Tensor& w, optbench::ParamState& s) { w.copy_(s.tensors.at("x")); });
    train_mode_ = false;
  }
  void train() override {
    if (train_mode_) return;
    for_each_state(
        [&](torch::Tensor& w, optbench::ParamState& s) { set_to_y({w}, {s.tensors.at("x")}, {s.tensors.at("z")}); });
    train_mode_ = true;
  }

 protected:
  // z's step at learning rate `lr` (warmed up), in the group's `step`-th step.
  virtual void step_z(const GroupLists& l, std::vector<torch::Tensor>& z, double lr, double step) = 0;

  // The named state copy of every parameter of `lists`: the parameter itself on first use.
  std::vector<torch::Tensor> copies(const GroupLists& lists, const char* name) {
    std::vector<torch::Tensor> out;
    for (std::size_t i = 0; i < lists.refs.size(); ++i) {
      auto& tensors = state(lists.refs[i]).tensors;
      auto it = tensors.find(name);
      if (it == tensors.end()) it = tensors.emplace(name, lists.params[i].clone()).first;
      out.push_back(it->second);
    }
    return out;
  }

 private:
  // w ← y = β x + (1-β) z, as the reference computes it (x·β first, then z added).
  void set_to_y(const std::vector<torch::Tensor>& w, const std::vector<torch::Tensor>& x,
                const std::vector<torch::Tensor>& z) {
    auto y = torch::_foreach_mul(x, interpolation_);
    torch::_foreach_add_(y, z, 1 - interpolation_);
    torch::_foreach_copy_(w, y);
  }
  // f(w, state) for every parameter that has state (x and z).
  template <class F>
  void for_each_state(F&& f) {
    torch::NoGradGuard no_grad;
    for (std::size_t g = 0; g < groups().size(); ++g)
      for (std::size_t i = 0; i < groups()[g].params.size(); ++i) {
        auto& s = state(ParamRef{g, i});
        if (s.tensors.count("x")) f(groups()[g].params[i], s);
      }
  }

  double interpolation_, warmup_steps_, r_, weight_lr_power_;
  const char* name_;
  bool train_mode_ = true;  // the trainer trains first (the AdamW reference starts in eval mode
                            // and needs train() before its first step)
};

// SGD: z ← z - γ (g + λ y), the decay coupled at y.
class ScheduleFreeSgd final : public ScheduleFree {
 public:
  ScheduleFreeSgd(std::vector<ParamGroup> groups, const Params& p)
      : ScheduleFree(std::move(groups), p, p.get<double>("momentum"), "schedule_free_sgd") {}

 private:
  void step_z(const GroupLists& l, std::vector<torch::Tensor>& z, double lr, double) override {
    std::vector<torch::Tensor> grads = l.grads;
    if (l.group.weight_decay != 0) grads = torch::_foreach_add(grads, l.params, l.group.weight_decay);
    torch::_foreach_add_(z, grads, -lr);
  }
};

// AdamW: z ← z - λγ (y, or z with decay_at_z) and then z ← z - γ u/(sqrt(v/(1-β2ᵏ)) + ε), with
// u = g, or its bias-corrected EMA with inner_momentum.
class ScheduleFreeAdamW final : public ScheduleFree {
 public:
  ScheduleFreeAdamW(std::vector<ParamGroup> groups, const Params& p)
      : ScheduleFree(std::move(groups), p, p.get<std::vector<double>>("betas")[0], "schedule_free_adamw"),
        beta2_(p.get<std::vector<double>>("betas")[1]),
        eps_(p.get<double>("eps")),
        inner_momentum_(p.get<double>("inner_momentum")),
        decay_at_z_(p.get<bool>("decay_at_z")) {}

 private:
  void step_z(const GroupLists& l, std::vector<torch::Tensor>& z, double lr, double step) override {
    if (l.group.weight_decay != 0) torch::_foreach_add_(z, decay_at_z_ ? z : l.params, -lr * l.group.weight_decay);
    auto v = state_list(l, "exp_avg_sq");
    torch::_foreach_mul_(v, beta2_);
    torch::_foreach_addcmul_(v, l.grads, l.grads, 1 - beta2_);  // v = β2 v + (1-β2) g²
    auto denom = torch::_foreach_div(v, 1 - std::pow(beta2_, step));
    torch::_foreach_sqrt_(denom);
    torch::_foreach_add_(denom, eps_);  // sqrt(v / (1-β2ᵏ)) + ε
    std::vector<torch::Tensor> update = l.grads;
    if (inner_momentum_ != 0) {
      auto m = state_list(l, "exp_avg");
      torch::_foreach_mul_(m, inner_momentum_);
      torch::_foreach_add_(m, l.grads, 1 - inner_momentum_);
      update = torch::_foreach_div(m, 1 - std::pow(inner_momentum_, step));
    }
    torch::_foreach_addcdiv_(z, update, denom, -lr);
  }

  double beta2_, eps_, inner_momentum_;
  bool decay_at_z_;
};

}  // namespace

OPTBENCH_PLUGIN("schedule_free", "1.0.0", [](optbench::Registrar& r) {
  r.optimizer("schedule_free_sgd",
              "Schedule-Free SGD (Defazio et al. 2024, arXiv:2405.15682); facebookresearch/schedule_free "
              "sgd_schedulefree_reference.py")
      .param("lr", 1.0, "learning rate γ of the base sequence z", optbench::non_negative)
      .param("momentum", 0.9, "interpolation β: gradients at y = β x + (1-β) z", optbench::unit_open)
      .param("weight_decay", 0.0, "L2 penalty λ, added to the gradient at y", optbench::non_negative)
      .param("warmup_steps", 0, "steps of linear lr warm-up", optbench::non_negative)
      .param("r", 0.0, "average weight (k+1)^r · lr_max^weight_lr_power: the power of the step", optbench::any_value)
      .param("weight_lr_power", 2.0, "... and of the largest lr so far", optbench::any_value)
      .capabilities({1, 2, true, /*evaluation_weights=*/true})
      .factory<ScheduleFreeSgd>();
  r.optimizer("schedule_free_adamw",
              "Schedule-Free AdamW (Defazio et al. 2024, arXiv:2405.15682); facebookresearch/schedule_free "
              "adamw_schedulefree_reference.py")
      .param("lr", 0.0025, "learning rate γ of the base sequence z", optbench::non_negative)
      .param("betas", std::vector<double>{0.9, 0.999},
             "(β1, β2): β1 interpolates y = β1 x + (1-β1) z, β2 decays the second moment", optbench::unit_right_open)
      .param("eps", 1e-8, "added to the denominator", optbench::non_negative)
      .param("weight_decay", 0.0, "decoupled weight decay λ: z ← z - γλy", optbench::non_negative)
      .param("warmup_steps", 0, "steps of linear lr warm-up", optbench::non_negative)
      .param("r", 0.0, "average weight (k+1)^r · lr_max^weight_lr_power: the power of the step", optbench::any_value)
      .param("weight_lr_power", 2.0, "... and of the largest lr so far", optbench::any_value)
      .param("decay_at_z", false, "decay z towards zero at z rather than at y")
      .param("inner_momentum", 0.0, "EMA of the gradients (bias-corrected) in place of the gradient",
             optbench::unit_right_open)
      .capabilities({1, 3, true, /*evaluation_weights=*/true})  // z, x, v (and m with inner_momentum)
      .factory<ScheduleFreeAdamW>();
})
