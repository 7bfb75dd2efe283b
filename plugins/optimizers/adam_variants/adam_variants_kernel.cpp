#include "adam_variants_kernel.h"

#include <cmath>

namespace optbench {

namespace {

// adabelief-pytorch 0.2.1 element by element, in its operation order.
template <class T, AdaBeliefScalars::Step kStep, bool kAmsgrad>
void adabelief_loop(T* __restrict w, const T* __restrict g, T* __restrict m, T* __restrict s,
                    T* __restrict s_max, std::int64_t n, const AdaBeliefScalars& c) {
  const T b1 = c.beta1, b2 = c.beta2, one_minus_b1 = 1 - c.beta1, one_minus_b2 = 1 - c.beta2;
  const T eps = c.eps, bc2_sqrt = c.bias_correction2_sqrt, decay = c.decay_factor, l2 = c.l2;
  const T coefficient = c.step_coefficient;
  for (std::int64_t i = 0; i < n; ++i) {
    const T wi = w[i] * decay;
    const T gi = g[i] + l2 * wi;
    const T mi = m[i] * b1 + one_minus_b1 * gi;
    const T r = gi - mi;                                  // g - m: the belief residual
    const T si = (s[i] * b2 + one_minus_b2 * r * r) + eps;  // the reference keeps s + ε
    m[i] = mi;
    s[i] = si;
    T second = si;
    if (kAmsgrad) {
      second = s_max[i] < si ? si : s_max[i];
      s_max[i] = second;
    }
    if (kStep == AdaBeliefScalars::Step::kAdam)
      w[i] = wi - coefficient * mi / (std::sqrt(second) / bc2_sqrt + eps);
    else if (kStep == AdaBeliefScalars::Step::kRectified)
      w[i] = wi - coefficient * mi / (std::sqrt(si) + eps);
    else if (kStep == AdaBeliefScalars::Step::kMomentum)
      w[i] = wi - coefficient * mi;
    else
      w[i] = wi;
  }
}

template <class T, AdaBeliefScalars::Step kStep>
void adabelief_variant(T* w, const T* g, T* m, T* s, T* s_max, std::int64_t n, const AdaBeliefScalars& c) {
  if (c.amsgrad) adabelief_loop<T, kStep, true>(w, g, m, s, s_max, n, c);
  else adabelief_loop<T, kStep, false>(w, g, m, s, s_max, n, c);
}

}  // namespace

template <class T>
void adabelief_update(T* w, const T* g, T* m, T* s, T* s_max, std::int64_t n, const AdaBeliefScalars& c) {
  using Step = AdaBeliefScalars::Step;
  switch (c.step) {
    case Step::kAdam: return adabelief_variant<T, Step::kAdam>(w, g, m, s, s_max, n, c);
    case Step::kRectified: return adabelief_variant<T, Step::kRectified>(w, g, m, s, s_max, n, c);
    case Step::kMomentum: return adabelief_variant<T, Step::kMomentum>(w, g, m, s, s_max, n, c);
    case Step::kNone: return adabelief_variant<T, Step::kNone>(w, g, m, s, s_max, n, c);
  }
}

// jettify/pytorch-optimizer's Yogi element by element.
template <class T>
void yogi_update(T* __restrict w, const T* __restrict g, T* __restrict m, T* __restrict v, std::int64_t n,
                 const YogiScalars& c) {
  const T b1 = c.beta1, one_minus_b1 = 1 - c.beta1, minus_one_minus_b2 = -(1 - c.beta2);
  const T eps = c.eps, wd = c.weight_decay, bc2_sqrt = c.bias_correction2_sqrt, step = c.step_size;
  for (std::int64_t i = 0; i < n; ++i) {
    const T gi = g[i] + wd * w[i];
    const T mi = m[i] * b1 + one_minus_b1 * gi;
    const T g2 = gi * gi;
    const T d = v[i] - g2;
    const T sign = T(d > 0) - T(d < 0);
    const T vi = v[i] + minus_one_minus_b2 * sign * g2;  // v -= (1-β2) sign(v - g²) g²
    m[i] = mi;
    v[i] = vi;
    w[i] = w[i] - step * mi / (std::sqrt(vi) / bc2_sqrt + eps);
  }
}

template void adabelief_update<float>(float*, const float*, float*, float*, float*, std::int64_t,
                                      const AdaBeliefScalars&);
template void adabelief_update<double>(double*, const double*, double*, double*, double*, std::int64_t,
                                       const AdaBeliefScalars&);
template void yogi_update<float>(float*, const float*, float*, float*, std::int64_t, const YogiScalars&);
template void yogi_update<double>(double*, const double*, double*, double*, std::int64_t, const YogiScalars&);

}  // namespace optbench
