// Fused AdaBelief and Yogi updates over one contiguous chunk (torch-free; see
// optbench_add_plugin's KERNELS).
#pragma once

#include <cstdint>

namespace optbench {

struct AdaBeliefScalars {
  double beta1, beta2, eps, bias_correction2_sqrt;
  double decay_factor;  // w ← w·decay_factor before the step (decoupled decay), or 1
  double l2;            // g ← g + l2·w (L2 decay), or 0
  enum class Step { kAdam, kRectified, kMomentum, kNone } step;
  double step_coefficient;  // kAdam: lr/(1-β1ᵗ); kRectified, kMomentum: step_size·lr
  bool amsgrad;
};

template <class T>
void adabelief_update(T* w, const T* g, T* m, T* s, T* s_max, std::int64_t n, const AdaBeliefScalars& c);

struct YogiScalars {
  double beta1, beta2, eps, weight_decay, bias_correction2_sqrt, step_size;
};

template <class T>
void yogi_update(T* w, const T* g, T* m, T* v, std::int64_t n, const YogiScalars& c);

extern template void adabelief_update<float>(float*, const float*, float*, float*, float*, std::int64_t,
                                             const AdaBeliefScalars&);
extern template void adabelief_update<double>(double*, const double*, double*, double*, double*, std::int64_t,
                                              const AdaBeliefScalars&);
extern template void yogi_update<float>(float*, const float*, float*, float*, std::int64_t, const YogiScalars&);
extern template void yogi_update<double>(double*, const double*, double*, double*, std::int64_t,
                                         const YogiScalars&);

}  // namespace optbench
