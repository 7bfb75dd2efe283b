#include "common/toml_params.h"

namespace optbench::core {

SourceLocation location_of(const toml::node& node, const std::string& file) {
  const auto& begin = node.source().begin;
  if (begin.line == 0) return {"command line override", 0, 0};  // set by a flag, not the file
  return {file, static_cast<int>(begin.line), static_cast<int>(begin.column)};
}

SourceLocation location_of(const toml::key& key, const std::string& file) {
  const auto& begin = key.source().begin;
  if (begin.line == 0) return {"command line override", 0, 0};
  return {file, static_cast<int>(begin.line), static_cast<int>(begin.column)};
}

std::string toml_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "number";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::array: return "array";
    case toml::node_type::table: return "table";
    default: return "date/time";
  }
}

namespace {

// "[optimizer.sam]" + "base" -> "[optimizer.sam.base]"
std::string nested_section(const std::string& section, const std::string& name) {
  if (!section.empty() && section.back() == ']') return section.substr(0, section.size() - 1) + "." + name + "]";
  return section + " " + name;
}

template <class T>
std::vector<T> parse_list(const toml::node& node, const ParamSpec& spec, const std::string& file,
                          const std::string& where) {
  const toml::array* array = node.as_array();
  if (!array)
    throw ConfigError(location_of(node, file), where + ": expected " + type_name(spec.type) +
                                                   ", got " + toml_type_name(node));
  std::vector<T> out;
  for (const auto& element : *array) {
    if constexpr (std::is_same_v<T, double>) {
      if (auto d = element.value<double>(); d && (element.is_number())) {
        out.push_back(*d);
        continue;
      }
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
      if (element.is_integer()) {
        out.push_back(*element.value<std::int64_t>());
        continue;
      }
    } else {
      if (element.is_string()) {
        out.push_back(*element.value<std::string>());
        continue;
      }
    }
    throw ConfigError(location_of(element, file), where + ": expected " + type_name(spec.type) +
                                                      ", found an element of type " +
                                                      toml_type_name(element));
  }
  return out;
}

}  // namespace

Value parse_value(const toml::node& node, const ParamSpec& spec, const std::string& file,
                  const std::string& where) {
  auto wrong_type = [&]() {
    return ConfigError(location_of(node, file), where + ": expected " + type_name(spec.type) +
                                                    ", got " + toml_type_name(node));
  };
  Value value;
  switch (spec.type) {
    case ValueType::kBool:
      if (!node.is_boolean()) throw wrong_type();
      value = *node.value<bool>();
      break;
    case ValueType::kInt:
      if (!node.is_integer()) throw wrong_type();
      value = *node.value<std::int64_t>();
      break;
    case ValueType::kDouble:
      if (!node.is_number()) throw wrong_type();
      value = *node.value<double>();
      break;
    case ValueType::kString:
      if (!node.is_string()) throw wrong_type();
      value = *node.value<std::string>();
      break;
    case ValueType::kDoubleList: value = parse_list<double>(node, spec, file, where); break;
    case ValueType::kIntList: value = parse_list<std::int64_t>(node, spec, file, where); break;
    case ValueType::kStringList: value = parse_list<std::string>(node, spec, file, where); break;
    case ValueType::kComponent: throw ConfigError(location_of(node, file), where + ": needs a catalog");
  }
  if (auto problem = check_value(spec, value))
    throw ConfigError(location_of(node, file), where + ": " + *problem);
  return value;
}

Params resolve_params(const toml::table* table, const Schema& schema, const ResolveOptions& options) {
  std::map<std::string, Value> values;
  if (table) {
    for (const auto& [key, node] : *table) {
      const std::string name(key.str());
      if (options.host_keys.count(name)) continue;
      const ParamSpec* spec = schema.find(name);
      if (!spec) {
        std::vector<std::string> accepted(options.host_keys.begin(), options.host_keys.end());
        for (const auto& n : schema.names()) accepted.push_back(n);
        throw ConfigError(location_of(key, options.file),
                          "unknown key '" + name + "' in " + options.section +
                              did_you_mean(name, accepted) + " (accepted: " + join(accepted) + ")");
      }
      const std::string where = options.section + " " + name;
      if (spec->type == ValueType::kComponent) {
        const toml::table* t = node.as_table();
        const toml::node* n = t ? t->get("name") : nullptr;
        if (!n || !n->is_string())
          throw ConfigError(location_of(node, options.file),
                            where + ": expected a table with name = \"...\" naming a " +
                                kind_name(spec->component_kind) + ", e.g. {name = \"" +
                                std::get<ComponentRef>(*spec->default_value).name + "\"}");
        ResolveOptions nested{options.file, nested_section(options.section, name),
                              location_of(node, options.file), {"name"}, options.suite_defaults,
                              options.catalog};
        values[name] = resolve_component(t, spec->component_kind, *n->value<std::string>(), nested,
                                         location_of(*n, options.file));
      } else {
        values[name] = parse_value(node, *spec, options.file, where);
      }
    }
  }
  for (const auto& spec : schema.specs()) {
    if (values.count(spec.name) || spec.optional) continue;
    if (spec.type == ValueType::kComponent) {
      const auto& ref = std::get<ComponentRef>(*spec.default_value);
      ResolveOptions nested = options;
      nested.section = nested_section(options.section, spec.name);
      nested.host_keys = {"name"};
      values[spec.name] = resolve_component(nullptr, ref.kind, ref.name, nested, options.section_location);
    } else if (options.suite_defaults && spec.suite_default) {
      values[spec.name] = *spec.suite_default;
    } else if (spec.default_value) {
      values[spec.name] = *spec.default_value;
    } else {
      throw ConfigError(options.section_location, options.section + ": required key '" +
                                                      spec.name + "' is missing (" + spec.doc + ")");
    }
  }
  return Params(std::move(values));
}

ComponentRef resolve_component(const toml::table* table, Kind kind, const std::string& name,
                               const ResolveOptions& options, const SourceLocation& where) {
  if (!options.catalog) throw ConfigError(where, options.section + ": component parameters need the plugins");
  const CatalogEntry* entry = options.catalog->find(kind, name);
  if (!entry) {
    const auto available = options.catalog->names(kind);
    throw ConfigError(where, options.section + ": unknown " + kind_name(kind) + " '" + name + "'" +
                                 did_you_mean(name, available) + " (available: " + join(available) + ")");
  }
  return ComponentRef{kind, name, std::make_shared<Params>(resolve_params(table, *entry->schema, options))};
}

}  // namespace optbench::core
