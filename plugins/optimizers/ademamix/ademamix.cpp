// AdEMAMix (Pagliardini, Ablin & Grangier 2024, "The AdEMAMix Optimizer: Better, Faster, Older",
// arXiv:2409.03137), as the reference apple/ml-ademamix (pytorch/ademamix.py, class AdEMAMix):
// Adam's update plus α times a slow EMA of the gradients (β3, no bias correction), with optional
// linear warm-ups of α and of β3 (β3's in half-life space) over T_α,β3 steps, which can be the
// run's planned steps (Optimizer::planned_steps); multi-tensor (_foreach_) ops per group.
#include <optbench/sdk.h>

#include <cmath>
#include <optional>
#include <stdexcept>

namespace {

// α at step t of a linear warm-up from 0 to `end` over `warmup` steps (linear_warmup_scheduler).
double alpha_at(double t, double end, std::optional<double> warmup) {
  if (!warmup || t >= *warmup) return end;
  const double a = t / *warmup;
  return a * end;
}

// β3 at step t of a warm-up from `start` (β1) to `end` that is linear in the half-life
// f(β) = log(0.5)/log(β) - 1 (linear_hl_warmup_scheduler, with its 1e-8 inside the log).
double beta3_at(double t, double end, double start, std::optional<double> warmup) {
  if (!warmup || t >= *warmup) return end;
  const auto half_life = [](double beta) { return std::log(0.5) / std::log(beta + 1e-8) - 1; };
  const double a = t / *warmup;
  return std::pow(0.5, 1 / ((1 - a) * half_life(start) + a * half_life(end) + 1));
}

std::optional<double> optional_steps(const optbench::Params& p, const char* name) {
  if (!p.has(name)) return std::nullopt;
  return static_cast<double>(p.get<std::int64_t>(name));
}

class AdEMAMix final : public optbench::Optimizer {
 public:
  AdEMAMix(std::vector<optbench::ParamGroup> groups, const optbench::Params& p)
      : Optimizer(std::move(groups)),
        beta1_(p.get<std::vector<double>>("betas")[0]),
        beta2_(p.get<std::vector<double>>("betas")[1]),
        beta3_(p.get<std::vector<double>>("betas")[2]),
        alpha_(p.get<double>("alpha")),
        eps_(p.get<double>("eps")),
        alpha_warmup_(optional_steps(p, "alpha_warmup")),
        beta3_warmup_(optional_steps(p, "beta3_warmup")),
        warmup_over_run_(p.get<bool>("warmup_over_run")) {
    if (warmup_over_run_ && (alpha_warmup_ || beta3_warmup_))
      throw std::invalid_argument("warmup_over_run = true sets both warm-ups to the run's planned steps; "
                                  "remove alpha_warmup and beta3_warmup, or set warmup_over_run = false");
  }

  void step(const optbench::Closure&) override {
    for_each_group([&](const optbench::GroupLists& l) {
      const optbench::ParamGroup& group = l.group;
      const std::vector<double> steps = count_steps(l);
      std::optional<double> alpha_warmup = alpha_warmup_, beta3_warmup = beta3_warmup_;
      if (warmup_over_run_) {
        if (planned_steps() <= 0)
          throw std::logic_error("ademamix: warmup_over_run = true, but the host did not say how many steps the run plans");
        alpha_warmup = beta3_warmup = static_cast<double>(planned_steps());
      }
      std::vector<at::Scalar> bc1, bc2_sqrt, alpha, beta3, one_minus_beta3;
      for (const double t : steps) {
        bc1.emplace_back(1 - std::pow(beta1_, t));
        bc2_sqrt.emplace_back(std::sqrt(1 - std::pow(beta2_, t)));
        alpha.emplace_back(alpha_at(t, alpha_, alpha_warmup));
        const double b3 = beta3_at(t, beta3_, beta1_, beta3_warmup);
        beta3.emplace_back(b3);
        one_minus_beta3.emplace_back(1 - b3);
      }
      // With β1 = 0 the fast EMA is the gradient itself (and 1 - β1ᵗ = 1).
      std::vector<torch::Tensor> fast = l.grads;
      if (beta1_ != 0) {
        fast = state_list(l, "exp_avg_fast");
        torch::_foreach_mul_(fast, beta1_);
        torch::_foreach_add_(fast, l.grads, 1 - beta1_);  // m1 = β1 m1 + (1-β1) g
      }
      auto slow = state_list(l, "exp_avg_slow"), v = state_list(l, "exp_avg_sq");
      torch::_foreach_mul_(slow, beta3);
      torch::_foreach_add_(slow, torch::_foreach_mul(l.grads, one_minus_beta3));  // m2 = β3 m2 + (1-β3) g
      torch::_foreach_mul_(v, beta2_);
      torch::_foreach_addcmul_(v, l.grads, l.grads, 1 - beta2_);  // v = β2 v + (1-β2) g²
      auto denom = torch::_foreach_sqrt(v);
      torch::_foreach_div_(denom, bc2_sqrt);
      torch::_foreach_add_(denom, eps_);  // ε after bias correction
      // u = (m1/(1-β1ᵗ) + α m2) / denom + λw;  w ← w - η u (the decay scaled by η, inside u)
      auto update = torch::_foreach_div(fast, bc1);
      torch::_foreach_add_(update, torch::_foreach_mul(slow, alpha));
      torch::_foreach_div_(update, denom);
      if (group.weight_decay != 0) torch::_foreach_add_(update, l.params, group.weight_decay);
      torch::_foreach_mul_(update, -group.lr);
      torch::_foreach_add_(l.params, update);
    });
  }

 private:
  double beta1_, beta2_, beta3_, alpha_, eps_;
  std::optional<double> alpha_warmup_, beta3_warmup_;
  bool warmup_over_run_;
};

}  // namespace

OPTBENCH_PLUGIN("ademamix", "1.0.0", [](optbench::Registrar& r) {
  r.optimizer("ademamix",
              "AdEMAMix (Pagliardini, Ablin & Grangier 2024, arXiv:2409.03137); apple/ml-ademamix "
              "pytorch/ademamix.py")
      .param("lr", 1e-3, "learning rate", optbench::non_negative)
      .param("betas", std::vector<double>{0.9, 0.999, 0.9999},
             "decay rates (β1, β2, β3): fast EMA, second moment, slow EMA", optbench::unit_right_open)
      .param("alpha", 2.0, "weight α of the slow EMA in the update", optbench::non_negative)
      .optional("alpha_warmup", optbench::ValueType::kInt,
                "steps of α's linear warm-up from 0, T_α (unset: none)", optbench::non_negative)
      .optional("beta3_warmup", optbench::ValueType::kInt,
                "steps of β3's warm-up from β1, linear in half-life, T_β3 (unset: none)", optbench::non_negative)
      .param("warmup_over_run", false,
             "warm α and β3 up over the run's planned steps, T_α = T_β3 = T (the paper's choice)")
      .param("eps", 1e-8, "added to the denominator after bias correction", optbench::non_negative)
      .param("weight_decay", 0.0, "weight decay λ, added to the update: w ← w - η(u + λw)",
             optbench::non_negative)
      .capabilities({1, 3, true})
      .factory<AdEMAMix>();
})
