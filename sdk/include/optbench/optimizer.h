// Optimizers do not derive from torch::optim::Optimizer (STYLE.md): its option
// merging is tied to the built-in types and its state keys changed between versions.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace optbench {
inline namespace v1 {

// The kind of module that holds a parameter, from its LibTorch type (Linear, Conv1d/2d/3d,
// Embedding, BatchNorm/LayerNorm/GroupNorm...).
enum class ModuleKind { kOther, kLinear, kConv, kEmbedding, kNorm };

// What a parameter is in its model, so that an optimizer can route by role: Muon sends hidden
// matrices to Newton–Schulz and embeddings, the output layer, biases and norms to AdamW. Its
// shape is the tensor's own.
struct ParamRole {
  ModuleKind module = ModuleKind::kOther;
  bool output_layer = false;  // a parameter of the layer that produces the model's outputs
                              // (Model::output_parameters(); with tied weights, the embedding)
};

struct ParamGroup {
  std::vector<torch::Tensor> params;
  std::vector<std::string> names;  // module-qualified names, e.g. "conv1.weight"
  std::vector<ParamRole> roles;    // one per parameter where the host knows the model, else empty
  double lr = 0.0;                 // set by the host from the optimizer's `lr`
  double weight_decay = 0.0;       // set by the host from `weight_decay` unless excluded
  bool decay = true;               // false: excluded from weight decay (e.g. biases, norms)

  // The role of parameter i (a default role when the host gave none, e.g. in a golden replay).
  ParamRole role(std::size_t i) const { return i < roles.size() ? roles[i] : ParamRole{}; }
};

// What the trainer and `describe` know about an optimizer without running it.
struct Capabilities {
  int gradient_evaluations = 1;      // per step; > 1 means step() calls the closure
  double state_per_parameter = 0;    // state tensors per parameter tensor (Adam: 2)
  bool param_groups = true;          // honours per-group lr and weight decay
  bool evaluation_weights = false;   // eval() puts other weights in the model (schedule-free's x)
};

// Recomputes the loss and the gradients at the current parameters and returns
// the (detached) loss. Plain optimizers ignore it; SAM-style ones call it.
using Closure = std::function<torch::Tensor()>;

// Which parameter: its group and its index in the group.
struct ParamRef {
  std::size_t group = 0, index = 0;
};

// One parameter group as tensor lists, for a step of a few multi-tensor (_foreach_) kernels per
// group instead of a chain of ops per tensor, as torch.optim's foreach implementations: the
// parameters that have a gradient, their gradients, and where each sits in the group.
struct GroupLists {
  const ParamGroup& group;  // lr, weight_decay
  std::vector<torch::Tensor> params, grads;
  std::vector<ParamRef> refs;
};

// Per-parameter run state, kept apart from the hyperparameters.
struct ParamState {
  std::map<std::string, torch::Tensor> tensors;
  std::map<std::string, double> scalars;
};

class Optimizer {
 public:
  explicit Optimizer(std::vector<ParamGroup> groups) : groups_(std::move(groups)) {
    for (const auto& g : groups_) state_.emplace_back(g.params.size());
  }
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // The gradients of the current parameters are set when step is called.
  virtual void step(const Closure& closure) = 0;

  void zero_grad() {
    for (auto& g : groups_)
      for (auto& p : g.params)
        if (p.grad().defined()) p.mutable_grad().zero_();
  }
  // The trainer calls eval() before it evaluates (validation, the best checkpoint, test metrics)
  // and train() before it trains again; the optimizer starts in training mode. Optimizers whose
  // evaluation point is not their training point (schedule-free's average x against the
  // interpolation y) put the evaluation weights into the parameters in eval() and the training
  // weights back in train(). Checkpoints are taken in training mode.
  virtual void train() {}
  virtual void eval() {}

  // The number of steps the run plans to take (epochs x steps per epoch; a golden replay: its
  // steps), set by the host before the first step; 0 when unknown (conformance checks). Methods
  // with warm-ups over the run (AdEMAMix's T_α,β3) read it.
  virtual void set_planned_steps(std::int64_t steps) { planned_steps_ = steps; }
  std::int64_t planned_steps() const { return planned_steps_; }

  // Virtual so that wrappers (SAM) can forward to their base optimizer.
  virtual double lr() const { return groups_.empty() ? 0.0 : groups_.front().lr; }
  virtual void set_lr(double lr) {
    for (auto& g : groups_) g.lr = lr;
  }
  std::vector<ParamGroup>& groups() { return groups_; }
  const std::vector<ParamGroup>& groups() const { return groups_; }

  // Every state entry, in group/parameter order, so that save then load round-trips exactly.
  virtual void save(torch::serialize::OutputArchive& archive) const {
    for (size_t g = 0; g < groups_.size(); ++g) {
      archive.write(key(g, 0, "#lr"), torch::tensor(groups_[g].lr, torch::kFloat64));
      for (size_t i = 0; i < state_[g].size(); ++i) {
        for (const auto& [name, t] : state_[g][i].tensors) archive.write(key(g, i, name), t);
        for (const auto& [name, x] : state_[g][i].scalars)
          archive.write(key(g, i, "#" + name), torch::tensor(x, torch::kFloat64));
      }
    }
  }
  virtual void load(torch::serialize::InputArchive& archive) {
    for (auto& per_group : state_)
      for (auto& s : per_group) s = ParamState{};
    for (const auto& k : archive.keys()) {
      size_t g = 0, i = 0;
      std::string name;
      parse_key(k, g, i, name);
      torch::Tensor t;
      archive.read(k, t);
      if (name == "#lr") {
        groups_[g].lr = t.item<double>();
      } else if (name[0] == '#') {
        state_[g][i].scalars[name.substr(1)] = t.item<double>();
      } else {
        const auto& p = groups_[g].params[i];
        state_[g][i].tensors[name] = t.to(p.device());
      }
    }
  }

 protected:
  // Calls f(group, ref, w) for every parameter w that has a gradient, without autograd:
  // the loop every step() starts with.
  template <class F>
  void for_each_parameter(F&& f) {
    torch::NoGradGuard no_grad;
    for (std::size_t g = 0; g < groups_.size(); ++g)
      for (std::size_t i = 0; i < groups_[g].params.size(); ++i)
        if (groups_[g].params[i].grad().defined()) f(groups_[g], ParamRef{g, i}, groups_[g].params[i]);
  }
  // Calls f(lists) for every group with at least one gradient, without autograd: the loop a
  // multi-tensor step() starts with. The lists hold the tensors themselves (no copies).
  template <class F>
  void for_each_group(F&& f) {
    torch::NoGradGuard no_grad;
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      GroupLists lists{groups_[g], {}, {}, {}};
      for (std::size_t i = 0; i < groups_[g].params.size(); ++i) {
        const torch::Tensor& w = groups_[g].params[i];
        if (!w.grad().defined()) continue;
        lists.params.push_back(w);
        lists.grads.push_back(w.grad());
        lists.refs.push_back(ParamRef{g, i});
      }
      if (!lists.params.empty()) f(lists);
    }
  }
  // The named state tensor of every parameter of `lists` (state_tensor of each).
  std::vector<torch::Tensor> state_list(const GroupLists& lists, const std::string& name) {
    std::vector<torch::Tensor> out;
    out.reserve(lists.refs.size());
    for (const ParamRef& p : lists.refs) out.push_back(state_tensor(p, name));
    return out;
  }
  // Adds 1 to the named step counter of every parameter of `lists` and returns the counts: each
  // parameter counts the steps in which it had a gradient, as torch.optim's per-parameter `step`.
  std::vector<double> count_steps(const GroupLists& lists, const std::string& name = "step") {
    std::vector<double> steps;
    steps.reserve(lists.refs.size());
    for (const ParamRef& p : lists.refs) steps.push_back(state(p).scalars[name] += 1);
    return steps;
  }
  ParamState& state(ParamRef p) { return state_[p.group][p.index]; }
  // The named state tensor of a parameter, zeros like it on first use.
  torch::Tensor& state_tensor(ParamRef p, const std::string& name) {
    auto& tensors = state_[p.group][p.index].tensors;
    auto it = tensors.find(name);
    if (it == tensors.end())
      it = tensors.emplace(name, torch::zeros_like(groups_[p.group].params[p.index],
                                                   torch::MemoryFormat::Preserve)).first;
    return it->second;
  }

 private:
  static std::string key(size_t g, size_t i, const std::string& name) {
    return std::to_string(g) + "." + std::to_string(i) + "." + name;
  }
  void parse_key(const std::string& k, size_t& g, size_t& i, std::string& name) const {
    auto a = k.find('.'), b = k.find('.', a + 1);
    if (a == std::string::npos || b == std::string::npos)
      throw std::runtime_error("optimizer state: malformed key '" + k + "'");
    g = std::stoul(k.substr(0, a));
    i = std::stoul(k.substr(a + 1, b - a - 1));
    name = k.substr(b + 1);
    if (g >= groups_.size() || (i >= groups_[g].params.size() && name != "#lr"))
      throw std::runtime_error("optimizer state: key '" + k +
                               "' does not match the parameter groups of this model");
  }

  std::vector<ParamGroup> groups_;
  std::vector<std::vector<ParamState>> state_;
  std::int64_t planned_steps_ = 0;
};

}  // namespace v1
}  // namespace optbench
