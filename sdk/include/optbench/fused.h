// Helpers for an optimizer's fused CPU path: one pass per tensor over raw pointers instead of a
// chain of tensor ops with a temporary each (see plugins/optimizers/adam_family). Keep the
// tensor-op path for what the fused one does not cover.
#pragma once

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <initializer_list>

#include "kernel.h"

namespace optbench {
inline namespace v1 {

// True when every tensor is a dense contiguous CPU float or double tensor of the first one's dtype.
inline bool fusable(std::initializer_list<torch::Tensor> tensors) {
  const torch::Tensor& first = *tensors.begin();
  if (!first.device().is_cpu() ||
      (first.scalar_type() != torch::kFloat && first.scalar_type() != torch::kDouble))
    return false;
  for (const auto& t : tensors)
    if (!t.defined() || t.is_sparse() || !t.is_contiguous() || t.scalar_type() != first.scalar_type())
      return false;
  return true;
}

// Runs f(begin, end) over [0, n) in chunks on LibTorch's intra-op threads.
template <class F>
void parallel_chunks(std::int64_t n, F&& f) {
  at::parallel_for(0, n, kKernelChunk, std::forward<F>(f));
}

// The ChunkRunner for torch-free kernels (kernel.h): each(k) on LibTorch's intra-op threads.
inline void run_chunks(std::int64_t count, const std::function<void(std::int64_t)>& each) {
  at::parallel_for(0, count, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t k = begin; k < end; ++k) each(k);
  });
}

}  // namespace v1
}  // namespace optbench
