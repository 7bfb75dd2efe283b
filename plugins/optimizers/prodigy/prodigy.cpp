// Prodigy (Mishchenko & Defazio 2024, "Prodigy: An Expeditiously Adaptive Parameter-Free
// Learner", arXiv:2306.06101), as the reference konstmish/prodigy v1.1.2 (prodigyopt/prodigy.py,
// class Prodigy): Adam whose step size d·lr estimates the distance to the solution,
//   d̂ = d_coef · Σ_k (d_k²/d0) ⟨g_k, x0 - x_k⟩ / ‖Σ_k (d_k²/d0) g_k‖₁   (β3-weighted sums),
// with d never decreasing. Multi-tensor (_foreach_) ops per group; the two sums over every
// parameter are read on the host once per step (one device wait), as the reference reads them.
//
// In a data-parallel run every rank holds the same gradients and parameters after the
// all-reduce, so the sums are the same on every rank without a collective of their own (the
// reference's all-reduce is for FSDP, where each rank holds a shard).
#include <optbench/sdk.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace {

using optbench::GroupLists;
using optbench::ParamRef;

class Prodigy final : public optbench::Optimizer {
 public:
  Prodigy(std::vector<optbench::ParamGroup> groups, const optbench::Params& p)
      : Optimizer(std::move(groups)),
        beta1_(p.get<std::vector<double>>("betas")[0]),
        beta2_(p.get<std::vector<double>>("betas")[1]),
        beta3_(p.has("beta3") ? p.get<double>("beta3") : std::sqrt(beta2_)),
        eps_(p.get<double>("eps")),
        d0_(p.get<double>("d0")),
        d_coef_(p.get<double>("d_coef")),
        growth_rate_(p.has("growth_rate") ? p.get<double>("growth_rate") : std::numeric_limits<double>::infinity()),
        slice_p_(p.get<std::int64_t>("slice_p")),
        decouple_(p.get<bool>("decouple")),
        bias_correction_(p.get<bool>("use_bias_correction")),
        safeguard_warmup_(p.get<bool>("safeguard_warmup")) {}

  void step(const optbench::Closure&) override {
    // d, its maximum, the numerator's running sum and the step count are shared by all groups
    // (the reference keeps them in every group and reads group 0's); here, with parameter 0.
    auto& shared = state(ParamRef{0, 0}).scalars;
    if (!shared.count("d")) shared["d"] = shared["d_max"] = d0_;
    const double d = shared["d"], k = shared["k"];
    double lr = 0;
    for (const auto& g : groups()) lr = std::max(lr, g.lr);
    const double bias_correction =
        bias_correction_ ? std::sqrt(1 - std::pow(beta2_, k + 1)) / (1 - std::pow(beta1_, k + 1)) : 1.0;
    const double dlr = d * lr * bias_correction;

    // Pass 1: the moments and s with the old d, and the terms of both sums (parameters before
    // this step, gradients with coupled decay added).
    std::vector<GroupLists> lists;
    std::vector<std::vector<torch::Tensor>> grads;
    std::vector<torch::Tensor> numerator_terms, denominator_terms;
    for_each_group([&](const GroupLists& l) {
      if (l.group.lr != lr && l.group.lr != 0)
        throw std::invalid_argument("prodigy: every parameter group has the same lr or lr 0");
      lists.push_back(l);
      grads.push_back(l.grads);
      if (l.group.weight_decay != 0 && !decouple_)
        grads.back() = torch::_foreach_add(l.grads, l.params, l.group.weight_decay);  // L2 in the gradient
      std::vector<torch::Tensor> s, x0, m, v = state_list(l, "exp_avg_sq");
      for (std::size_t i = 0; i < l.refs.size(); ++i) {
        s.push_back(state_tensor_like(l.refs[i], "s", [&] { return torch::zeros_like(slice(l.params[i])); }));
        x0.push_back(state_tensor_like(l.refs[i], "p0", [&] { return slice(l.params[i]).clone(); }));
      }
      if (beta1_ > 0) m = state_list(l, "exp_avg");
      if (l.group.lr == 0) return;  // state only, as the reference
      const auto& g = grads.back();
      for (std::size_t i = 0; i < l.refs.size(); ++i)
        numerator_terms.push_back(torch::dot(slice(g[i]), x0[i] - slice(l.params[i])));
      if (beta1_ > 0) {
        torch::_foreach_mul_(m, beta1_);
        torch::_foreach_add_(m, g, d * (1 - beta1_));  // m = β1 m + d(1-β1) g
      }
      torch::_foreach_mul_(v, beta2_);
      torch::_foreach_addcmul_(v, g, g, d * d * (1 - beta2_));  // v = β2 v + d²(1-β2) g²
      std::vector<torch::Tensor> sliced_grads;
      for (const auto& gi : g) sliced_grads.push_back(slice(gi));
      torch::_foreach_mul_(s, beta3_);
      torch::_foreach_add_(s, sliced_grads, (d / d0_) * (safeguard_warmup_ ? d : dlr));  // s = β3 s + (d/d0)·dlr·g
      for (const auto& si : s) denominator_terms.push_back(si.abs().sum());
    });
    if (lists.empty()) return;

    // The sums, in the reference's order: each term as a double, added parameter by parameter.
    double delta_numerator = 0, d_denom = 0;
    if (!numerator_terms.empty()) {
      const auto numerators = torch::stack(numerator_terms).to(torch::kFloat64).cpu();
      const auto denominators = torch::stack(denominator_terms).to(torch::kFloat64).cpu();
      for (std::int64_t i = 0; i < numerators.size(0); ++i) {
        delta_numerator += (d / d0_) * dlr * numerators[i].item<double>();
        d_denom += denominators[i].item<double>();
      }
    }
    // No step while s is zero, as the reference (which leaves the moments updated).
    if (d_denom == 0) return;
    double new_d = d, d_max = shared["d_max"];
    const double d_numerator = shared["d_numerator"] * beta3_ + delta_numerator;
    if (lr > 0) {
      const double d_hat = d_coef_ * d_numerator / d_denom;
      if (d == d0_) new_d = std::max(d, d_hat);  // the first estimate is taken whole
      d_max = std::max(d_max, d_hat);
      new_d = std::min(d_max, new_d * growth_rate_);
    }
    shared["d"] = new_d;
    shared["d_max"] = d_max;
    shared["d_numerator"] = d_numerator;
    shared["k"] = k + 1;

    // Pass 2: the step with the old d·lr, ε scaled by the new d.
    torch::NoGradGuard no_grad;
    for (std::size_t j = 0; j < lists.size(); ++j) {
      const GroupLists& l = lists[j];
      auto denom = torch::_foreach_sqrt(state_list(l, "exp_avg_sq"));
      torch::_foreach_add_(denom, new_d * eps_);
      if (l.group.weight_decay != 0 && decouple_) torch::_foreach_add_(l.params, l.params, -l.group.weight_decay * dlr);
      if (beta1_ > 0)
        torch::_foreach_addcdiv_(l.params, state_list(l, "exp_avg"), denom, -dlr);
      else
        torch::_foreach_addcdiv_(l.params, grads[j], denom, -dlr * new_d);
    }
  }

 private:
  // Every slice_p-th element of the flattened tensor (a view), the reference's p.flatten()[::slice_p].
  torch::Tensor slice(const torch::Tensor& t) const { return t.reshape({-1}).slice(0, 0, std::nullopt, slice_p_); }
  // The named state tensor of a parameter, made by `make` on first use.
  template <class F>
  torch::Tensor& state_tensor_like(ParamRef p, const std::string& name, F&& make) {
    auto& tensors = state(p).tensors;
    auto it = tensors.find(name);
    if (it == tensors.end()) it = tensors.emplace(name, make()).first;
    return it->second;
  }

  double beta1_, beta2_, beta3_, eps_, d0_, d_coef_, growth_rate_;
  std::int64_t slice_p_;
  bool decouple_, bias_correction_, safeguard_warmup_;
};

}  // namespace

OPTBENCH_PLUGIN("prodigy", "1.0.0", [](optbench::Registrar& r) {
  r.optimizer("prodigy",
              "Prodigy (Mishchenko & Defazio 2024, arXiv:2306.06101); konstmish/prodigy 1.1.2 prodigyopt/prodigy.py")
      .param("lr", 1.0, "multiplier of the estimated step size d (1: as estimated)", optbench::positive)
      .param("betas", std::vector<double>{0.9, 0.999}, "decay rates (β1, β2) of Adam's moments",
             optbench::unit_right_open)
      .optional("beta3", optbench::ValueType::kDouble, "decay of the sums behind d (unset: sqrt(β2))",
                optbench::unit_right_open)
      .param("eps", 1e-8, "added to sqrt(v), scaled by d", optbench::positive)
      .param("weight_decay", 0.0, "weight decay λ (decoupled: w ← w - d·lr·λ w)", optbench::non_negative)
      .param("decouple", true, "AdamW-style decay; false adds λw to the gradient")
      .param("use_bias_correction", false, "Adam's bias correction, folded into d·lr")
      .param("safeguard_warmup", false, "leave lr out of the denominator's sum (for warm-up schedules)")
      .param("d0", 1e-6, "initial estimate of d", optbench::positive)
      .param("d_coef", 1.0, "multiplier of the estimate d̂", optbench::positive)
      .optional("growth_rate", optbench::ValueType::kDouble,
                "the most d may grow per step, a factor (unset: no limit, the reference's inf)", optbench::positive)
      .param("slice_p", 1, "estimate d from every slice_p-th element (saves memory)", optbench::at_least_one)
      .capabilities({1, 4, true})  // m, v, s and x0; one lr for every group (or 0)
      .factory<Prodigy>();
})
