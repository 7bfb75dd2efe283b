#include "optimizer_checks/conformance.h"

#include <cmath>
#include <cstdio>
#include <optional>
#include <sstream>

#include "common/diagnostics.h"
#include "common/toml_params.h"
#include "experiment/experiment.h"
#include "optimizer_checks/analytic_problems.h"

namespace optbench::core {

namespace {

using torch::Tensor;

// One optimizer on one problem. The closure recomputes loss and gradients, as the trainer's.
struct Trial {
  std::vector<Tensor> params;  // params[0] enters the loss; a frozen extra never gets a gradient
  std::shared_ptr<Optimizer> optimizer;
  Closure closure;
  int evaluations = 0;

  double step() {
    optimizer->zero_grad();
    const double loss = closure().item<double>();
    optimizer->step(closure);
    return loss;
  }
};

std::unique_ptr<Trial> make_trial(const PluginRegistry& registry, const std::string& name, const Params& p,
                                  const Problem& problem, const std::vector<Tensor>& initial,
                                  std::size_t in_loss) {
  auto trial = std::make_unique<Trial>();
  for (const auto& t : initial) trial->params.push_back(t.clone().requires_grad_(true));
  Trial* raw = trial.get();
  trial->closure = [raw, &problem, in_loss]() {
    for (auto& w : raw->params)
      if (w.grad().defined()) w.mutable_grad().zero_();
    std::vector<Tensor> used(raw->params.begin(), raw->params.begin() + in_loss);
    auto loss = problem.loss(used);
    loss.backward();
    ++raw->evaluations;
    return loss.detach();
  };
  ParamGroup group;
  group.params = trial->params;
  trial->optimizer = registry.make_optimizer(name, {group}, p);
  return trial;
}

Problem quadratic(std::int64_t n, bool shifted) {
  Problem q;
  q.type = "quadratic";
  q.A = torch::diag(torch::linspace(1, 10, n, torch::kFloat64));  // condition number 10
  q.b = shifted ? torch::full({n}, 0.5, torch::kFloat64) : torch::zeros({n}, torch::kFloat64);
  return q;
}

struct Check {
  std::string name, status, detail;
};

const std::vector<double> kLrGrid = {1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0};

// Passes when some lr of the grid (or the defaults, for an optimizer without an lr) brings the
// loss to `target` within `budget` steps.
Check converges(const PluginRegistry& registry, const std::string& name, const Schema& schema,
                const Params& defaults, const std::string& label, const Problem& problem,
                const Tensor& start, double target, int budget) {
  // The optimizer's own step size first where its lr is optional (Adafactor's relative step),
  // then the grid wherever there is an lr to set.
  std::vector<std::optional<double>> lrs;
  const ParamSpec* lr_spec = schema.find("lr");
  if (lr_spec && lr_spec->optional) lrs.push_back(std::nullopt);
  Params probe = defaults;
  if (set_optimizer_value(probe, schema, "lr", 1e-3, registry)) lrs.insert(lrs.end(), kLrGrid.begin(), kLrGrid.end());
  if (lrs.empty()) lrs.push_back(std::nullopt);
  double best = INFINITY;
  std::string refused;
  for (const auto& lr : lrs) {
    Params p = defaults;
    if (lr && !set_optimizer_value(p, schema, "lr", *lr, registry)) continue;
    std::unique_ptr<Trial> trial;
    try {
      trial = make_trial(registry, name, p, problem, {start}, 1);
    } catch (const std::exception& e) {
      refused = e.what();
      continue;
    }
    for (int t = 1; t <= budget; ++t) {
      const double f = trial->step();
      if (!std::isfinite(f)) break;
      const double now = problem.loss({trial->params[0]}).item<double>();
      best = std::min(best, now);
      if (now <= target) {
        char detail[160];
        std::snprintf(detail, sizeof(detail), "f = %.3g after %d steps (%s)", now, t,
                      lr ? ("lr " + format_number(*lr)).c_str() : "its own step size");
        return {label, "pass", detail};
      }
    }
  }
  char detail[200];
  std::snprintf(detail, sizeof(detail), "best f = %.3g, target %.3g within %d steps for lr in {1e-4 .. 1}%s%s",
                best, target, budget, refused.empty() ? "" : "; refused: ", refused.c_str());
  return {label, "FAIL", detail};
}

double max_diff(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, (a[i] - b[i]).abs().max().item<double>());
  return worst;
}

bool bit_equal(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!torch::equal(a[i], b[i])) return false;
  return true;
}

std::vector<Tensor> values(const Trial& t) {
  std::vector<Tensor> out;
  for (const auto& w : t.params) out.push_back(w.detach().clone());
  return out;
}

}  // namespace

int run_conformance(const std::string& name, const PluginRegistry& registry) {
  const CatalogEntry* entry = registry.find(Kind::kOptimizer, name);
  if (!entry) {
    const auto names = registry.names(Kind::kOptimizer);
    throw std::runtime_error("no optimizer named '" + name + "'" + did_you_mean(name, names) +
                             " (available: " + join(names) + ")");
  }
  const Schema& schema = *entry->schema;
  ResolveOptions options{"conformance", "[optimizer." + name + "]", {"conformance"}, {}, true, &registry};
  // Training-run defaults: every optimizer then has an lr except those that set their own step.
  const Params defaults = resolve_params(nullptr, schema, options);
  const Capabilities& caps = registry.capabilities(name);

  std::vector<Check> checks;
  auto guarded = [&](const std::string& label, const std::function<Check()>& f) {
    try {
      checks.push_back(f());
    } catch (const std::exception& e) {
      checks.push_back({label, "FAIL", std::string("threw: ") + e.what()});
    }
  };

  Problem rosenbrock, beale;
  rosenbrock.type = "rosenbrock";
  beale.type = "beale";
  guarded("converges: rosenbrock", [&] {
    return converges(registry, name, schema, defaults, "converges: rosenbrock", rosenbrock,
                     torch::tensor({-1.5, 2.0}, torch::kFloat64), 0.1, 3000);
  });
  guarded("converges: beale", [&] {
    return converges(registry, name, schema, defaults, "converges: beale", beale,
                     torch::tensor({1.0, 1.0}, torch::kFloat64), 0.1, 3000);
  });
  const Problem bowl = quadratic(10, false);
  guarded("converges: quadratic", [&] {
    return converges(registry, name, schema, defaults, "converges: quadratic", bowl,
                     torch::ones({10}, torch::kFloat64), 1e-3 * 27.5, 2000);
  });

  const Problem shifted = quadratic(8, true);
  const Tensor start = torch::linspace(-1, 1, 8, torch::kFloat64);
  guarded("state save/load round trip", [&]() -> Check {
    auto a = make_trial(registry, name, defaults, shifted, {start}, 1);
    for (int t = 0; t < 5; ++t) a->step();
    std::stringstream buffer;
    torch::serialize::OutputArchive archive;
    a->optimizer->save(archive);
    archive.save_to(buffer);
    const auto midway = values(*a);
    for (int t = 0; t < 5; ++t) a->step();
    auto b = make_trial(registry, name, defaults, shifted, midway, 1);
    torch::serialize::InputArchive loaded;
    loaded.load_from(buffer);
    b->optimizer->load(loaded);
    for (int t = 0; t < 5; ++t) b->step();
    if (bit_equal(values(*a), values(*b))) return {"state save/load round trip", "pass", "resumed run equals the uninterrupted one bit for bit"};
    return {"state save/load round trip", "FAIL", "resumed run differs by up to " + format_number(max_diff(values(*a), values(*b)))};
  });
  guarded("eval/train round trip", [&]() -> Check {
    const std::string label = "eval/train round trip";
    auto a = make_trial(registry, name, defaults, shifted, {start}, 1);
    auto b = make_trial(registry, name, defaults, shifted, {start}, 1);
    for (int t = 0; t < 5; ++t) {
      a->step();
      b->step();
    }
    const auto training = values(*b);
    b->optimizer->eval();
    const auto evaluated = values(*b);
    b->optimizer->train();
    for (int t = 0; t < 5; ++t) {
      a->step();
      b->step();
    }
    const double swapped = max_diff(training, evaluated);
    if (!bit_equal(training, evaluated) && !caps.evaluation_weights)
      return {label, "FAIL", "eval() changed the parameters by up to " + format_number(swapped) +
                                 " but the optimizer does not declare evaluation_weights"};
    if (!bit_equal(values(*a), values(*b)))
      return {label, "FAIL", "training after eval() and train() differs by up to " +
                                 format_number(max_diff(values(*a), values(*b)))};
    if (bit_equal(training, evaluated)) return {label, "pass", "eval() and train() leave the run as it was"};
    return {label, "pass", "eval() puts other weights in (by up to " + format_number(swapped) +
                               "); after train() the run goes on bit for bit"};
  });
  guarded("zero gradients", [&]() -> Check {
    Problem flat;
    flat.type = "quadratic";
    flat.A = torch::zeros({8, 8}, torch::kFloat64);
    flat.b = torch::zeros({8}, torch::kFloat64);
    auto t = make_trial(registry, name, defaults, flat, {start}, 1);
    for (int s = 0; s < 3; ++s) t->step();
    for (const auto& w : t->params)
      if (!torch::isfinite(w).all().item<bool>()) return {"zero gradients", "FAIL", "parameters became NaN or inf"};
    return {"zero gradients", "pass", "3 steps with all-zero gradients keep the parameters finite"};
  });
  guarded("parameters without gradients", [&]() -> Check {
    const Tensor frozen = torch::linspace(2, 3, 5, torch::kFloat64);
    auto t = make_trial(registry, name, defaults, shifted, {start, frozen}, 1);
    for (int s = 0; s < 3; ++s) t->step();
    if (torch::equal(t->params[1].detach(), frozen)) return {"parameters without gradients", "pass", "left untouched"};
    return {"parameters without gradients", "FAIL", "a parameter without a gradient changed"};
  });
  guarded("lr changes honoured", [&]() -> Check {
    auto t = make_trial(registry, name, defaults, shifted, {start}, 1);
    if (t->optimizer->lr() == 0)
      return {"lr changes honoured", "n/a", "lr unset: the optimizer sets its own step size"};
    t->step();
    t->optimizer->set_lr(0.0);
    const auto before = values(*t);
    for (int s = 0; s < 3; ++s) t->step();
    const double moved = max_diff(before, values(*t));
    t->optimizer->set_lr(0.123);
    if (t->optimizer->lr() != 0.123) return {"lr changes honoured", "FAIL", "lr() does not return what set_lr() set"};
    if (moved > 1e-12) return {"lr changes honoured", "FAIL", "with lr 0 the parameters moved by " + format_number(moved)};
    return {"lr changes honoured", "pass", "lr 0 freezes the parameters; lr() reads back set_lr()"};
  });
  guarded("declared gradient evaluations", [&]() -> Check {
    auto t = make_trial(registry, name, defaults, shifted, {start}, 1);
    t->step();
    const std::string detail = "declared " + std::to_string(caps.gradient_evaluations) + ", counted " +
                               std::to_string(t->evaluations) + " per step";
    return {"declared gradient evaluations", t->evaluations == caps.gradient_evaluations ? "pass" : "FAIL", detail};
  });

  std::printf("conformance of optimizer '%s' (plugin %s %s, %s)\n", name.c_str(), entry->plugin.c_str(),
              entry->plugin_version.c_str(), entry->path.c_str());
  int failed = 0;
  for (const auto& c : checks) {
    std::printf("  %-32s %-5s %s\n", c.name.c_str(), c.status.c_str(), c.detail.c_str());
    failed += c.status == "FAIL";
  }
  std::printf("%s: %d of %zu checks failed\n", failed ? "FAILED" : "PASSED", failed, checks.size());
  return failed;
}

}  // namespace optbench::core
