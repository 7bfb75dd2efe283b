// The fused Adam/AdamW update over one contiguous chunk. Torch-free and compiled on its own
// with -fno-math-errno, so that std::sqrt vectorises (see CMakeLists.txt).
#pragma once

#include <cstdint>

namespace optbench {

struct AdamScalars {
  double lr, weight_decay, beta1, beta2, eps, bias_correction1, bias_correction2_sqrt;
  bool decoupled, amsgrad;
};

// w, m, v (and v_max when amsgrad) are updated in place from the gradient g; n elements each.
template <class T>
void adam_update(T* w, const T* g, T* m, T* v, T* v_max, std::int64_t n, const AdamScalars& s);

extern template void adam_update<float>(float*, const float*, float*, float*, float*, std::int64_t,
                                        const AdamScalars&);
extern template void adam_update<double>(double*, const double*, double*, double*, double*, std::int64_t,
                                         const AdamScalars&);

}  // namespace optbench

namespace optbench {

struct RAdamScalars {
  double lr, weight_decay, beta1, beta2, eps, bias_correction1, bias_correction2_sqrt, rect;
  bool rectified;  // ρ_t > 5: the variance-rectified step; else the un-adapted momentum step
};

template <class T>
void radam_update(T* w, const T* g, T* m, T* v, std::int64_t n, const RAdamScalars& s);

extern template void radam_update<float>(float*, const float*, float*, float*, std::int64_t, const RAdamScalars&);
extern template void radam_update<double>(double*, const double*, double*, double*, std::int64_t,
                                          const RAdamScalars&);

}  // namespace optbench
