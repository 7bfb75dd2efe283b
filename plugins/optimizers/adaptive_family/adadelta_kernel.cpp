#include "adadelta_kernel.h"

#include <cmath>

namespace optbench {

// torch.optim.Adadelta 1.13 element by element, in its operation order.
template <class T>
void adadelta_update(T* __restrict w, const T* __restrict g, T* __restrict v, T* __restrict u, std::int64_t n,
                     const AdadeltaScalars& c) {
  const T lr = c.lr, rho = c.rho, one_minus_rho = 1 - c.rho, eps = c.eps, wd = c.weight_decay;
  for (std::int64_t i = 0; i < n; ++i) {
    const T gi = g[i] + wd * w[i];
    const T vi = v[i] * rho + one_minus_rho * gi * gi;                // E[g²]
    const T delta = std::sqrt(u[i] + eps) / std::sqrt(vi + eps) * gi;  // Δ = RMS[Δ]/RMS[g] · g
    v[i] = vi;
    u[i] = u[i] * rho + one_minus_rho * delta * delta;                 // E[Δ²]
    w[i] = w[i] - lr * delta;
  }
}

template void adadelta_update<float>(float*, const float*, float*, float*, std::int64_t, const AdadeltaScalars&);
template void adadelta_update<double>(double*, const double*, double*, double*, std::int64_t,
                                      const AdadeltaScalars&);

}  // namespace optbench
