#include "lion_kernel.h"

namespace optbench {

// lucidrains/lion-pytorch 0.2.3 element by element, in its operation order.
template <class T>
void lion_update(T* __restrict w, const T* __restrict g, T* __restrict m, std::int64_t n, const LionScalars& c) {
  const T lr = c.lr, decay = c.decay_factor, b1 = c.beta1, b2 = c.beta2;
  const T one_minus_b1 = 1 - c.beta1, one_minus_b2 = 1 - c.beta2;
  for (std::int64_t i = 0; i < n; ++i) {
    const T interpolated = m[i] * b1 + one_minus_b1 * g[i];    // β1 m + (1-β1) g
    const T sign = T(interpolated > 0) - T(interpolated < 0);  // sign(0) = 0
    w[i] = w[i] * decay - lr * sign;
    m[i] = m[i] * b2 + one_minus_b2 * g[i];                    // m = β2 m + (1-β2) g
  }
}

template void lion_update<float>(float*, const float*, float*, std::int64_t, const LionScalars&);
template void lion_update<double>(double*, const double*, double*, std::int64_t, const LionScalars&);

}  // namespace optbench
