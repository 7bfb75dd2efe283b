#include "adam_kernel.h"

#include <cmath>

namespace optbench {

namespace {

// torch.optim.Adam's single-tensor update element by element, in its operation order (so that
// float64 agrees to rounding), with no temporaries. The variant is a template argument so that
// each loop is branch-free and vectorises.
template <class T, bool kDecoupled, bool kL2, bool kAmsgrad>
void adam_loop(T* __restrict w, const T* __restrict g, T* __restrict m, T* __restrict v,
               T* __restrict v_max, std::int64_t n, const AdamScalars& s) {
  const T b1 = s.beta1, b2 = s.beta2, one_minus_b1 = 1 - s.beta1, one_minus_b2 = 1 - s.beta2;
  const T decay = 1 - s.lr * s.weight_decay, wd = s.weight_decay, eps = s.eps;
  const T bc2_sqrt = s.bias_correction2_sqrt, step_size = s.lr / s.bias_correction1;
  for (std::int64_t i = 0; i < n; ++i) {
    T wi = w[i], gi = g[i];
    if (kDecoupled) wi *= decay;                        // AdamW: w ← w(1 - ηλ)
    if (kL2) gi = gi + wd * wi;                         // Adam: g ← g + λw
    const T mi = m[i] * b1 + one_minus_b1 * gi;         // m = β1 m + (1-β1) g
    const T vi = v[i] * b2 + one_minus_b2 * gi * gi;    // v = β2 v + (1-β2) g²
    m[i] = mi;
    v[i] = vi;
    T second = vi;
    if (kAmsgrad) {
      second = v_max[i] < vi ? vi : v_max[i];           // v̂ = max(v̂, v)
      v_max[i] = second;
    }
    w[i] = wi - step_size * mi / (std::sqrt(second) / bc2_sqrt + eps);
  }
}

template <class T, bool kDecoupled, bool kL2>
void adam_variant(T* w, const T* g, T* m, T* v, T* v_max, std::int64_t n, const AdamScalars& s) {
  if (s.amsgrad) adam_loop<T, kDecoupled, kL2, true>(w, g, m, v, v_max, n, s);
  else adam_loop<T, kDecoupled, kL2, false>(w, g, m, v, v_max, n, s);
}

}  // namespace

template <class T>
void adam_update(T* w, const T* g, T* m, T* v, T* v_max, std::int64_t n, const AdamScalars& s) {
  const bool decay = s.weight_decay != 0;
  if (decay && s.decoupled) adam_variant<T, true, false>(w, g, m, v, v_max, n, s);
  else if (decay) adam_variant<T, false, true>(w, g, m, v, v_max, n, s);
  else adam_variant<T, false, false>(w, g, m, v, v_max, n, s);
}

template void adam_update<float>(float*, const float*, float*, float*, float*, std::int64_t, const AdamScalars&);
template void adam_update<double>(double*, const double*, double*, double*, double*, std::int64_t,
                                  const AdamScalars&);

}  // namespace optbench

namespace optbench {

namespace {

// torch.optim.RAdam 1.13 element by element, in its operation order.
template <class T, bool kL2, bool kRectified>
void radam_loop(T* __restrict w, const T* __restrict g, T* __restrict m, T* __restrict v, std::int64_t n,
                const RAdamScalars& s) {
  const T b1 = s.beta1, b2 = s.beta2, one_minus_b1 = 1 - s.beta1, one_minus_b2 = 1 - s.beta2;
  const T wd = s.weight_decay, eps = s.eps, lr = s.lr, bc1 = s.bias_correction1;
  const T bc2_sqrt = s.bias_correction2_sqrt, rect = s.rect;
  for (std::int64_t i = 0; i < n; ++i) {
    T gi = g[i];
    if (kL2) gi = gi + wd * w[i];
    const T mi = m[i] * b1 + one_minus_b1 * gi;
    const T vi = v[i] * b2 + one_minus_b2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    const T m_hat = mi / bc1;
    if (kRectified) {
      const T adaptive = T(1) / (std::sqrt(vi) + eps) * bc2_sqrt;  // sqrt(1-β2ᵗ)/(sqrt(v)+ε)
      w[i] = w[i] - m_hat * lr * adaptive * rect;
    } else {
      w[i] = w[i] - m_hat * lr;
    }
  }
}

}  // namespace

template <class T>
void radam_update(T* w, const T* g, T* m, T* v, std::int64_t n, const RAdamScalars& s) {
  const bool l2 = s.weight_decay != 0;
  if (l2 && s.rectified) radam_loop<T, true, true>(w, g, m, v, n, s);
  else if (l2) radam_loop<T, true, false>(w, g, m, v, n, s);
  else if (s.rectified) radam_loop<T, false, true>(w, g, m, v, n, s);
  else radam_loop<T, false, false>(w, g, m, v, n, s);
}

template void radam_update<float>(float*, const float*, float*, float*, std::int64_t, const RAdamScalars&);
template void radam_update<double>(double*, const double*, double*, double*, std::int64_t, const RAdamScalars&);

}  // namespace optbench
