// signSGD with momentum (Signum), Bernstein et al. 2018, arXiv:1802.04434:
// m = β m + (1 - β) g;  w -= lr · (sign(m) + λ w).
#include <optbench/sdk.h>

namespace {

class Signum final : public optbench::Optimizer {
 public:
  Signum(std::vector<optbench::ParamGroup> groups, const optbench::Params& p)
      : Optimizer(std::move(groups)), momentum_(p.get<double>("momentum")) {}

  void step(const optbench::Closure&) override {
    for_each_parameter([&](const optbench::ParamGroup& group, optbench::ParamRef p, const torch::Tensor& w) {
      auto& m = state_tensor(p, "momentum");
      m.mul_(momentum_).add_(w.grad(), 1 - momentum_);
      w.add_(m.sign() + group.weight_decay * w, -group.lr);
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
