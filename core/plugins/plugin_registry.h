// Loads plugin libraries (Boost.DLL), checks their info struct before trusting
// them, and keeps every accepted component. Libraries are never unloaded.
#pragma once

#include <optbench/registrar.h>

#include <boost/dll/shared_library.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/catalog.h"

namespace optbench::core {

struct LoadedPlugin {
  std::string name, version, path, torch_version;
  std::vector<std::string> components;  // "kind name"
  std::shared_ptr<boost::dll::shared_library> library;
};

struct Refusal {
  std::string path;
  std::string reason;
};

// Also the HostServices plugins' factories receive, hence neither copied nor moved.
class PluginRegistry final : public Catalog, public HostServices {
 public:
  PluginRegistry() = default;
  PluginRegistry(const PluginRegistry&) = delete;
  PluginRegistry& operator=(const PluginRegistry&) = delete;

  // Loads every *.so below `dir` (recursively, in path order), except those below a disabled directory.
  void load_directory(const std::filesystem::path& dir,
                      const std::vector<std::filesystem::path>& disabled = {});
  // Loads one library; on any problem records a Refusal and returns false.
  bool load_file(const std::filesystem::path& path);
  // Load plugins that others could have replaced (see plugin_permissions.h); off by default.
  void allow_insecure_plugins(bool allow) { allow_insecure_ = allow; }

  const std::vector<LoadedPlugin>& plugins() const { return plugins_; }
  const std::vector<Refusal>& refusals() const { return refusals_; }

  const CatalogEntry* find(Kind kind, const std::string& name) const override;
  std::vector<std::string> names(Kind kind) const override;

  // Factories, with any exception re-thrown naming the plugin and its path.
  std::shared_ptr<Dataset> make_dataset(const std::string& name, const Params& p) const;
  std::shared_ptr<Model> make_model(const std::string& name, const Params& p, const DataSpec& spec) const;
  std::shared_ptr<Task> make_task(const std::string& name, const Params& p, const DataSpec& spec) const;
  // Sets every group's lr from `lr` and weight decay from `weight_decay` (0 for groups
  // excluded from decay) before the factory sees them.
  std::shared_ptr<Optimizer> make_optimizer(const std::string& name, std::vector<ParamGroup> groups,
                                            const Params& p) const;
  const Capabilities& capabilities(const std::string& optimizer) const;

  // HostServices
  std::shared_ptr<Optimizer> make_optimizer(const ComponentRef& ref, std::vector<ParamGroup> groups) const override;
  void log(LogLevel level, const std::string& message) const override;

 private:
  struct Entry {
    CatalogEntry info;
    Component component;
    std::shared_ptr<boost::dll::shared_library> library;
  };
  const Entry& entry(Kind kind, const std::string& name) const;
  void refuse(const std::filesystem::path& path, const std::string& reason);

  std::vector<LoadedPlugin> plugins_;
  std::vector<Refusal> refusals_;
  bool allow_insecure_ = false;
  std::vector<std::unique_ptr<Entry>> entries_;  // stable addresses for CatalogEntry pointers
  std::vector<std::string> seen_paths_;
};

}  // namespace optbench::core
