// Helpers for an optimizer's torch-free fused loops (the KERNELS sources of optbench_add_plugin).
// The plugin passes a ChunkRunner (optbench::run_chunks from fused.h: LibTorch's thread pool);
// work is split into fixed chunks and partial sums are added in chunk order, so results do not
// depend on the number of threads.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

// Marks a loop function to be compiled twice, for x86-64 with FMA (which implies AVX) and the
// baseline, picked at load time by CPU feature. Use it where the reference's LibTorch kernels round through a
// fused multiply-add (`add_(x, alpha)` vectorises to FMA), written as std::fma: in the FMA
// clone that is one instruction, elsewhere a correct but slower library call. KERNELS are built
// with -ffp-contract=off, so no other product is fused behind the code's back.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define OPTBENCH_FMA_CLONES __attribute__((target_clones("fma", "default")))
#else
#define OPTBENCH_FMA_CLONES
#endif

// For the helpers such a loop calls: inlined into each clone, so that they are compiled for its
// target too (a helper left out of line is compiled for the baseline only).
#define OPTBENCH_KERNEL_INLINE inline __attribute__((always_inline))

namespace optbench {
inline namespace v1 {

// Runs each(k) for k in [0, count), in parallel.
using ChunkRunner = std::function<void(std::int64_t count, const std::function<void(std::int64_t)>& each)>;

constexpr std::int64_t kKernelChunk = std::int64_t{1} << 15;

// Calls f(begin, end) on the fixed chunks of [0, n), in parallel.
template <class F>
void for_chunks(std::int64_t n, const ChunkRunner& run, F&& f) {
  run((n + kKernelChunk - 1) / kKernelChunk,
      [&](std::int64_t c) { f(c * kKernelChunk, std::min(n, (c + 1) * kKernelChunk)); });
}

// Runs partial(k) for k in [0, count) in parallel and adds the results in k order.
template <class Sums, class F>
Sums sum_in_order(std::int64_t count, const ChunkRunner& run, F&& partial) {
  std::vector<Sums> parts(static_cast<std::size_t>(count));
  run(count, [&](std::int64_t k) { parts[static_cast<std::size_t>(k)] = partial(k); });
  Sums total{};
  for (const auto& p : parts) total += p;
  return total;
}

// Sums f(begin, end) over the fixed chunks of [0, n), in parallel, added in chunk order.
template <class Sums, class F>
Sums sum_over_chunks(std::int64_t n, const ChunkRunner& run, F&& f) {
  return sum_in_order<Sums>((n + kKernelChunk - 1) / kKernelChunk, run, [&](std::int64_t c) {
    const std::int64_t begin = c * kKernelChunk;
    return f(begin, std::min(n, begin + kKernelChunk));
  });
}

// Two sums accumulated together (e.g. Σw² and Σd² for a trust ratio).
struct SumPair {
  double first = 0, second = 0;
  SumPair& operator+=(const SumPair& o) {
    first += o.first;
    second += o.second;
    return *this;
  }
};

}  // namespace v1
}  // namespace optbench
