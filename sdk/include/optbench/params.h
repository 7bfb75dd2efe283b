// Declared parameter schemas and the validated values a component receives.
// Torch-free: the host validates experiment files against these without LibTorch.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <optbench/kind.h>

namespace optbench {
inline namespace v1 {

class Params;

// A parameter that names another component with its own parameters, e.g. SAM's
// base optimizer: `base = {name = "sgd_momentum", lr = 0.1}`.
struct ComponentRef {
  Kind kind = Kind::kOptimizer;
  std::string name;
  std::shared_ptr<const Params> params;  // validated against that component's schema; null in a default
};

using Value = std::variant<bool, std::int64_t, double, std::string, std::vector<double>,
                           std::vector<std::int64_t>, std::vector<std::string>, ComponentRef>;

enum class ValueType { kBool, kInt, kDouble, kString, kDoubleList, kIntList, kStringList, kComponent };

inline const char* type_name(ValueType type) {
  switch (type) {
    case ValueType::kBool: return "boolean";
    case ValueType::kInt: return "integer";
    case ValueType::kDouble: return "number";
    case ValueType::kString: return "string";
    case ValueType::kDoubleList: return "array of numbers";
    case ValueType::kIntList: return "array of integers";
    case ValueType::kStringList: return "array of strings";
    case ValueType::kComponent: return "table naming a component";
  }
  return "?";
}

inline ValueType type_of(const Value& v) { return static_cast<ValueType>(v.index()); }

// The shortest text that reads back as exactly `x` ("10", "0.001", "1e-08").
inline std::string format_number(double x) {
  char buf[32];
  auto result = std::to_chars(buf, buf + sizeof(buf), x);
  return std::string(buf, result.ptr);
}

namespace detail {
struct RenderValue {
  std::string operator()(bool b) const { return b ? "true" : "false"; }
  std::string operator()(std::int64_t i) const { return std::to_string(i); }
  std::string operator()(double d) const {
    std::string s = format_number(d);
    if (std::isfinite(d) && s.find_first_of(".einn") == std::string::npos) s += ".0";
    return s;
  }
  std::string operator()(const std::string& s) const { return "\"" + s + "\""; }
  template <class T>
  std::string operator()(const std::vector<T>& list) const {
    std::string out = "[";
    for (size_t i = 0; i < list.size(); ++i) out += (i ? ", " : "") + (*this)(list[i]);
    return out + "]";
  }
  std::string operator()(const ComponentRef& ref) const;  // defined after Params
};
}  // namespace detail

// TOML rendering (an inline table for a ComponentRef), used by `describe`, details.txt
// and the resolved config.
inline std::string to_string(const Value& v) { return std::visit(detail::RenderValue{}, v); }

// Numeric bounds; for lists they apply to every element.
struct Bounds {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;

  bool contains(double x) const {
    if (!std::isfinite(x)) return false;  // an infinite lr or decay is never meant
    if (lo_open ? !(x > lo) : !(x >= lo)) return false;
    if (hi_open ? !(x < hi) : !(x <= hi)) return false;
    return true;
  }
  bool unbounded() const { return std::isinf(lo) && std::isinf(hi); }
  std::string describe() const {
    if (unbounded()) return "any value";
    std::string s = (lo_open || std::isinf(lo)) ? "(" : "[";
    s += std::isinf(lo) ? "-inf" : format_number(lo);
    s += ", ";
    s += std::isinf(hi) ? "inf" : format_number(hi);
    return s + ((hi_open || std::isinf(hi)) ? ")" : "]");
  }
};

inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline constexpr Bounds any_value{};
inline constexpr Bounds positive{0.0, kInf, true, false};
inline constexpr Bounds non_negative{0.0, kInf, false, false};
inline constexpr Bounds unit_open{0.0, 1.0, true, true};           // (0, 1)
inline constexpr Bounds unit_interval{0.0, 1.0, false, false};     // [0, 1]
inline constexpr Bounds unit_right_open{0.0, 1.0, false, true};    // [0, 1)
inline constexpr Bounds at_least_one{1.0, kInf, false, false};
// Token counts per sequence: a sequence longer than 2^20 tokens is a typo, not a setting.
inline constexpr Bounds sequence_length{1.0, 1048576.0, false, false};

struct ParamSpec {
  std::string name;
  ValueType type = ValueType::kDouble;
  std::optional<Value> default_value;  // the reference implementation's default; nullopt: required
  // The default of training runs where it differs from the reference's, e.g. the
  // original suite's per-family weight decay (SGD 5e-4). Golden replays ignore it.
  std::optional<Value> suite_default;
  std::string doc;
  Bounds bounds;
  std::vector<std::string> choices;  // for strings (and string lists): the accepted values
  std::optional<std::size_t> length;  // for lists: a required length (e.g. betas = 2)
  Kind component_kind = Kind::kOptimizer;  // for kComponent
  bool optional = false;  // no default and not required: absent unless set (Adafactor's lr)
};

// Returns a message saying what is wrong with `v` for `spec`, or nullopt if it is accepted.
inline std::optional<std::string> check_value(const ParamSpec& spec, const Value& v) {
  if (type_of(v) != spec.type)
    return std::string("expected ") + type_name(spec.type) + ", got " + type_name(type_of(v));
  auto check_number = [&](double x) -> std::optional<std::string> {
    if (spec.bounds.contains(x)) return std::nullopt;
    return "value " + format_number(x) + " is out of range; accepted: " + spec.bounds.describe();
  };
  auto check_choice = [&](const std::string& s) -> std::optional<std::string> {
    if (spec.choices.empty()) return std::nullopt;
    for (const auto& c : spec.choices)
      if (c == s) return std::nullopt;
    std::string accepted;
    for (const auto& c : spec.choices) accepted += (accepted.empty() ? "" : ", ") + ("\"" + c + "\"");
    return "\"" + s + "\" is not accepted; accepted: " + accepted;
  };
  auto check_length = [&](std::size_t n) -> std::optional<std::string> {
    if (!spec.length || *spec.length == n) return std::nullopt;
    return "expected " + std::to_string(*spec.length) + " elements, got " + std::to_string(n);
  };
  if (auto* ref = std::get_if<ComponentRef>(&v)) {
    if (ref->kind != spec.component_kind)
      return std::string("expected a ") + kind_name(spec.component_kind) + ", got a " + kind_name(ref->kind);
    return check_choice(ref->name);
  }
  if (auto* i = std::get_if<std::int64_t>(&v)) return check_number(static_cast<double>(*i));
  if (auto* d = std::get_if<double>(&v)) return check_number(*d);
  if (auto* s = std::get_if<std::string>(&v)) return check_choice(*s);
  if (auto* dl = std::get_if<std::vector<double>>(&v)) {
    if (auto e = check_length(dl->size())) return e;
    for (double x : *dl)
      if (auto e = check_number(x)) return e;
  }
  if (auto* il = std::get_if<std::vector<std::int64_t>>(&v)) {
    if (auto e = check_length(il->size())) return e;
    for (auto x : *il)
      if (auto e = check_number(static_cast<double>(x))) return e;
  }
  if (auto* sl = std::get_if<std::vector<std::string>>(&v)) {
    if (auto e = check_length(sl->size())) return e;
    for (const auto& s : *sl)
      if (auto e = check_choice(s)) return e;
  }
  return std::nullopt;
}

class Schema {
 public:
  void add(ParamSpec spec) {
    if (find(spec.name)) throw std::logic_error("parameter '" + spec.name + "' declared twice");
    validate(spec);
    specs_.push_back(std::move(spec));
  }
  // Replaces the spec of the same name in place (declaration order is kept).
  void replace(ParamSpec spec) {
    validate(spec);
    for (auto& s : specs_) {
      if (s.name == spec.name) {
        s = std::move(spec);
        return;
      }
    }
    throw std::logic_error("no parameter named '" + spec.name + "' to replace");
  }
  const ParamSpec* find(const std::string& name) const {
    for (const auto& s : specs_)
      if (s.name == name) return &s;
    return nullptr;
  }
  const std::vector<ParamSpec>& specs() const { return specs_; }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& s : specs_) out.push_back(s.name);
    return out;
  }

 private:
  // Throws std::logic_error if a declared default breaks the spec's own rules.
  static void validate(const ParamSpec& spec) {
    if (spec.default_value) {
      if (auto err = check_value(spec, *spec.default_value))
        throw std::logic_error("default of parameter '" + spec.name + "': " + *err);
    }
    if (spec.suite_default) {
      if (auto err = check_value(spec, *spec.suite_default))
        throw std::logic_error("suite default of parameter '" + spec.name + "': " + *err);
    }
  }

  std::vector<ParamSpec> specs_;  // declaration order, which `describe` keeps
};

// Validated values, one for every parameter of the schema (defaults filled in).
class Params {
 public:
  Params() = default;
  explicit Params(std::map<std::string, Value> values) : values_(std::move(values)) {}

  bool has(const std::string& name) const { return values_.count(name) != 0; }
  const Value& value(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) throw std::out_of_range("no parameter named '" + name + "'");
    return it->second;
  }
  template <class T>
  T get(const std::string& name) const {
    const Value& v = value(name);
    if constexpr (std::is_same_v<T, double>) {
      if (auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
    }
    if (auto* t = std::get_if<T>(&v)) return *t;
    throw std::invalid_argument("parameter '" + name + "' is a " + type_name(type_of(v)));
  }
  void set(const std::string& name, Value v) { values_[name] = std::move(v); }
  const std::map<std::string, Value>& values() const { return values_; }

 private:
  std::map<std::string, Value> values_;
};

inline std::string detail::RenderValue::operator()(const ComponentRef& ref) const {
  std::string out = "{name = \"" + ref.name + "\"";
  if (ref.params)
    for (const auto& [k, v] : ref.params->values()) out += ", " + k + " = " + to_string(v);
  return out + "}";
}

}  // namespace v1
}  // namespace optbench
