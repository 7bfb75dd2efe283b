// signSGD with momentum (Signum), Bernstein et al. 2018, arXiv:1802.04434:
// m = β m + (1 - β) g;  w -= lr · (sign(m) + λ w).
#include <optbench/sdk.h>

namespace {

class Signum final : public optbench::Optimizer {
 public:
  Signum(std::vector<optbench::ParamGroup> groups, const optbench::Params& p)
      : Optimizer(std::move(groups)), momentum_(p.get<double>("momentum")) {}

  // A few multi-tensor (_foreach_) kernels per parameter group, whatever the number of tensors:
  // the way to write a step that is cheap on a GPU.
  void step(const optbench::Closure&) override {
    for_each_group([&](const optbench::GroupLists& l) {
      auto m = state_list(l, "momentum");
      torch::_foreach_mul_(m, momentum_);
      torch::_foreach_add_(m, l.grads, 1 - momentum_);                   // m = β m + (1 - β) g
      auto update = torch::_foreach_mul(l.params, l.group.weight_decay);  // λ w
      torch::_foreach_add_(update, torch::_foreach_sign(m));             // sign(m) + λ w
      torch::_foreach_add_(l.params, update, -l.group.lr);
    });
  }

 private:
  double momentum_;
};

}  // namespace

OPTBENCH_PLUGIN("sign_sgd", "0.1.0", [](optbench::Registrar& r) {
  r.optimizer("signum", "signSGD with momentum; Bernstein et al. 2018, arXiv:1802.04434")
      .param("lr", 1e-4, "learning rate", optbench::non_negative)
      .param("momentum", 0.9, "momentum β of the sign", optbench::unit_right_open)
      .param("weight_decay", 0.0, "weight decay λ", optbench::non_negative)
      .factory<Signum>();
})
