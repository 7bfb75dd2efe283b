// Fused LARS and LAMB passes over one tensor (torch-free; see optbench_add_plugin's KERNELS).
// Both need per-tensor norms before the update: the first pass returns sums of squares added in
// chunk order, so the result does not depend on the thread count.
#pragma once

#include <optbench/kernel.h>

#include <cstdint>

namespace optbench {

// LARS: Σw² and Σd² with d = g + λw.
template <class T>
SumPair lars_norms(const T* w, const T* g, std::int64_t n, double weight_decay, const ChunkRunner& run);
// LARS: μ = m·μ + q·(g + λw); w -= lr·μ.
template <class T>
void lars_update(T* w, const T* g, T* mu, std::int64_t n, double weight_decay, double q, double momentum,
                 double lr, const ChunkRunner& run);

struct LambScalars {
  double beta1, beta2, eps, weight_decay;
};
// LAMB: m = β1 m + (1-β1) g; v = β2 v + (1-β2) g²; returns Σw² and Σr² with r = m/(√v + ε) + λw.
template <class T>
SumPair lamb_moments(const T* w, const T* g, T* m, T* v, std::int64_t n, const LambScalars& s,
                     const ChunkRunner& run);
// LAMB: w += alpha·r.
template <class T>
void lamb_apply(T* w, const T* m, const T* v, std::int64_t n, const LambScalars& s, double alpha,
                const ChunkRunner& run);

}  // namespace optbench
