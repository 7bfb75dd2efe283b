#include "optimizer_checks/replay.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <toml++/toml.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/toml_params.h"
#include "optimizer_checks/analytic_problems.h"
#include "results/results.h"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace optbench::core {

namespace {

const json& field(const json& j, const char* key, const fs::path& file) {
  if (!j.is_object() || !j.contains(key)) throw std::runtime_error(file.string() + ": missing key '" + key + "'");
  return j[key];
}

void flatten(const json& j, std::vector<double>& out) {
  if (j.is_array()) {
    for (const auto& e : j) flatten(e, out);
  } else {
    out.push_back(j.get<double>());
  }
}

torch::Tensor tensor_from(const json& j, std::vector<std::int64_t> shape, torch::Dtype dtype) {
  std::vector<double> values;
  flatten(j, values);
  return torch::tensor(values, torch::kFloat64).to(dtype).reshape(shape);
}

Problem load_problem(const fs::path& file, const json& j) {
  Problem problem;
  problem.type = field(j, "problem", file).get<std::string>();
  const std::string dtype = field(j, "dtype", file).get<std::string>();
  if (dtype != "float64" && dtype != "float32")
    throw std::runtime_error(file.string() + ": dtype '" + dtype + "' not supported; accepted: float64, float32");
  problem.dtype = dtype == "float32" ? torch::kFloat32 : torch::kFloat64;
  if (problem.type == "mlp") {
    std::vector<double> x;
    flatten(field(j, "X", file), x);
    const auto rows = static_cast<std::int64_t>(field(j, "X", file).size());
    problem.X = tensor_from(j["X"], {rows, static_cast<std::int64_t>(x.size()) / rows}, problem.dtype);
    std::vector<std::int64_t> y;
    for (const auto& v : field(j, "y", file)) y.push_back(v.get<std::int64_t>());
    problem.y = torch::tensor(y, torch::kInt64);
  } else if (problem.type == "quadratic") {
    const auto n = static_cast<std::int64_t>(field(j, "b", file).size());
    problem.A = tensor_from(field(j, "A", file), {n, n}, problem.dtype);
    problem.b = tensor_from(j["b"], {n}, problem.dtype);
  } else if (problem.type != "rosenbrock") {
    throw std::runtime_error(file.string() + ": problem type '" + problem.type +
                             "' not supported; accepted: rosenbrock, mlp, quadratic");
  }
  return problem;
}

// JSON hyperparameters -> TOML, so that they are validated like an experiment file's.
toml::table to_toml(const json& j) {
  toml::table t;
  for (const auto& [k, v] : j.items()) {
    if (v.is_boolean()) t.insert(k, v.get<bool>());
    else if (v.is_number_integer()) t.insert(k, v.get<std::int64_t>());
    else if (v.is_number()) t.insert(k, v.get<double>());
    else if (v.is_string()) t.insert(k, v.get<std::string>());
    else if (v.is_object()) t.insert(k, to_toml(v));
    else if (v.is_array()) {
      toml::array a;
      for (const auto& e : v) {
        if (e.is_boolean()) a.push_back(e.get<bool>());
        else if (e.is_number_integer()) a.push_back(e.get<std::int64_t>());
        else if (e.is_number()) a.push_back(e.get<double>());
        else if (e.is_string()) a.push_back(e.get<std::string>());
        else throw std::runtime_error("unsupported array element in hyperparameter '" + k + "'");
      }
      t.insert(k, a);
    }
  }
  return t;
}

// The parameters' names and roles as a model would give them: the MLP's two nn.Linear layers
// (net.0, net.2; net.2 is the output layer), Rosenbrock's point as a module-less tensor.
void name_parameters(ParamGroup& group, const Problem& problem, const json& problem_json, const fs::path& file) {
  if (!problem_json.contains("param_names")) return;
  group.names = problem_json["param_names"].get<std::vector<std::string>>();
  if (group.names.size() != group.params.size())
    throw std::runtime_error(file.string() + ": param_names has " + std::to_string(group.names.size()) +
                             " names for " + std::to_string(group.params.size()) + " parameters");
  for (const auto& name : group.names) {
    ParamRole role;
    if (problem.type == "mlp") {
      role.module = ModuleKind::kLinear;
      role.output_layer = name.rfind("net.2.", 0) == 0;
    }
    group.roles.push_back(role);
  }
}

struct Deviation {
  double worst_abs = 0.0;   // max |ours - ref|
  double worst_ratio = 0.0;  // max |ours - ref| / (atol + rtol |ref|): > 1 fails
  void add(double ours, double ref, double rtol, double atol) {
    const double d = std::abs(ours - ref);
    worst_abs = std::max(worst_abs, std::isnan(d) ? INFINITY : d);
    worst_ratio = std::max(worst_ratio, std::isnan(d) ? INFINITY : d / (atol + rtol * std::abs(ref)));
  }
};

}  // namespace

int replay_golden(const std::string& path_in, const PluginRegistry& registry) {
  const fs::path path = path_in;
  const json golden = read_json_file(path);
  const fs::path problem_file = path.parent_path() / "_problem.json";
  const json problem_json = read_json_file(problem_file);
  const Problem problem = load_problem(problem_file, problem_json);
  const std::string optimizer = field(golden, "optimizer", path).get<std::string>();
  const CatalogEntry* entry = registry.find(Kind::kOptimizer, optimizer);
  if (!entry)
    throw std::runtime_error(path.string() + ": optimizer '" + optimizer + "' is not loaded (available: " +
                             join(registry.names(Kind::kOptimizer)) + ")");
  const bool f32 = problem.dtype == torch::kFloat32;
  const double rtol = f32 ? 1e-4 : 1e-6, atol = f32 ? 1e-6 : 1e-9;
  std::printf("%s: %s on %s (%s), rtol %g atol %g\n", path.string().c_str(), optimizer.c_str(),
              problem.type.c_str(), f32 ? "float32" : "float64", rtol, atol);

  int failures = 0;
  for (const auto& c : field(golden, "cases", path)) {
    const std::string name = field(c, "name", path).get<std::string>();
    const toml::table hyper = to_toml(field(c, "optbench_params", path));
    ResolveOptions options{path.string(), "case " + name, {path.string()}, {}, /*suite_defaults=*/false,
                           &registry};
    const Params params = resolve_params(&hyper, *entry->schema, options);

    std::vector<torch::Tensor> weights;
    const auto& shapes = field(c, "param_shapes", path);
    const auto& initial = field(c, "initial_params", path);
    for (std::size_t i = 0; i < shapes.size(); ++i)
      weights.push_back(tensor_from(initial[i], shapes[i].get<std::vector<std::int64_t>>(), problem.dtype)
                            .requires_grad_(true));
    ParamGroup group;
    group.params = weights;
    name_parameters(group, problem, problem_json, problem_file);
    const auto steps = field(c, "steps", path).get<std::int64_t>();
    auto opt = registry.make_optimizer(optimizer, {group}, params);
    opt->set_planned_steps(steps);

    // The reference's protocol: zero_grad, loss, backward, record loss, step(closure), record params.
    auto closure = [&]() {
      auto loss = problem.loss(weights);
      loss.backward();
      return loss.detach();
    };
    Deviation loss_dev, param_dev;
    const auto& losses = field(c, "losses", path);
    const auto& trajectory = field(c, "params", path);
    auto flat_params = [&] {
      std::vector<torch::Tensor> flat;
      for (const auto& w : weights) flat.push_back(w.detach().reshape({-1}).to(torch::kFloat64));
      return torch::cat(flat);
    };
    auto compare = [&](const json& reference, Deviation& deviation, const std::string& what) {
      const auto ours = flat_params();
      const auto ref = reference.get<std::vector<double>>();
      if (static_cast<std::int64_t>(ref.size()) != ours.numel())
        throw std::runtime_error(path.string() + ": case " + name + " " + what + " has " + std::to_string(ref.size()) +
                                 " parameter values, the problem " + std::to_string(ours.numel()));
      auto acc = ours.accessor<double, 1>();
      for (std::size_t k = 0; k < ref.size(); ++k) deviation.add(acc[k], ref[k], rtol, atol);
    };
    for (std::int64_t t = 0; t < steps; ++t) {
      opt->zero_grad();
      auto loss = closure();
      loss_dev.add(loss.item<double>(), losses[t].get<double>(), rtol, atol);
      opt->step(closure);
      compare(trajectory[t], param_dev, "step " + std::to_string(t + 1));
    }
    // Schedule-free files also hold the evaluation-mode parameters after the last step.
    if (c.contains("eval_params")) {
      opt->eval();
      compare(c["eval_params"], param_dev, "eval_params");
    }
    const bool ok = loss_dev.worst_ratio <= 1.0 && param_dev.worst_ratio <= 1.0;
    if (!ok) ++failures;
    std::printf("  %-20s %3lld steps  worst |diff| loss %.3e params %.3e  (%.3g and %.3g of tolerance)  %s\n",
                name.c_str(), static_cast<long long>(steps), loss_dev.worst_abs, param_dev.worst_abs,
                loss_dev.worst_ratio, param_dev.worst_ratio, ok ? "ok" : "FAIL");
  }
  std::printf("%s: %d case(s) failed\n", failures ? "FAILED" : "PASSED", failures);
  return failures;
}

}  // namespace optbench::core
