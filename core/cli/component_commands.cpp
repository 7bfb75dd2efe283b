#include "cli/commands.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdio>

#include <optbench/plugin_info.h>

#include "cli/experiment_file_reference.h"
#include "cli/host_options.h"
#include "common/diagnostics.h"
#include "optimizer_checks/conformance.h"
#include "optimizer_checks/replay.h"

using namespace optbench::core;

namespace optbench::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

void print_schema(const Schema& schema) {
  std::printf("parameters:\n");
  for (const auto& s : schema.specs()) {
    std::string type = type_name(s.type);
    if (s.length) type += " of length " + std::to_string(*s.length);
    std::string line = "  " + s.name + " (" + type + ")";
    if (s.default_value) line += " = " + to_string(*s.default_value);
    else line += s.optional ? ", unset by default" : ", required";
    if (s.suite_default) line += "; training runs default to " + to_string(*s.suite_default);
    std::printf("%s\n      %s", line.c_str(), s.doc.c_str());
    if (!s.bounds.unbounded()) std::printf("; range %s", s.bounds.describe().c_str());
    if (!s.choices.empty()) std::printf("; one of: %s", join(s.choices).c_str());
    std::printf("\n");
  }
}

}  // namespace

int cmd_plugins(const VariablesMap& vm) {
  const PluginSearch search = plugin_search(vm);
  const auto loaded = load_plugins(search, /*log_refusals=*/false);  // listed below instead
  const PluginRegistry& registry = *loaded;
  std::printf("search path:\n");
  for (const auto& d : search.directories) std::printf("  %s  (%s)\n", d.path.c_str(), d.origin.c_str());
  for (const auto& d : search.disabled) std::printf("  disabled: %s\n", d.c_str());
  std::printf("host: SDK ABI %u, LibTorch %s\n", OPTBENCH_SDK_ABI_VERSION, TORCH_VERSION);
  std::printf("loaded (%zu):\n", registry.plugins().size());
  for (const auto& p : registry.plugins()) {
    std::printf("  %s %s  %s  (LibTorch %s)\n", p.name.c_str(), p.version.c_str(), p.path.c_str(),
                p.torch_version.c_str());
    for (const auto& c : p.components) std::printf("    %s\n", c.c_str());
  }
  std::printf("refused (%zu):\n", registry.refusals().size());
  for (const auto& r : registry.refusals()) std::printf("  %s: %s\n", r.path.c_str(), r.reason.c_str());
  return 0;
}

int cmd_describe(const VariablesMap& vm, const Arguments& args) {
  if (vm.count("markdown")) {
    if (!args.empty()) throw UsageError("describe --markdown takes no KIND NAME: it describes everything");
    std::fputs(experiment_file_reference(*load_plugins(vm)).c_str(), stdout);
    return 0;
  }
  if (args.size() == 1 && args[0] == "training") {
    std::printf("[training] table of an experiment file (host)\n");
    print_schema(training_schema());
    return 0;
  }
  if (args.size() != 2) throw UsageError("describe needs KIND NAME (or `describe training`)");
  const std::vector<std::string> kinds = {"dataset", "model", "task", "optimizer"};
  auto it = std::find(kinds.begin(), kinds.end(), args[0]);
  if (it == kinds.end())
    throw UsageError("unknown kind '" + args[0] + "'" + did_you_mean(args[0], kinds) +
                     " (accepted: " + join(kinds) + ", training)");
  const Kind kind = static_cast<Kind>(it - kinds.begin());
  const auto registry = load_plugins(vm);
  const CatalogEntry* e = registry->find(kind, args[1]);
  if (!e)
    throw std::runtime_error("no " + args[0] + " named '" + args[1] + "'" + did_you_mean(args[1], registry->names(kind)) +
                             " (available: " + join(registry->names(kind)) + ")");
  std::printf("%s %s: %s\nplugin %s %s (%s)\n", args[0].c_str(), e->name.c_str(), e->description.c_str(),
              e->plugin.c_str(), e->plugin_version.c_str(), e->path.c_str());
  print_schema(*e->schema);
  if (kind == Kind::kOptimizer) {
    const Capabilities& c = registry->capabilities(e->name);
    std::printf("capabilities: %d gradient evaluation(s) per step%s, %s state tensor(s) per parameter, %s\n",
                c.gradient_evaluations, c.gradient_evaluations > 1 ? " (calls the closure)" : "",
                format_number(c.state_per_parameter).c_str(),
                c.param_groups ? "per-group lr and weight decay" : "one lr and weight decay for all parameters");
  }
  return 0;
}

int cmd_replay(const VariablesMap& vm, const Arguments& args) {
  if (args.empty()) throw UsageError("replay needs at least one golden JSON file");
  torch::set_num_threads(1);  // as the references were generated
  const auto registry = load_plugins(vm);
  int failures = 0;
  for (const auto& file : args) failures += replay_golden(file, *registry);
  return failures ? 1 : 0;
}

int cmd_conformance(const VariablesMap& vm, const Arguments& args) {
  if (args.empty()) throw UsageError("conformance needs at least one optimizer name");
  torch::set_num_threads(1);  // tiny problems: threads only add overhead
  const auto registry = load_plugins(vm);
  int failures = 0;
  for (const auto& name : args) failures += run_conformance(name, *registry);
  return failures ? 1 : 0;
}

}  // namespace optbench::cli
