// Fused LARS passes over one tensor (torch-free; see optbench_add_plugin's KERNELS).
// LARS needs per-tensor norms before the update: the first pass returns sums of squares as
// per-chunk partial sums added in chunk order, so the result does not depend on the thread count.
#pragma once

#include <cstdint>
#include <functional>

namespace optbench {

// Runs each(k) for k in [0, count), in parallel (the plugin passes LibTorch's thread pool).
using ChunkRunner = std::function<void(std::int64_t count, const std::function<void(std::int64_t)>& each)>;

struct SumsOfSquares {
  double first = 0, second = 0;
};

// LARS: Σw² and Σd² with d = g + λw.
template <class T>
SumsOfSquares lars_norms(const T* w, const T* g, std::int64_t n, double weight_decay, const ChunkRunner& run);
// LARS: μ = m·μ + q·(g + λw); w -= lr·μ.
template <class T>
void lars_update(T* w, const T* g, T* mu, std::int64_t n, double weight_decay, double q, double momentum,
                 double lr, const ChunkRunner& run);

}  // namespace optbench
