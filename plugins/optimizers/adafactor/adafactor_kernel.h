// Fused Adafactor passes over one tensor (torch-free; see optbench_add_plugin's KERNELS).
// The update needs two tensor-wide statistics before it can be applied (RMS(w) for the step size
// and RMS(U) for clipping), so a step is two calls: `*_moments` updates the second-moment state
// and returns Σw² and Σu² (u = g·rsqrt(V̂), before clipping), `*_apply` updates w.
// Rounding follows the reference's chain of float ops, one op at a time.
#pragma once

#include <optbench/kernel.h>

#include <cstdint>

namespace optbench {

// A tensor with >= 2 dims seen as `matrices` matrices of rows x cols (its last two dims); the
// factored state is row [matrices, rows] and col [matrices, cols].
struct MatrixShape {
  std::int64_t matrices, rows, cols;
};

struct AdafactorMoments {
  double beta2t, eps1;  // β̂2_t and ε1 (added to g²)
};

struct AdafactorApply {
  double clip_divisor;  // max(1, RMS(U)/d)
  double lr;            // α_t, in the tensor's dtype
  double decay;         // -λ·α_t (0: no weight decay)
  double beta1;         // first-moment decay (used when m is given)
};

template <class T>
SumPair adafactor_factored_moments(const T* w, const T* g, T* row, T* col, MatrixShape shape,
                                   const AdafactorMoments& c, const ChunkRunner& run);
template <class T>
SumPair adafactor_vector_moments(const T* w, const T* g, T* v, std::int64_t n, const AdafactorMoments& c,
                                 const ChunkRunner& run);

// m is null without a first moment.
template <class T>
void adafactor_factored_apply(T* w, const T* g, T* m, const T* row, const T* col, MatrixShape shape,
                              const AdafactorApply& c, const ChunkRunner& run);
template <class T>
void adafactor_vector_apply(T* w, const T* g, T* m, const T* v, std::int64_t n, const AdafactorApply& c,
                            const ChunkRunner& run);

}  // namespace optbench
