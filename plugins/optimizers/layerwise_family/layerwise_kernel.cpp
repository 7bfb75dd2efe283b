#include "layerwise_kernel.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace optbench {

namespace {

constexpr std::int64_t kChunk = 1 << 15;

// Calls f(begin, end) on fixed chunks of [0, n) in parallel.
template <class F>
void for_chunks(std::int64_t n, const ChunkRunner& run, F&& f) {
  run((n + kChunk - 1) / kChunk, [&](std::int64_t c) { f(c * kChunk, std::min(n, (c + 1) * kChunk)); });
}

// Sums f(begin, end) per chunk, then the partials in chunk order (deterministic).
template <class F>
SumsOfSquares reduce(std::int64_t n, const ChunkRunner& run, F&& f) {
  std::vector<SumsOfSquares> partial((n + kChunk - 1) / kChunk);
  for_chunks(n, run, [&](std::int64_t begin, std::int64_t end) { partial[begin / kChunk] = f(begin, end); });
  SumsOfSquares total;
  for (const auto& p : partial) {
    total.first += p.first;
    total.second += p.second;
  }
  return total;
}

// The loops are plain functions of restrict pointers and by-value scalars: inside the lambdas,
// captured references would be reloaded every iteration and the loops would not vectorise.
template <class T>
SumsOfSquares lars_norms_range(const T* __restrict w, const T* __restrict g, std::int64_t n, T wd) {
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

}  // namespace

template <class T>
SumsOfSquares lars_norms(const T* w, const T* g, std::int64_t n, double weight_decay, const ChunkRunner& run) {
  return reduce(n, run, [&](std::int64_t b, std::int64_t e) {
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

#define OPTBENCH_LAYERWISE(T)                                                                              \
  template SumsOfSquares lars_norms<T>(const T*, const T*, std::int64_t, double, const ChunkRunner&);     \
  template void lars_update<T>(T*, const T*, T*, std::int64_t, double, double, double, double,            \
                               const ChunkRunner&);
OPTBENCH_LAYERWISE(float)
OPTBENCH_LAYERWISE(double)
#undef OPTBENCH_LAYERWISE

}  // namespace optbench
