#include "layerwise_kernel.h"

#include <cmath>

namespace optbench {

namespace {

// The loops are plain functions of restrict pointers and by-value scalars: inside the lambdas,
// captured references would be reloaded every iteration and the loops would not vectorise.
template <class T>
SumPair lars_norms_range(const T* __restrict w, const T* __restrict g, std::int64_t n, T wd) {
  double ws = 0, ds = 0;
#pragma omp simd reduction(+ : ws, ds)
  for (std::int64_t i = 0; i < n; ++i) {
    const T d = g[i] + wd * w[i];
    ws += double(w[i]) * w[i];
    ds += double(d) * d;
  }
  return {ws, ds};
}

template <class T>
void lars_update_range(T* __restrict w, const T* __restrict g, T* __restrict mu, std::int64_t n, T wd, T q,
                       T momentum, T lr) {
  for (std::int64_t i = 0; i < n; ++i) {
    const T d = (g[i] + wd * w[i]) * q;
    const T mi = mu[i] * momentum + d;  // no dampening
    mu[i] = mi;
    w[i] = w[i] - lr * mi;
  }
}

// LAMB in the reference's operation order: its add_(x, alpha) rounds once (FMA), addcmul_ twice.
template <class T>
OPTBENCH_KERNEL_INLINE T lamb_ratio(T m, T v, T w, T eps, T wd) {
  return std::fma(w, wd, m / (std::sqrt(v) + eps));  // r = m/(√v + ε) + λw
}

template <class T>
OPTBENCH_FMA_CLONES SumPair lamb_moments_range(const T* __restrict w, const T* __restrict g, T* __restrict m,
                                               T* __restrict v, std::int64_t n, T b1, T one_minus_b1, T b2,
                                               T one_minus_b2, T eps, T wd) {
  double ws = 0, rs = 0;
#pragma omp simd reduction(+ : ws, rs)
  for (std::int64_t i = 0; i < n; ++i) {
    const T gi = g[i];
    const T mi = std::fma(gi, one_minus_b1, m[i] * b1);
    const T vi = v[i] * b2 + one_minus_b2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    const T r = lamb_ratio(mi, vi, w[i], eps, wd);
    ws += double(w[i]) * w[i];
    rs += double(r) * r;
  }
  return {ws, rs};
}

template <class T>
OPTBENCH_FMA_CLONES void lamb_apply_range(T* __restrict w, const T* __restrict m, const T* __restrict v,
                                          std::int64_t n, T eps, T wd, T alpha) {
  for (std::int64_t i = 0; i < n; ++i) w[i] = std::fma(lamb_ratio(m[i], v[i], w[i], eps, wd), alpha, w[i]);
}

}  // namespace

template <class T>
SumPair lars_norms(const T* w, const T* g, std::int64_t n, double weight_decay, const ChunkRunner& run) {
  return sum_over_chunks<SumPair>(n, run, [&](std::int64_t b, std::int64_t e) {
    return lars_norms_range<T>(w + b, g + b, e - b, T(weight_decay));
  });
}

template <class T>
void lars_update(T* w, const T* g, T* mu, std::int64_t n, double weight_decay, double q, double momentum,
                 double lr, const ChunkRunner& run) {
  for_chunks(n, run, [&](std::int64_t b, std::int64_t e) {
    lars_update_range<T>(w + b, g + b, mu + b, e - b, T(weight_decay), T(q), T(momentum), T(lr));
  });
}

template <class T>
SumPair lamb_moments(const T* w, const T* g, T* m, T* v, std::int64_t n, const LambScalars& s,
                     const ChunkRunner& run) {
  return sum_over_chunks<SumPair>(n, run, [&](std::int64_t b, std::int64_t e) {
    return lamb_moments_range<T>(w + b, g + b, m + b, v + b, e - b, T(s.beta1), T(1 - s.beta1),
                                 T(s.beta2), T(1 - s.beta2), T(s.eps), T(s.weight_decay));
  });
}

template <class T>
void lamb_apply(T* w, const T* m, const T* v, std::int64_t n, const LambScalars& s, double alpha,
                const ChunkRunner& run) {
  for_chunks(n, run, [&](std::int64_t b, std::int64_t e) {
    lamb_apply_range<T>(w + b, m + b, v + b, e - b, T(s.eps), T(s.weight_decay), T(alpha));
  });
}

#define OPTBENCH_LAYERWISE(T)                                                                                 \
  template SumPair lars_norms<T>(const T*, const T*, std::int64_t, double, const ChunkRunner&);              \
  template void lars_update<T>(T*, const T*, T*, std::int64_t, double, double, double, double,               \
                               const ChunkRunner&);                                                          \
  template SumPair lamb_moments<T>(const T*, const T*, T*, T*, std::int64_t, const LambScalars&,             \
                                   const ChunkRunner&);                                                      \
  template void lamb_apply<T>(T*, const T*, const T*, std::int64_t, const LambScalars&, double, const ChunkRunner&);
OPTBENCH_LAYERWISE(float)
OPTBENCH_LAYERWISE(double)
#undef OPTBENCH_LAYERWISE

}  // namespace optbench
