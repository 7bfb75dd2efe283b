// SGD with optional (Nesterov) momentum, exactly as torch.optim.SGD 1.13
// (single-tensor path). Nesterov: Sutskever et al. 2013, ICML,
// "On the importance of initialization and momentum in deep learning".
#include <optbench/sdk.h>

namespace {

class Sgd final : public optbench::Optimizer {
 public:
  Sgd(std::vector<optbench::ParamGroup> groups, const optbench::Params& p)
      : Optimizer(std::move(groups)),
        momentum_(p.get<double>("momentum")),
        dampening_(p.get<double>("dampening")),
        nesterov_(p.get<bool>("nesterov")) {
    if (nesterov_ && (momentum_ <= 0 || dampening_ != 0))
      throw std::invalid_argument("nesterov = true requires momentum > 0 and dampening = 0");
  }

  // Multi-tensor (_foreach_) ops per group, each as torch.optim.SGD's single-tensor loop applies
  // it to one tensor; on CUDA, ATen's fused SGD kernel. LibTorch's in-place ops are already
  // bandwidth-bound on CPU: no fused CPU path.
  void step(const optbench::Closure&) override {
    for_each_group([&](const optbench::GroupLists& l) {
      const optbench::ParamGroup& group = l.group;
      if (fused_step(l)) return;
      std::vector<torch::Tensor> d = l.grads;
      if (group.weight_decay != 0) d = torch::_foreach_add(d, l.params, group.weight_decay);  // d = g + λw
      if (momentum_ != 0) {
        std::vector<torch::Tensor> buffers, continuing, continuing_d;
        for (std::size_t i = 0; i < l.refs.size(); ++i) {
          auto& tensors = state(l.refs[i]).tensors;
          auto it = tensors.find("momentum_buffer");
          if (it == tensors.end()) {
            // First step: the buffer is d itself, undamped (torch 1.13).
            it = tensors.emplace("momentum_buffer", d[i].clone().detach()).first;
          } else {
            continuing.push_back(it->second);
            continuing_d.push_back(d[i]);
          }
          buffers.push_back(it->second);
        }
        if (!continuing.empty()) {
          torch::_foreach_mul_(continuing, momentum_);
          torch::_foreach_add_(continuing, continuing_d, 1 - dampening_);  // b = μb + (1-τ)d
        }
        d = nesterov_ ? torch::_foreach_add(d, buffers, momentum_) : buffers;
      }
      torch::_foreach_add_(l.params, d, -group.lr);
    });
  }

 private:
  // ATen's fused SGD, where the tensors allow it (optbench/fused.h). Its first step sets the
  // momentum buffer to d, undamped (as torch 1.13), for a whole call: parameters whose buffer is
  // new go in a call of their own.
  bool fused_step(const optbench::GroupLists& l) {
    if (momentum_ == 0) {
      if (!optbench::aten_fusable({l.params, l.grads})) return false;
      at::_fused_sgd_(l.params, l.grads, {}, l.group.weight_decay, 0.0, l.group.lr, dampening_, nesterov_,
                      /*maximize=*/false, /*is_first_step=*/false);
      return true;
    }
    std::vector<torch::Tensor> buffers;
    for (const auto& ref : l.refs) {
      auto& tensors = state(ref).tensors;
      auto it = tensors.find("momentum_buffer");
      buffers.push_back(it == tensors.end() ? torch::Tensor() : it->second);
    }
    if (!optbench::aten_fusable({l.params, l.grads, buffers})) return false;
    std::vector<bool> is_new;
    for (const auto& b : buffers) is_new.push_back(!b.defined());
    for (const bool first : {true, false}) {
      std::vector<torch::Tensor> params, grads, group_buffers;
      for (std::size_t i = 0; i < l.refs.size(); ++i) {
        if (is_new[i] != first) continue;
        if (first)
          buffers[i] = state(l.refs[i]).tensors["momentum_buffer"] =
              torch::empty_like(l.params[i], torch::MemoryFormat::Preserve);
        params.push_back(l.params[i]);
        grads.push_back(l.grads[i]);
        group_buffers.push_back(buffers[i]);
      }
      if (!params.empty())
        at::_fused_sgd_(params, grads, group_buffers, l.group.weight_decay, momentum_, l.group.lr, dampening_,
                        nesterov_, /*maximize=*/false, /*is_first_step=*/first);
    }
    return true;
  }

  double momentum_, dampening_;
  bool nesterov_;
};

void declare_sgd_params(optbench::ComponentBuilder<optbench::OptimizerFactory>& b,
                        double momentum) {
  b.required("lr", optbench::ValueType::kDouble, "learning rate", optbench::non_negative)
      .param("momentum", momentum, "momentum factor μ", optbench::non_negative)
      .param("dampening", 0.0, "dampening τ for momentum", optbench::non_negative)
      .param("weight_decay", 0.0, "L2 penalty λ added to the gradient", optbench::non_negative)
      .param("nesterov", false, "Nesterov momentum (needs momentum > 0, dampening = 0)")
      .capabilities({1, momentum == 0 ? 0.0 : 1.0, true})
      .suite_default("lr", momentum == 0 ? 0.05 : 0.01)
      .suite_default("weight_decay", 5e-4);
}

}  // namespace

OPTBENCH_PLUGIN("sgd_family", "1.0.0", [](optbench::Registrar& r) {
  auto sgd = r.optimizer("sgd", "stochastic gradient descent (Robbins & Monro 1951); torch.optim.SGD");
  declare_sgd_params(sgd, 0.0);
  sgd.factory<Sgd>();
  auto sgdm = r.optimizer("sgd_momentum",
                          "SGD with heavy-ball momentum 0.9 (Polyak 1964); torch.optim.SGD");
  declare_sgd_params(sgdm, 0.9);
  sgdm.factory<Sgd>();
})
