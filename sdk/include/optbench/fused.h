// Helpers for an optimizer's fused paths: on CPU, one pass per tensor over raw pointers instead of
// a chain of tensor ops with a temporary each; on CUDA, ATen's fused kernels (Adam, AdamW, SGD:
// one launch per group) where they compute the reference's math (see
// plugins/optimizers/adam_family). Keep the multi-tensor path for what the fused ones do not cover.
#pragma once

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "kernel.h"
#include "optimizer.h"

namespace optbench {
inline namespace v1 {

// Which fused kernels optimizers take, from the environment variable OPTBENCH_FUSED:
//   unset    the default: the plugins' own kernels on CPU, ATen's fused kernels on CUDA;
//   "0"      none: the multi-tensor path everywhere, so that tests replay it on CPU;
//   "aten"   ATen's fused kernels on every device, CPU included, so that CI tests the GPU's path.
enum class FusedKernels { kDefault, kNone, kAten };

inline FusedKernels fused_kernels() {
  static const std::string value = [] {
    const char* v = std::getenv("OPTBENCH_FUSED");
    return std::string(v ? v : "");
  }();
  if (value.empty()) return FusedKernels::kDefault;
  if (value == "0") return FusedKernels::kNone;
  if (value == "aten") return FusedKernels::kAten;
  throw std::invalid_argument("OPTBENCH_FUSED is '" + value + "'; accepted: unset, 0 or aten");
}

// Whether a plugin's own fused CPU kernels may run.
inline bool fused_path_allowed() { return fused_kernels() == FusedKernels::kDefault; }

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

// True when ATen's fused kernel of an optimizer may update these lists in one call: the tensors are
// on CUDA (any device with OPTBENCH_FUSED=aten), dense, of one floating dtype and device, and
// each list's i-th tensor has the sizes and strides of the first list's (as the kernels require).
// Undefined tensors (absent optional state) are left out of the check.
inline bool aten_fusable(std::initializer_list<std::reference_wrapper<const std::vector<torch::Tensor>>> lists) {
  const std::vector<torch::Tensor>& first = lists.begin()->get();
  const FusedKernels choice = fused_kernels();
  if (first.empty() || choice == FusedKernels::kNone) return false;
  const torch::Tensor& lead = first.front();
  if (!(lead.is_cuda() || choice == FusedKernels::kAten) || !lead.is_floating_point()) return false;
  for (std::size_t i = 0; i < first.size(); ++i)
    for (const auto& list : lists) {
      const torch::Tensor& t = list.get()[i];
      if (!t.defined()) continue;
      if (t.is_sparse() || t.device() != lead.device() || t.scalar_type() != lead.scalar_type() ||
          !t.is_non_overlapping_and_dense() || t.sizes() != first[i].sizes() || t.strides() != first[i].strides())
        return false;
    }
  return true;
}

// Per-parameter step counts as float tensors on the parameters' device, for ATen's fused Adam
// kernels, which read `step` there. Each is made from the host count (count_steps) the first time
// and then advanced on the device, so that a step copies nothing from the host; a tensor that
// missed a step (another path took it, or the state was loaded) is made afresh. Keep one per
// optimizer; the host counts stay the state that checkpoints save.
class DeviceStepCounts {
 public:
  // The counts of `lists`' parameters after this step, equal to `counts` (count_steps' result).
  std::vector<torch::Tensor> advance(const GroupLists& lists, const std::vector<double>& counts) {
    std::vector<torch::Tensor> out, advancing;
    for (std::size_t i = 0; i < lists.refs.size(); ++i) {
      Count& c = counts_[{lists.refs[i].group, lists.refs[i].index}];
      if (c.tensor.defined() && c.host == counts[i] - 1 && c.tensor.device() == lists.params[i].device()) {
        advancing.push_back(c.tensor);
      } else {
        c.tensor = torch::full({}, counts[i], torch::TensorOptions(torch::kFloat).device(lists.params[i].device()));
      }
      c.host = counts[i];
      out.push_back(c.tensor);
    }
    if (!advancing.empty()) torch::_foreach_add_(advancing, 1);
    return out;
  }

 private:
  struct Count {
    torch::Tensor tensor;
    double host = 0;  // the count `tensor` holds
  };
  std::map<std::pair<std::size_t, std::size_t>, Count> counts_;
};

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
