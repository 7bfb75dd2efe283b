// Helpers for an optimizer's fused CPU path: one pass per tensor over raw pointers instead of a
// chain of tensor ops with a temporary each (see plugins/optimizers/adam_family). Keep the
// tensor-op path for what the fused one does not cover.
#pragma once

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <vector>

#include "kernel.h"

namespace optbench {
inline namespace v1 {

// OPTBENCH_FUSED=0 turns every optimizer's fused CPU path off, so that tests (and golden replays)
// run the multi-tensor path on CPU as well.
inline bool fused_path_allowed() {
  static const bool allowed = [] {
    const char* v = std::getenv("OPTBENCH_FUSED");
    return !(v && std::strcmp(v, "0") == 0);
  }();
  return allowed;
}

// True when every tensor is a dense contiguous CPU float or double tensor of the first one's dtype.
inline bool fusable(std::initializer_list<torch::Tensor> tensors) {
  if (!fused_path_allowed()) return false;
  const torch::Tensor& first = *tensors.begin();
  if (!first.device().is_cpu() ||
      (first.scalar_type() != torch::kFloat && first.scalar_type() != torch::kDouble))
    return false;
  for (const auto& t : tensors)
    if (!t.defined() || t.is_sparse() || !t.is_contiguous() || t.scalar_type() != first.scalar_type())
      return false;
  return true;
}

// The same of tensor lists, every list as long as the first: the whole group takes the fused path
// or none of it does. Undefined tensors (absent optional state) are left out of the check.
inline bool fusable_lists(std::initializer_list<std::reference_wrapper<const std::vector<torch::Tensor>>> lists) {
  const std::vector<torch::Tensor>& first = lists.begin()->get();
  if (first.empty() || !fused_path_allowed()) return false;
  for (std::size_t i = 0; i < first.size(); ++i)
    for (const auto& list : lists) {
      const torch::Tensor& t = list.get()[i];
      if (t.defined() && !fusable({first[i], t})) return false;
    }
  return true;
}

// Runs f(begin, end) over [0, n) in chunks on LibTorch's intra-op threads.
template <class F>
void parallel_chunks(std::int64_t n, F&& f) {
  at::parallel_for(0, n, kKernelChunk, std::forward<F>(f));
}

// The fused path of an elementwise update: update(w, g, state..., n) on raw pointers of w's dtype,
// offset to each chunk, on LibTorch's intra-op threads. An undefined state tensor arrives as nullptr.
template <class Update, class... State>
void fused_elementwise(const torch::Tensor& w, const torch::Tensor& g, Update&& update, const State&... state) {
  AT_DISPATCH_FLOATING_TYPES(w.scalar_type(), "optbench_fused_elementwise", [&] {
    scalar_t* wp = w.data_ptr<scalar_t>();
    const scalar_t* gp = g.data_ptr<scalar_t>();
    parallel_chunks(w.numel(), [&](std::int64_t b, std::int64_t e) {
      update(wp + b, gp + b, (state.defined() ? state.template data_ptr<scalar_t>() + b : nullptr)..., e - b);
    });
  });
}

// The ChunkRunner for torch-free kernels (kernel.h): each(k) on LibTorch's intra-op threads.
inline void run_chunks(std::int64_t count, const std::function<void(std::int64_t)>& each) {
  at::parallel_for(0, count, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t k = begin; k < end; ++k) each(k);
  });
}

}  // namespace v1
}  // namespace optbench
