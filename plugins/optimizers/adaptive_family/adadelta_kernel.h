// The fused Adadelta update over one contiguous chunk (torch-free; see optbench_add_plugin's KERNELS).
#pragma once

#include <cstdint>

namespace optbench {

struct AdadeltaScalars {
  double lr, rho, eps, weight_decay;
};

template <class T>
void adadelta_update(T* w, const T* g, T* v, T* u, std::int64_t n, const AdadeltaScalars& c);

extern template void adadelta_update<float>(float*, const float*, float*, float*, std::int64_t,
                                            const AdadeltaScalars&);
extern template void adadelta_update<double>(double*, const double*, double*, double*, std::int64_t,
                                             const AdadeltaScalars&);

}  // namespace optbench
