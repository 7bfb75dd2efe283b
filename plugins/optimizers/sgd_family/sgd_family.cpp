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

  void step(const optbench::Closure&) override {
    for_each_parameter([&](const optbench::ParamGroup& group, optbench::ParamRef p, const torch::Tensor& w) {
      torch::Tensor d = w.grad();
      if (group.weight_decay != 0) d = d.add(w, group.weight_decay);  // d = g + λw
      if (momentum_ != 0) {
        auto& state = this->state(p);
        auto it = state.tensors.find("momentum_buffer");
        if (it == state.tensors.end()) {
          // First step: the buffer is d itself, undamped (torch 1.13).
          it = state.tensors.emplace("momentum_buffer", d.clone().detach()).first;
        } else {
          it->second.mul_(momentum_).add_(d, 1 - dampening_);  // b = μb + (1-τ)d
        }
        d = nesterov_ ? d.add(it->second, momentum_) : it->second;
      }
      w.add_(d, -group.lr);
    });
  }

 private:
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
