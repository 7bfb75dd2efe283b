// What the experiment validator needs to know about the loaded components:
// names and schemas, without LibTorch.
#pragma once

#include <optbench/kind.h>
#include <optbench/params.h>

#include <string>
#include <vector>

namespace optbench::core {

struct CatalogEntry {
  Kind kind;
  std::string name;
  std::string description;
  const Schema* schema;
  std::string plugin;          // plugin (family) name
  std::string plugin_version;
  std::string path;            // the shared library
};

class Catalog {
 public:
  virtual ~Catalog() = default;
  virtual const CatalogEntry* find(Kind kind, const std::string& name) const = 0;
  virtual std::vector<std::string> names(Kind kind) const = 0;  // sorted
};

}  // namespace optbench::core
