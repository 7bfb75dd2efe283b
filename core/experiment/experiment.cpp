#include "experiment/experiment.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "common/toml_params.h"
#include "experiment/host_tables.h"

namespace optbench::core {

namespace {

const std::set<std::string> kTopLevelKeys = {"name", "output_dir", "optimizers", "task", "dataset", "model",
                                             "training", "optimizer", "lr_overrides", "sweep", "analysis"};

// Collects every problem so that one `validate` shows them all.
class Problems {
 public:
  template <class F>
  void check(F&& f) {
    try {
      f();
    } catch (const ConfigError& e) {
      messages_.push_back(e.what());
    }
  }
  void add(const SourceLocation& where, const std::string& message) {
    messages_.push_back(ConfigError(where, message).what());
  }
  void throw_if_any() const {
    if (messages_.empty()) return;
    std::string all;
    for (const auto& m : messages_) all += (all.empty() ? "" : "\n") + m;
    throw std::runtime_error(all);
  }

 private:
  std::vector<std::string> messages_;
};

const toml::table* sub_table(const toml::table& root, const std::string& key, const std::string& file) {
  const toml::node* node = root.get(key);
  if (!node) return nullptr;
  if (!node->is_table())
    throw ConfigError(location_of(*node, file),
                      "'" + key + "' must be a table ([" + key + "]), got " + toml_type_name(*node));
  return node->as_table();
}

// [task], [dataset], [model]: `name` picks the component, the other keys are its parameters.
Selection select_component(const toml::table& root, const std::string& key, Kind kind,
                           const Catalog& catalog, const std::string& file,
                           std::set<std::string> host_keys) {
  const toml::table* table = sub_table(root, key, file);
  const SourceLocation where = table ? location_of(*table, file) : SourceLocation{file, 0, 0};
  if (!table) throw ConfigError(where, "missing table [" + key + "] (with at least name = \"...\")");
  const toml::node* name_node = table->get("name");
  if (!name_node || !name_node->is_string())
    throw ConfigError(name_node ? location_of(*name_node, file) : where,
                      "[" + key + "] name must be a string naming a " + kind_name(kind) +
                          " (available: " + join(catalog.names(kind)) + ")");
  Selection selection;
  selection.name = *name_node->value<std::string>();
  const CatalogEntry* entry = catalog.find(kind, selection.name);
  if (!entry)
    throw ConfigError(location_of(*name_node, file),
                      "unknown " + std::string(kind_name(kind)) + " '" + selection.name + "'" +
                          did_you_mean(selection.name, catalog.names(kind)) +
                          " (available: " + join(catalog.names(kind)) + ")");
  host_keys.insert("name");
  ResolveOptions options{file, "[" + key + "]", where, host_keys, true, &catalog};
  selection.params = resolve_params(table, *entry->schema, options);
  return selection;
}

std::vector<std::string> optimizer_names(const toml::table& root, const Catalog& catalog,
                                         const std::string& file) {
  const toml::node* node = root.get("optimizers");
  const auto available = catalog.names(Kind::kOptimizer);
  if (!node)
    throw ConfigError({file, 0, 0}, "missing key 'optimizers': a list of optimizer names or \"all\" "
                                    "(available: " + join(available) + ")");
  if (auto all = node->value<std::string>()) {
    if (*all == "all") return available;
    throw ConfigError(location_of(*node, file),
                      "optimizers must be an array of names or \"all\", got \"" + *all + "\"");
  }
  const toml::array* array = node->as_array();
  if (!array || array->empty())
    throw ConfigError(location_of(*node, file),
                      "optimizers must be a non-empty array of names or \"all\"");
  std::vector<std::string> names;
  for (const auto& element : *array) {
    auto name = element.value<std::string>();
    if (!name) throw ConfigError(location_of(element, file), "optimizers: expected names (strings)");
    if (!catalog.find(Kind::kOptimizer, *name))
      throw ConfigError(location_of(element, file), "unknown optimizer '" + *name + "'" +
                                                        did_you_mean(*name, available) +
                                                        " (available: " + join(available) + ")");
    if (std::find(names.begin(), names.end(), *name) != names.end())
      throw ConfigError(location_of(element, file), "optimizer '" + *name + "' is listed twice");
    names.push_back(*name);
  }
  return names;
}

// The parameter table that holds an optimizer's parameter `name`: its own, else its base
// optimizer's (SAM). Returns the component parameter's name for a base, "" for its own, nullopt
// for neither.
std::optional<std::string> holder_of(const std::string& name, const Schema& schema, const Params& params,
                                     const Catalog& catalog) {
  if (schema.find(name)) return std::string();
  for (const auto& spec : schema.specs()) {
    if (spec.type != ValueType::kComponent || spec.component_kind != Kind::kOptimizer) continue;
    const auto& base = std::get<ComponentRef>(params.value(spec.name));
    const CatalogEntry* entry = catalog.find(Kind::kOptimizer, base.name);
    if (entry && entry->schema->find(name)) return spec.name;
  }
  return std::nullopt;
}

// lr_overrides.X sets X's `lr`, or for a wrapper without one (SAM) its base optimizer's `lr`.
void override_lr(Params& params, const Schema& schema, const toml::node& lr, const std::string& name,
                 const toml::table* table, const Catalog& catalog, const std::string& path) {
  const auto holder = holder_of("lr", schema, params, catalog);
  if (!holder)
    throw ConfigError(location_of(lr, path), "optimizer '" + name + "' has no parameter 'lr' to override");
  const std::string section = "[optimizer." + name + (holder->empty() ? "" : "." + *holder) + "]";
  const toml::node* given = holder->empty() ? table : (table ? table->get(*holder) : nullptr);
  if (given && given->as_table() && given->as_table()->contains("lr"))
    throw ConfigError(location_of(lr, path),
                      "lr of '" + name + "' is set both in [lr_overrides] and in " + section + "; keep one");
  const Schema& owner = holder->empty()
                            ? schema
                            : *catalog.find(Kind::kOptimizer, std::get<ComponentRef>(params.value(*holder)).name)->schema;
  parse_value(lr, *owner.find("lr"), path, "[lr_overrides] " + name);  // type and bounds, with location
  set_optimizer_value(params, schema, "lr", *lr.value<double>(), catalog);
}

constexpr int kMaxSweepPoints = 1000;

// One [sweep] entry: [v1, v2, ...], {values = [...]}, {grid = [lo, hi, n]} or {log_grid = [lo, hi, n]}.
SweepAxis parse_sweep_axis(const std::string& key, const toml::node& node, const std::string& path) {
  const std::string where = "[sweep] " + key;
  const std::string accepted = "accepted: an array of numbers, {values = [...]}, {grid = [low, high, points]} "
                               "or {log_grid = [low, high, points]}";
  auto numbers = [&](const toml::node& n) {
    const toml::array* array = n.as_array();
    if (!array || array->empty())
      throw ConfigError(location_of(n, path), where + " must be a non-empty array of numbers; " + accepted);
    std::vector<double> out;
    for (const auto& e : *array) {
      auto x = e.value<double>();
      if (!x || !std::isfinite(*x))
        throw ConfigError(location_of(e, path), where + ": expected a finite number, got " + toml_type_name(e));
      out.push_back(*x);
    }
    return out;
  };
  SweepAxis axis;
  axis.parameter = key;
  if (node.is_array()) {
    axis.values = numbers(node);
  } else if (const toml::table* table = node.as_table(); table && table->size() == 1) {
    const auto first = table->begin();  // its entry is a proxy that lives in the iterator
    const toml::key& form_key = first->first;
    const toml::node& form = first->second;
    const std::string f(form_key.str());
    if (f == "values") {
      axis.values = numbers(form);
    } else if (f == "grid" || f == "log_grid") {
      const auto v = numbers(form);
      const std::string shape = where + " " + f + " = [low, high, points]";
      if (v.size() != 3 || v[2] != std::floor(v[2]) || v[2] < 2 || !(v[0] < v[1]))
        throw ConfigError(location_of(form, path), shape + " needs low < high and a whole number of points >= 2");
      if (v[2] > kMaxSweepPoints)
        throw ConfigError(location_of(form, path), shape + ": " + format_number(v[2]) + " points; at most " +
                                                       std::to_string(kMaxSweepPoints) + " per axis");
      axis.log_scale = f == "log_grid";
      if (axis.log_scale && v[0] <= 0)
        throw ConfigError(location_of(form, path), shape + " needs low > 0 (a log grid)");
      const auto n = static_cast<int>(v[2]);
      for (int i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / (n - 1);
        // Powers of ten stay exact: log_grid = [1e-4, 1e-1, 4] gives 0.0001, 0.001, 0.01, 0.1.
        axis.values.push_back(axis.log_scale
                                  ? std::pow(10.0, std::log10(v[0]) + t * (std::log10(v[1]) - std::log10(v[0])))
                                  : v[0] + t * (v[1] - v[0]));
      }
      axis.values.front() = v[0];
      axis.values.back() = v[1];
    } else {
      throw ConfigError(location_of(form_key, path),
                        where + ": unknown form '" + f + "'" + did_you_mean(f, {"log_grid", "grid", "values"}) +
                            " (" + accepted + ")");
    }
  } else {
    throw ConfigError(location_of(node, path), where + ": " + accepted);
  }
  for (size_t i = 0; i < axis.values.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (axis.values[i] == axis.values[j])
        throw ConfigError(location_of(node, path), where + ": value " + format_number(axis.values[i]) + " is listed twice");
  return axis;
}

// Every axis must apply to at least one selected optimizer, with every value in its bounds.
std::vector<SweepAxis> parse_sweep(const toml::table& table, const std::vector<Selection>& optimizers,
                                   const Catalog& catalog, const std::string& path) {
  std::vector<SweepAxis> axes;
  for (const auto& [key, node] : table) {
    SweepAxis axis = parse_sweep_axis(std::string(key.str()), node, path);
    const std::string where = "[sweep] " + axis.parameter;
    if (axis.parameter == "seed" || axis.parameter == "seeds")
      throw ConfigError(location_of(key, path), where + ": seeds are not swept here; set [training] seeds");
    std::vector<std::string> known;
    bool applies = false;
    for (const auto& optimizer : optimizers) {
      const Schema& schema = *catalog.find(Kind::kOptimizer, optimizer.name)->schema;
      for (const auto& n : schema.names())
        if (std::find(known.begin(), known.end(), n) == known.end()) known.push_back(n);
      for (double value : axis.values) {
        Params probe = optimizer.params;
        try {
          applies = set_optimizer_value(probe, schema, axis.parameter, value, catalog) || applies;
        } catch (const std::invalid_argument& e) {
          throw ConfigError(location_of(node, path), where + " for " + optimizer.name + ": " + e.what());
        }
      }
    }
    if (!applies)
      throw ConfigError(location_of(key, path),
                        where + ": no selected optimizer has a numeric parameter '" + axis.parameter + "'" +
                            did_you_mean(axis.parameter, known) + " (their parameters: " + join(known) + ")");
    axes.push_back(std::move(axis));
  }
  return axes;
}

void apply_overrides(toml::table& root, const Overrides& o) {
  auto table = [&](const char* key) -> toml::table& {
    if (!root.contains(key) || !root[key].is_table()) root.insert_or_assign(key, toml::table{});
    return *root[key].as_table();
  };
  auto int_array = [](const std::vector<std::int64_t>& v) {
    toml::array a;
    for (auto x : v) a.push_back(x);
    return a;
  };
  if (o.epochs) table("training").insert_or_assign("epochs", *o.epochs);
  if (o.batch_size) table("training").insert_or_assign("batch_size", *o.batch_size);
  if (o.threads) table("training").insert_or_assign("threads", *o.threads);
  if (o.device) table("training").insert_or_assign("device", *o.device);
  if (o.seeds) table("training").insert_or_assign("seeds", int_array(*o.seeds));
  if (o.max_samples) table("dataset").insert_or_assign("max_samples", *o.max_samples);
  if (o.output_dir) root.insert_or_assign("output_dir", *o.output_dir);
  if (o.optimizers) {
    toml::array a;
    for (const auto& name : *o.optimizers) a.push_back(name);
    root.insert_or_assign("optimizers", a);
  }
}

}  // namespace

bool set_optimizer_value(Params& params, const Schema& schema, const std::string& name, double value,
                         const Catalog& catalog) {
  const auto holder = holder_of(name, schema, params, catalog);
  if (!holder) return false;
  auto set = [&](Params& target, const Schema& owner) {
    const ParamSpec& spec = *owner.find(name);
    Value v = value;
    if (spec.type == ValueType::kInt) {
      if (value != std::floor(value))
        throw std::invalid_argument(name + ": " + format_number(value) + " is not a whole number");
      v = static_cast<std::int64_t>(value);
    }
    if (auto problem = check_value(spec, v)) throw std::invalid_argument(name + ": " + *problem);
    target.set(name, v);
  };
  if (holder->empty()) {
    set(params, schema);
    return true;
  }
  ComponentRef base = std::get<ComponentRef>(params.value(*holder));
  auto base_params = std::make_shared<Params>(base.params ? *base.params : Params{});
  set(*base_params, *catalog.find(Kind::kOptimizer, base.name)->schema);
  base.params = base_params;
  params.set(*holder, base);
  return true;
}

Experiment load_experiment(const std::string& path, const Catalog& catalog, const Overrides& overrides) {
  if (!std::filesystem::is_regular_file(path))
    throw ConfigError({path}, "experiment file does not exist");
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    throw ConfigError({path, static_cast<int>(begin.line), static_cast<int>(begin.column)},
                      "invalid TOML: " + std::string(e.description()));
  }
  apply_overrides(root, overrides);

  Experiment ex;
  ex.file = path;
  Problems problems;
  std::vector<std::string> top(kTopLevelKeys.begin(), kTopLevelKeys.end());
  for (const auto& [key, node] : root) {
    const std::string k(key.str());
    if (!kTopLevelKeys.count(k))
      problems.add(location_of(key, path), "unknown top-level key '" + k + "'" + did_you_mean(k, top) +
                                               " (accepted: " + join(top) + ")");
  }
  ex.name = std::filesystem::path(path).stem().string();
  ex.output_dir = "results";
  problems.check([&] {
    for (const char* key : {"name", "output_dir"}) {
      if (const toml::node* node = root.get(key)) {
        auto s = node->value<std::string>();
        if (!node->is_string() || s->empty())
          throw ConfigError(location_of(*node, path), std::string("'") + key + "' must be a non-empty string");
        (std::string(key) == "name" ? ex.name : ex.output_dir) = *s;
      }
    }
  });

  problems.check([&] { ex.task = select_component(root, "task", Kind::kTask, catalog, path, {}); });
  problems.check([&] {
    const Schema& host = dataset_host_schema();
    std::set<std::string> host_keys;
    for (const auto& n : host.names()) host_keys.insert(n);
    ex.dataset = select_component(root, "dataset", Kind::kDataset, catalog, path, host_keys);
    // The host's own dataset keys, validated with the same machinery (the dataset's keys skipped,
    // so that every message keeps its line).
    const toml::table* table = sub_table(root, "dataset", path);
    std::set<std::string> dataset_keys;
    for (const auto& [key, node] : *table)
      if (!host_keys.count(std::string(key.str()))) dataset_keys.insert(std::string(key.str()));
    ResolveOptions options{path, "[dataset]", location_of(*table, path), dataset_keys, true};
    Params p = resolve_params(table, host, options);
    ex.max_samples = p.get<std::int64_t>("max_samples");
    ex.validation_fraction = p.get<double>("validation_fraction");
  });
  problems.check([&] { ex.model = select_component(root, "model", Kind::kModel, catalog, path, {}); });

  problems.check([&] {
    const toml::table* table = sub_table(root, "training", path);
    ResolveOptions options{path, "[training]", table ? location_of(*table, path) : SourceLocation{path}, {}, true};
    Params p = resolve_params(table, training_schema(), options);
    auto& t = ex.training;
    t.epochs = p.get<std::int64_t>("epochs");
    t.batch_size = p.get<std::int64_t>("batch_size");
    t.eval_batch_size = p.get<std::int64_t>("eval_batch_size");
    if (t.eval_batch_size == 0) t.eval_batch_size = t.batch_size;
    t.seeds = p.get<std::vector<std::int64_t>>("seeds");
    if (t.seeds.empty())
      throw ConfigError(location_of(*table->get("seeds"), path), "[training] seeds must not be empty");
    t.threads = p.get<std::int64_t>("threads");
    t.device = p.get<std::string>("device");
    t.num_workers = p.get<std::int64_t>("num_workers");
    t.log_every_steps = p.get<std::int64_t>("log_every_steps");
    t.checkpoint_every_steps = p.get<std::int64_t>("checkpoint_every_steps");
    t.exclude_from_weight_decay = p.get<std::vector<std::string>>("exclude_from_weight_decay");
    t.precision = p.get<std::string>("precision");
    t.channels_last = p.get<bool>("channels_last");
    t.cudnn_benchmark = p.get<bool>("cudnn_benchmark");
    t.deterministic = p.get<bool>("deterministic");
    if (t.deterministic && t.cudnn_benchmark)
      throw ConfigError(location_of(*table->get("cudnn_benchmark"), path),
                        "[training] cudnn_benchmark = true picks convolution algorithms by timing them, which "
                        "deterministic = true rules out: set one of the two");
    auto given = [&](const char* key) { return table && table->contains(key); };
    if (given("scheduler")) ex.policy.scheduler = p.get<std::string>("scheduler");
    if (given("warmup_epochs")) ex.policy.warmup_epochs = p.get<double>("warmup_epochs");
    if (given("early_stopping_patience"))
      ex.policy.early_stopping_patience = p.get<std::int64_t>("early_stopping_patience");
    if (given("max_grad_norm")) ex.policy.max_grad_norm = p.get<double>("max_grad_norm");
    if (given("label_smoothing")) ex.policy.label_smoothing = p.get<double>("label_smoothing");
  });

  problems.check([&] {
    const std::vector<std::string> names = optimizer_names(root, catalog, path);
    const toml::table* tables = sub_table(root, "optimizer", path);
    const toml::table* lrs = sub_table(root, "lr_overrides", path);
    // Every [optimizer.X] and lr_overrides.X must name a known optimizer; it may be one that
    // --optimizers left out of this run, so that one file serves several selections.
    const auto known = catalog.names(Kind::kOptimizer);
    for (const toml::table* t : {tables, lrs}) {
      if (!t) continue;
      for (const auto& [key, node] : *t) {
        const std::string k(key.str());
        if (!catalog.find(Kind::kOptimizer, k))
          throw ConfigError(location_of(key, path),
                            (t == tables ? "[optimizer." + k + "]" : "[lr_overrides] " + k) +
                                " names an unknown optimizer" + did_you_mean(k, known) +
                                " (available: " + join(known) + ")");
      }
    }
    for (const auto& name : names) {
      const CatalogEntry* entry = catalog.find(Kind::kOptimizer, name);
      const std::string section = "[optimizer." + name + "]";
      const toml::table* table = nullptr;
      if (tables && tables->get(name)) {
        table = tables->get(name)->as_table();
        if (!table)
          throw ConfigError(location_of(*tables->get(name), path), section + " must be a table");
      }
      SourceLocation where = table ? location_of(*table, path) : SourceLocation{path, 0, 0};
      ResolveOptions options{path, section, where, {}, true, &catalog};
      Params params = resolve_params(table, *entry->schema, options);
      if (const toml::node* lr = lrs ? lrs->get(name) : nullptr)
        override_lr(params, *entry->schema, *lr, name, table, catalog, path);
      ex.optimizers.push_back({name, std::move(params)});
    }
  });

  problems.check([&] {
    const toml::table* table = sub_table(root, "analysis", path);
    ResolveOptions options{path, "[analysis]", table ? location_of(*table, path) : SourceLocation{path}, {}, true};
    Params p = resolve_params(table, analysis_schema(), options);
    ex.analysis.loss_thresholds = p.get<std::vector<double>>("loss_thresholds");
    ex.analysis.metric_thresholds = p.get<std::vector<double>>("metric_thresholds");
    ex.analysis.good_region = p.get<double>("good_region");
    ex.analysis.train_metrics = p.get<bool>("train_metrics");
    ex.analysis.hessian_top_k = p.get<std::int64_t>("hessian_top_k");
    ex.analysis.hessian_batches = p.get<std::int64_t>("hessian_batches");
    ex.analysis.hessian_iterations = p.get<std::int64_t>("hessian_iterations");
    ex.analysis.cka_samples = p.get<std::int64_t>("cka_samples");
  });
  problems.throw_if_any();  // the sweep is checked against the optimizers resolved above
  if (const toml::table* sweep = sub_table(root, "sweep", path))
    ex.sweep = parse_sweep(*sweep, ex.optimizers, catalog, path);
  return ex;
}

}  // namespace optbench::core
