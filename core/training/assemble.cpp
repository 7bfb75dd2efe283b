#include "training/assemble.h"

#include <algorithm>
#include <thread>

#include "common/diagnostics.h"
#include "training/device.h"
#include "training/precision.h"

namespace optbench::core {

namespace {

// The kind of a module, from its LibTorch type name (torch::nn::Conv2dImpl, LayerNormImpl...).
ModuleKind module_kind(const torch::nn::Module& m) {
  const std::string type = m.name();
  if (type.find("Norm") != std::string::npos) return ModuleKind::kNorm;  // BatchNorm2d, LayerNorm, GroupNorm...
  if (type.find("Embedding") != std::string::npos) return ModuleKind::kEmbedding;
  if (type.find("Conv") != std::string::npos) return ModuleKind::kConv;
  if (type.find("Linear") != std::string::npos) return ModuleKind::kLinear;
  return ModuleKind::kOther;
}

bool excluded(const std::string& name, bool in_norm_module, const std::vector<std::string>& patterns) {
  for (const auto& p : patterns) {
    if (p == "norm" && in_norm_module) return true;
    if (p == "bias" && name.size() >= 4 && name.compare(name.size() - 4, 4, "bias") == 0) return true;
    if (p != "norm" && p != "bias" && name.find(p) != std::string::npos) return true;
  }
  return false;
}

std::string qualified_name(const std::string& module, const std::string& parameter) {
  return module.empty() ? parameter : module + "." + parameter;
}

// The output layer's parameters: the model's own answer, else those of the last registered
// module that holds a matrix.
std::vector<std::string> output_parameters(const Model& model) {
  std::vector<std::string> names = model.output_parameters();
  if (!names.empty()) return names;
  for (const auto& item : model.named_modules("", /*include_self=*/true)) {
    std::vector<std::string> own;
    bool matrix = false;
    for (const auto& p : item.value()->named_parameters(/*recurse=*/false)) {
      own.push_back(qualified_name(item.key(), p.key()));
      matrix = matrix || p.value().dim() >= 2;
    }
    if (matrix) names = own;
  }
  return names;
}

}  // namespace

std::vector<ParamGroup> make_param_groups(Model& model, const std::vector<std::string>& exclude) {
  ParamGroup decay, no_decay;
  no_decay.decay = false;
  const std::vector<std::string> output = output_parameters(model);
  for (const auto& item : model.named_modules("", /*include_self=*/true)) {
    const ModuleKind kind = module_kind(*item.value());
    for (const auto& p : item.value()->named_parameters(/*recurse=*/false)) {
      if (!p.value().requires_grad()) continue;
      const std::string name = qualified_name(item.key(), p.key());
      ParamGroup& g = excluded(name, kind == ModuleKind::kNorm, exclude) ? no_decay : decay;
      g.params.push_back(p.value());
      g.names.push_back(name);
      g.roles.push_back(ParamRole{kind, std::find(output.begin(), output.end(), name) != output.end()});
    }
  }
  std::vector<ParamGroup> groups;
  if (!decay.params.empty()) groups.push_back(std::move(decay));
  if (!no_decay.params.empty()) groups.push_back(std::move(no_decay));
  return groups;
}

// What the experiment's dataset, task or model refused, said with the file and table it came from.
template <class F>
auto in_table(const Experiment& ex, const char* table, F&& make) {
  try {
    return make();
  } catch (const std::exception& e) {
    throw std::runtime_error(ex.file + ": " + table + " " + message_of(e));
  }
}

torch::Device training_device(const Experiment& ex, int local_rank) {
  if (ex.training.device != "cuda") return torch::kCPU;
  if (cuda_device_count() == 0)
    throw std::runtime_error(ex.file + ": [training] device = \"cuda\" but this LibTorch build has no "
                                       "usable CUDA device; use device = \"cpu\"");
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(local_rank % cuda_device_count()));
}

Assembly assemble(const Experiment& ex, const PluginRegistry& registry, std::shared_ptr<Collectives> collectives) {
  Assembly a;
  a.registry = &registry;
  a.experiment = &ex;
  a.collectives = std::move(collectives);
  a.device = a.collectives ? a.collectives->device() : training_device(ex, 0);  // a rank: the one it connected for
  apply_kernel_choices(ex.training);
  a.threads = ex.training.threads > 0 ? ex.training.threads
                                      : std::max<std::int64_t>(1, std::thread::hardware_concurrency());
  torch::set_num_threads(static_cast<int>(a.threads));

  a.dataset = in_table(ex, "[dataset]", [&] { return registry.make_dataset(ex.dataset.name, ex.dataset.params); });
  a.spec = a.dataset->spec();
  a.task = in_table(ex, "[task]", [&] { return registry.make_task(ex.task.name, ex.task.params, a.spec); });
  a.policy = a.task->default_policy();
  const auto& o = ex.policy;
  if (o.scheduler) a.policy.scheduler = *o.scheduler;
  if (o.warmup_epochs) a.policy.warmup_epochs = *o.warmup_epochs;
  if (o.early_stopping_patience) a.policy.early_stopping_patience = *o.early_stopping_patience;
  if (o.max_grad_norm) a.policy.max_grad_norm = *o.max_grad_norm;
  if (o.label_smoothing) a.policy.label_smoothing = *o.label_smoothing;
  a.splits = in_table(ex, "[dataset]", [&] { return make_splits(*a.dataset, ex.validation_fraction, ex.max_samples); });
  if (a.splits.train.size() == 0) throw std::runtime_error("the training split is empty");
  if (ex.analysis.train_metrics) {
    // Seed 1: the same samples for every run, whatever the validation hold-out drew.
    const std::int64_t n = std::min(a.splits.train.size(), a.splits.validation.size());
    auto generator = make_generator(1);
    auto pick = torch::randperm(a.splits.train.size(), generator, torch::kInt64).slice(0, 0, n);
    a.train_probe = {a.splits.train.split, std::get<0>(a.splits.train.indices.index_select(0, pick).sort())};
  }

  // Throw-away instances: a model or optimizer that refuses this data fails here, not mid-sweep.
  auto model = in_table(ex, "[model]", [&] { return registry.make_model(ex.model.name, ex.model.params, a.spec); });
  if (ex.training.channels_last && !has_convolutions(*model))
    throw std::runtime_error(ex.file + ": [training] channels_last = true is for convolutional models, and model " +
                             ex.model.name + " has no 4-D (convolution) weight; remove the key");
  for (const auto& opt : ex.optimizers)
    registry.make_optimizer(opt.name, make_param_groups(*model, ex.training.exclude_from_weight_decay),
                            opt.params);
  return a;
}

}  // namespace optbench::core
