// Converts TOML tables into validated Params against a component's schema.
#pragma once

#include <toml++/toml.h>

#include <optbench/params.h>

#include <set>
#include <string>

#include "common/catalog.h"
#include "common/diagnostics.h"

namespace optbench::core {

SourceLocation location_of(const toml::node& node, const std::string& file);
SourceLocation location_of(const toml::key& key, const std::string& file);
std::string toml_type_name(const toml::node& node);

// The value of `node` as the type `spec` declares, checked against its bounds and choices.
// `where` names the key in messages, e.g. "[optimizer.adam] lr".
Value parse_value(const toml::node& node, const ParamSpec& spec, const std::string& file,
                  const std::string& where);


struct ResolveOptions {
  std::string file;
  std::string section;                // e.g. "[optimizer.adam]", used in messages
  SourceLocation section_location;    // where a missing required key is reported
  std::set<std::string> host_keys;    // keys of the table the host handles itself
  bool suite_defaults = true;         // prefer ParamSpec::suite_default over the reference default
  const Catalog* catalog = nullptr;   // resolves parameters that name components (SAM's base)
};

// Every key of `table` (may be null) must be a host key or a schema parameter; the result
// holds a value for every parameter. Throws ConfigError naming file, line, key and what is accepted.
Params resolve_params(const toml::table* table, const Schema& schema, const ResolveOptions& options);

// A component reference: `name` plus that component's parameters, from `table` (null: all defaults).
ComponentRef resolve_component(const toml::table* table, Kind kind, const std::string& name,
                               const ResolveOptions& options, const SourceLocation& where);

}  // namespace optbench::core
