// What a plugin's register function fills in: components, each with a name,
// a one-line description, a parameter schema and a factory.
#pragma once

#include <optbench/host.h>
#include <optbench/kind.h>
#include <optbench/optimizer.h>
#include <optbench/params.h>
#include <optbench/task.h>

#include <functional>
#include <memory>
#include <variant>

namespace optbench {
inline namespace v1 {

using DatasetFactory = std::function<std::shared_ptr<Dataset>(const Params&)>;
using ModelFactory = std::function<std::shared_ptr<Model>(const Params&, const DataSpec&)>;
using TaskFactory = std::function<std::shared_ptr<Task>(const Params&, const DataSpec&)>;
using OptimizerFactory =
    std::function<std::shared_ptr<Optimizer>(std::vector<ParamGroup>, const Params&)>;

struct Component {
  Kind kind = Kind::kOptimizer;
  std::string name;
  std::string description;
  Schema schema;
  Capabilities capabilities;  // optimizers only
  std::variant<DatasetFactory, ModelFactory, TaskFactory, OptimizerFactory> factory;
};

// Exact conversions, so that `param("amsgrad", false, ...)` is a boolean and
// `param("lr", 1e-3, ...)` a number (overloading on Value would pick int for both).
inline Value make_value(bool b) { return b; }
inline Value make_value(int i) { return static_cast<std::int64_t>(i); }
inline Value make_value(long i) { return static_cast<std::int64_t>(i); }
inline Value make_value(long long i) { return static_cast<std::int64_t>(i); }
inline Value make_value(double d) { return d; }
inline Value make_value(const char* s) { return std::string(s); }
inline Value make_value(const std::string& s) { return s; }
inline Value make_value(const std::vector<double>& v) { return v; }
inline Value make_value(const std::vector<std::int64_t>& v) { return v; }
inline Value make_value(const std::vector<std::string>& v) { return v; }

template <class Factory>
class ComponentBuilder {
 public:
  ComponentBuilder(std::vector<Component>& components, std::size_t index)
      : components_(components), index_(index) {}

  // A parameter whose type follows its default: bool, integer, double, string or a list
  // of numbers or strings. A list default also fixes the list's length (betas = 2).
  template <class T>
  ComponentBuilder& param(const std::string& name, const T& default_value, const std::string& doc,
                          Bounds bounds = any_value) {
    ParamSpec spec;
    spec.name = name;
    spec.default_value = make_value(default_value);
    spec.type = type_of(*spec.default_value);
    spec.doc = doc;
    spec.bounds = bounds;
    if (auto* dl = std::get_if<std::vector<double>>(&*spec.default_value)) spec.length = dl->size();
    if (auto* il = std::get_if<std::vector<std::int64_t>>(&*spec.default_value))
      spec.length = il->size();
    return add(std::move(spec));
  }
  // A string parameter restricted to `choices`.
  ComponentBuilder& choice(const std::string& name, const std::string& default_value,
                           std::vector<std::string> choices, const std::string& doc) {
    ParamSpec spec;
    spec.name = name;
    spec.type = ValueType::kString;
    spec.default_value = Value(default_value);
    spec.doc = doc;
    spec.choices = std::move(choices);
    return add(std::move(spec));
  }
  // A parameter naming another component of `kind` with its parameters, e.g. SAM's base.
  ComponentBuilder& component(const std::string& name, Kind kind, const std::string& default_name,
                              const std::string& doc) {
    ParamSpec spec;
    spec.name = name;
    spec.type = ValueType::kComponent;
    spec.component_kind = kind;
    spec.default_value = Value(ComponentRef{kind, default_name, nullptr});
    spec.doc = doc;
    return add(std::move(spec));
  }
  // A parameter that stays unset unless the experiment sets it (Adafactor's lr: None).
  ComponentBuilder& optional(const std::string& name, ValueType type, const std::string& doc,
                             Bounds bounds = any_value) {
    return without_default(name, type, doc, bounds, /*optional=*/true);
  }
  ComponentBuilder& capabilities(const Capabilities& c) {
    components_[index_].capabilities = c;
    return *this;
  }
  // A parameter the experiment must set (no default), e.g. LARS's lr.
  ComponentBuilder& required(const std::string& name, ValueType type, const std::string& doc,
                             Bounds bounds = any_value) {
    return without_default(name, type, doc, bounds, /*optional=*/false);
  }

  // The value training runs use when the experiment leaves `name` unset (see ParamSpec).
  template <class T>
  ComponentBuilder& suite_default(const std::string& name, const T& value) {
    auto& specs = components_[index_].schema;
    const ParamSpec* found = specs.find(name);
    if (!found) throw std::logic_error("suite_default for undeclared parameter '" + name + "'");
    ParamSpec spec = *found;
    spec.suite_default = make_value(value);
    specs.replace(std::move(spec));
    return *this;
  }

  void factory(Factory f) { components_[index_].factory = std::move(f); }
  // Constructs T from the factory's arguments.
  template <class T>
  void factory() {
    factory([](auto&&... args) { return std::make_shared<T>(std::forward<decltype(args)>(args)...); });
  }

 private:
  ComponentBuilder& without_default(const std::string& name, ValueType type, const std::string& doc,
                                    Bounds bounds, bool optional) {
    ParamSpec spec;
    spec.name = name;
    spec.type = type;
    spec.doc = doc;
    spec.bounds = bounds;
    spec.optional = optional;
    return add(std::move(spec));
  }
  ComponentBuilder& add(ParamSpec spec) {
    components_[index_].schema.add(std::move(spec));
    return *this;
  }
  std::vector<Component>& components_;
  std::size_t index_;  // components_ may reallocate: never keep a reference
};

class Registrar {
 public:
  explicit Registrar(const HostServices& host) : host_(host) {}
  // For factories that build other components (capture a pointer: the host outlives plugins).
  const HostServices& host() const { return host_; }

  ComponentBuilder<DatasetFactory> dataset(const std::string& name, const std::string& description) {
    return {components_, add(Kind::kDataset, name, description, DatasetFactory{})};
  }
  ComponentBuilder<ModelFactory> model(const std::string& name, const std::string& description) {
    return {components_, add(Kind::kModel, name, description, ModelFactory{})};
  }
  ComponentBuilder<TaskFactory> task(const std::string& name, const std::string& description) {
    return {components_, add(Kind::kTask, name, description, TaskFactory{})};
  }
  ComponentBuilder<OptimizerFactory> optimizer(const std::string& name,
                                               const std::string& description) {
    return {components_, add(Kind::kOptimizer, name, description, OptimizerFactory{})};
  }
  const std::vector<Component>& components() const { return components_; }
  std::vector<Component>& components() { return components_; }

 private:
  template <class Factory>
  std::size_t add(Kind kind, const std::string& name, const std::string& description, Factory f) {
    Component c;
    c.kind = kind;
    c.name = name;
    c.description = description;
    c.factory = std::move(f);
    components_.push_back(std::move(c));
    return components_.size() - 1;
  }
  const HostServices& host_;
  std::vector<Component> components_;
};

}  // namespace v1
}  // namespace optbench
