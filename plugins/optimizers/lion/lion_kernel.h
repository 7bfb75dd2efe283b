// The fused Lion update over one contiguous chunk (torch-free; see optbench_add_plugin's KERNELS).
#pragma once

#include <cstdint>

namespace optbench {

struct LionScalars {
  double lr, decay_factor, beta1, beta2;  // decay_factor: 1 - lr·λ
};

template <class T>
void lion_update(T* w, const T* g, T* m, std::int64_t n, const LionScalars& c);

extern template void lion_update<float>(float*, const float*, float*, std::int64_t, const LionScalars&);
extern template void lion_update<double>(double*, const double*, double*, std::int64_t, const LionScalars&);

}  // namespace optbench
