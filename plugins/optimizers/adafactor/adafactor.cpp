// Adafactor (Shazeer & Stern 2018, arXiv:1804.04235) as Hugging Face transformers'
// optimization.py Adafactor: factored second moments for tensors with >= 2 dims,
// relative step sizes and parameter-scale updates by default.
#include <optbench/sdk.h>

#include <cmath>

#include "adafactor_kernel.h"

namespace {

class Adafactor final : public optbench::Optimizer {
 public:
  Adafactor(std::vector<optbench::ParamGroup> groups, const optbench::Params& p)
      : Optimizer(std::move(groups)),
        eps1_(p.get<std::vector<double>>("eps")[0]),
        eps2_(p.get<std::vector<double>>("eps")[1]),
        clip_threshold_(p.get<double>("clip_threshold")),
        decay_rate_(p.get<double>("decay_rate")),
        has_beta1_(p.has("beta1")),
        beta1_(has_beta1_ ? p.get<double>("beta1") : 0.0),
        scale_parameter_(p.get<bool>("scale_parameter")),
        relative_step_(p.get<bool>("relative_step")),
        warmup_init_(p.get<bool>("warmup_init")) {
    // The reference's own checks.
    if (p.has("lr") && relative_step_)
      throw std::invalid_argument("lr cannot be combined with relative_step = true; set relative_step = false");
    if (warmup_init_ && !relative_step_)
      throw std::invalid_argument("warmup_init = true requires relative_step = true");
    if (!p.has("lr") && !relative_step_)
      throw std::invalid_argument("relative_step = false needs an explicit lr");
  }

  void step(const optbench::Closure&) override {
    for_each_parameter([&](const optbench::ParamGroup& group, optbench::ParamRef p, const torch::Tensor& w) {
      const auto& grad = w.grad();
      auto& st = state(p);
      double& t = st.scalars["step"];
      t += 1;
      // ρ_t = min(1e-6·t or 1e-2, 1/sqrt(t)) under relative steps; β̂2_t = 1 - t^c
      const double rho = relative_step_ ? std::min(warmup_init_ ? 1e-6 * t : 1e-2, 1.0 / std::sqrt(t)) : group.lr;
      const double beta2t = 1.0 - std::pow(t, decay_rate_);
      const bool factored = grad.dim() >= 2;
      if (factored && !st.tensors.count("exp_avg_sq_row")) {
        auto row_shape = grad.sizes().vec(), col_shape = grad.sizes().vec();
        row_shape.pop_back();
        col_shape.erase(col_shape.end() - 2);
        st.tensors["exp_avg_sq_row"] = torch::zeros(row_shape, grad.options());
        st.tensors["exp_avg_sq_col"] = torch::zeros(col_shape, grad.options());
      }
      const torch::Tensor second = factored ? st.tensors["exp_avg_sq_row"] : state_tensor(p, "exp_avg_sq");
      const torch::Tensor col = factored ? st.tensors["exp_avg_sq_col"] : second;
      const torch::Tensor m = has_beta1_ ? state_tensor(p, "exp_avg") : w;
      if (w.numel() > 0 && optbench::fusable({w, grad, second, col, m})) {
        AT_DISPATCH_FLOATING_TYPES(w.scalar_type(), "fused_adafactor", [&] {
          fused_step<scalar_t>(group, w, second, col, has_beta1_ ? m : torch::Tensor(), rho, beta2t);
        });
      } else {
        reference_step(group, w, second, col, has_beta1_ ? m : torch::Tensor(), rho, beta2t);
      }
    });
  }

 private:
  // One pass for the second moments and the two RMS statistics, one for the update.
  template <class T>
  void fused_step(const optbench::ParamGroup& group, const torch::Tensor& w, const torch::Tensor& second,
                  const torch::Tensor& col, const torch::Tensor& m, double rho, double beta2t) {
    const torch::Tensor& grad = w.grad();
    T* wp = w.data_ptr<T>();
    const T* gp = grad.data_ptr<T>();
    T* mp = m.defined() ? m.data_ptr<T>() : nullptr;
    const std::int64_t n = w.numel();
    const bool factored = w.dim() >= 2;
    optbench::MatrixShape shape{1, 1, n};
    if (factored) shape = {n / (w.size(-2) * w.size(-1)), w.size(-2), w.size(-1)};
    const optbench::AdafactorMoments moments{beta2t, eps1_};
    const optbench::SumPair sums =
        factored ? optbench::adafactor_factored_moments<T>(wp, gp, second.data_ptr<T>(), col.data_ptr<T>(), shape,
                                                           moments, optbench::run_chunks)
                 : optbench::adafactor_vector_moments<T>(wp, gp, second.data_ptr<T>(), n, moments,
                                                         optbench::run_chunks);
    // In w's dtype, as the reference's 0-dim tensors: RMS(x) = ‖x‖/sqrt(numel).
    const T sqrt_n = T(std::sqrt(static_cast<double>(n)));
    const T rms_w = T(std::sqrt(sums.first)) / sqrt_n;
    const T clip = (T(std::sqrt(sums.second)) / sqrt_n) / T(clip_threshold_);
    optbench::AdafactorApply apply{};
    apply.clip_divisor = clip < T(1) ? T(1) : clip;
    apply.beta1 = beta1_;
    if (scale_parameter_ && rms_w > T(eps2_)) {  // α_t = RMS(w)·ρ_t, a tensor of w's dtype
      const T lr = rms_w * T(rho);
      apply.lr = lr;
      apply.decay = lr * T(-group.weight_decay);
    } else {
      const double lr = (scale_parameter_ ? eps2_ : 1.0) * rho;
      apply.lr = T(lr);
      apply.decay = T(-group.weight_decay * lr);
    }
    if (factored)
      optbench::adafactor_factored_apply<T>(wp, gp, mp, second.data_ptr<T>(), col.data_ptr<T>(), shape, apply,
                                            optbench::run_chunks);
    else
      optbench::adafactor_vector_apply<T>(wp, gp, mp, second.data_ptr<T>(), n, apply, optbench::run_chunks);
  }

  // The reference's chain of tensor ops (any device and dtype), without reading anything on the
  // host: on a GPU the step only queues kernels.
  void reference_step(const optbench::ParamGroup& group, const torch::Tensor& w, torch::Tensor second,
                      torch::Tensor col, torch::Tensor m, double rho, double beta2t) {
    const auto& grad = w.grad();
    // α_t = max(ε2, RMS(w))·ρ_t under scale_parameter. As in the reference, it is a tensor of w's
    // dtype when RMS(w) wins the max: in float32 that rounding matters (Adafactor's update is
    // close to sign(g), so tiny differences flip). The max is taken on the device.
    torch::Tensor lr_tensor;
    if (scale_parameter_) {
      const torch::Tensor rms = rms_tensor(w);
      lr_tensor = torch::where(rms > eps2_, rms * rho, torch::full({}, eps2_ * rho, rms.options()));
    }
    auto update = grad.pow(2) + eps1_;
    if (grad.dim() >= 2) {
      second.mul_(beta2t).add_(update.mean(-1), 1.0 - beta2t);
      col.mul_(beta2t).add_(update.mean(-2), 1.0 - beta2t);
      // V̂ ≈ R Cᵀ / Σ R, applied as rsqrt factors (fairseq's _approx_sq_grad)
      auto r_factor = (second / second.mean(-1, /*keepdim=*/true)).rsqrt_().unsqueeze(-1);
      auto c_factor = col.unsqueeze(-2).rsqrt();
      update = torch::mul(r_factor, c_factor);
      update.mul_(grad);
    } else {
      second.mul_(beta2t).add_(update, 1.0 - beta2t);
      update = second.rsqrt().mul_(grad);
    }
    update.div_((rms_tensor(update) / clip_threshold_).clamp_(1.0));  // U / max(1, RMS(U)/d)
    if (lr_tensor.defined()) update.mul_(lr_tensor);
    else update.mul_(rho);
    if (m.defined()) {
      m.mul_(beta1_).add_(update, 1 - beta1_);
      update = m;
    }
    if (group.weight_decay != 0) {
      if (lr_tensor.defined()) w.add_(w * (lr_tensor * -group.weight_decay));
      else w.add_(w, -group.weight_decay * rho);
    }
    w.add_(-update);
  }

  static torch::Tensor rms_tensor(const torch::Tensor& x) {
    return x.norm(2) / std::sqrt(static_cast<double>(x.numel()));
  }

  double eps1_, eps2_, clip_threshold_, decay_rate_;
  bool has_beta1_;
  double beta1_;
  bool scale_parameter_, relative_step_, warmup_init_;
};

}  // namespace

OPTBENCH_PLUGIN("adafactor", "1.0.0", [](optbench::Registrar& r) {
  r.optimizer("adafactor",
              "Adafactor, Shazeer & Stern 2018 (arXiv:1804.04235); Hugging Face transformers Adafactor")
      .optional("lr", optbench::ValueType::kDouble, "external learning rate (only with relative_step = false)",
                optbench::non_negative)
      .param("eps", std::vector<double>{1e-30, 1e-3}, "(ε1 added to g², ε2 floor of the parameter scale)",
             optbench::non_negative)
      .param("clip_threshold", 1.0, "update clipping threshold d on RMS(U)", optbench::positive)
      .param("decay_rate", -0.8, "c in β̂2_t = 1 - t^c", optbench::any_value)
      .optional("beta1", optbench::ValueType::kDouble, "first-moment decay (unset: no first moment)",
                optbench::unit_right_open)
      .param("weight_decay", 0.0, "weight decay λ, scaled by the step size", optbench::non_negative)
      .param("scale_parameter", true, "scale the step by max(ε2, RMS(w))")
      .param("relative_step", true, "time-dependent step size ρ_t instead of an external lr")
      .param("warmup_init", false, "warm-up ρ_t = 1e-6·t (needs relative_step)")
      .capabilities({1, 1, true})
      .factory<Adafactor>();
})
