#include "plugins/plugin_registry.h"

#include "plugins/plugin_permissions.h"

#include <optbench/plugin_info.h>
#include <torch/version.h>

#include <algorithm>

#include <spdlog/spdlog.h>

#include "common/diagnostics.h"

namespace fs = std::filesystem;

namespace optbench::core {

namespace {

// Keeps every library loaded for the whole process, also past static destruction:
// objects, vtables and deleters from a plugin must never outlive their code (STYLE.md, pitfalls 1-2).
std::vector<std::shared_ptr<boost::dll::shared_library>>& keep_alive() {
  static auto* libraries = new std::vector<std::shared_ptr<boost::dll::shared_library>>();
  return *libraries;
}

// Products hold their library too, so that ownership states the rule explicitly.
template <class T>
std::shared_ptr<T> holding(std::shared_ptr<T> product, std::shared_ptr<boost::dll::shared_library> lib) {
  T* raw = product.get();
  return std::shared_ptr<T>(raw, [product = std::move(product), lib = std::move(lib)](T*) mutable {
    product.reset();  // destroy the product first, then release the library handle
    lib.reset();
  });
}

template <class F>
auto call_plugin(const CatalogEntry& info, const char* what, F&& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(kind_name(info.kind)) + " '" + info.name + "' (plugin " +
                             info.plugin + ", " + info.path + ") " + what + ": " + message_of(e));
  }
}

}  // namespace

void PluginRegistry::refuse(const fs::path& path, const std::string& reason) {
  refusals_.push_back({path.string(), reason});
}

void PluginRegistry::load_directory(const fs::path& dir, const std::vector<fs::path>& disabled) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    refuse(dir, "plugin directory does not exist");
    return;
  }
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".so") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const fs::path canonical = fs::weakly_canonical(file);
    const bool off = std::any_of(disabled.begin(), disabled.end(), [&](const fs::path& d) {
      auto rel = canonical.lexically_relative(d);
      return !rel.empty() && *rel.begin() != "..";
    });
    if (off) {
      refuse(canonical, "disabled by the host configuration");
      continue;
    }
    load_file(canonical);
  }
}

bool PluginRegistry::load_file(const fs::path& path_in) {
  const fs::path path = fs::weakly_canonical(path_in);
  if (std::find(seen_paths_.begin(), seen_paths_.end(), path.string()) != seen_paths_.end())
    return true;  // reached twice through the search path: one library
  seen_paths_.push_back(path.string());
  if (!allow_insecure_) {
    // Loading a library runs its code: one that another user could have replaced is refused.
    if (auto reason = insecure_plugin_reason(path)) {
      refuse(path, "not loaded: " + *reason + "; make it writable by its owner only (chmod go-w), or pass "
                   "--allow-insecure-plugins");
      return false;
    }
  }

  auto library = std::make_shared<boost::dll::shared_library>();
  try {
    // The throwing overload appends dlerror(), which names e.g. the undefined symbol.
    library->load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    refuse(path, std::string("cannot load library: ") + e.what());
    return false;
  }
  keep_alive().push_back(library);
  if (!library->has(OPTBENCH_ENTRY_SYMBOL)) {
    refuse(path, std::string("not an optbench plugin: missing entry symbol '") + OPTBENCH_ENTRY_SYMBOL +
                     "' (define it with OPTBENCH_PLUGIN)");
    return false;
  }
  const OptbenchPluginInfo* info = nullptr;
  try {
    info = library->get<const OptbenchPluginInfo*()>(OPTBENCH_ENTRY_SYMBOL)();
  } catch (const std::exception& e) {
    refuse(path, std::string("entry symbol failed: ") + e.what());
    return false;
  }
  if (!info || info->struct_size < sizeof(std::uint32_t) * 2) {
    refuse(path, "entry symbol returned no plugin info");
    return false;
  }
  if (info->sdk_abi_version != OPTBENCH_SDK_ABI_VERSION) {
    refuse(path, "wrong SDK ABI version: plugin has " + std::to_string(info->sdk_abi_version) +
                     ", host supports " + std::to_string(OPTBENCH_SDK_ABI_VERSION) +
                     " (rebuild the plugin against this SDK)");
    return false;
  }
  if (info->struct_size != sizeof(OptbenchPluginInfo)) {
    refuse(path, "plugin info struct has size " + std::to_string(info->struct_size) + ", expected " +
                     std::to_string(sizeof(OptbenchPluginInfo)));
    return false;
  }
  const std::string plugin_name = info->name ? info->name : "";
  if (std::string(info->torch_version ? info->torch_version : "") != TORCH_VERSION) {
    refuse(path, "plugin '" + plugin_name + "' was built with LibTorch " +
                     (info->torch_version ? info->torch_version : "?") + ", host uses LibTorch " +
                     TORCH_VERSION);
    return false;
  }
  if (info->cxx11_abi != _GLIBCXX_USE_CXX11_ABI) {
    refuse(path, "plugin '" + plugin_name + "' was built with _GLIBCXX_USE_CXX11_ABI=" +
                     std::to_string(info->cxx11_abi) + ", host uses " +
                     std::to_string(_GLIBCXX_USE_CXX11_ABI));
    return false;
  }
  if (!info->register_components) {
    refuse(path, "plugin '" + plugin_name + "' has no register function");
    return false;
  }

  // Register into a scratch registrar first: a plugin is accepted whole or not at all.
  Registrar registrar(*this);
  try {
    info->register_components(registrar);
  } catch (const std::exception& e) {
    refuse(path, "plugin '" + plugin_name + "' failed during registration: " + e.what());
    return false;
  }
  for (const auto& c : registrar.components()) {
    if (const CatalogEntry* other = find(c.kind, c.name)) {
      refuse(path, std::string("duplicate ") + kind_name(c.kind) + " '" + c.name + "': already registered by " +
                       other->path + " (plugin " + other->plugin + "); refusing " + path.string());
      return false;
    }
    const bool empty_factory = std::visit([](const auto& f) { return !f; }, c.factory);
    if (empty_factory) {
      refuse(path, std::string(kind_name(c.kind)) + " '" + c.name + "' has no factory");
      return false;
    }
  }
  for (std::size_t i = 0; i < registrar.components().size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (registrar.components()[i].name == registrar.components()[j].name &&
          registrar.components()[i].kind == registrar.components()[j].kind) {
        refuse(path, "plugin registers " + std::string(kind_name(registrar.components()[i].kind)) + " '" +
                         registrar.components()[i].name + "' twice");
        return false;
      }

  LoadedPlugin plugin{plugin_name, info->version ? info->version : "", path.string(), info->torch_version,
                      {}, library};
  for (auto& c : registrar.components()) {
    plugin.components.push_back(std::string(kind_name(c.kind)) + " " + c.name);
    auto e = std::make_unique<Entry>();
    e->component = std::move(c);
    e->info = {e->component.kind, e->component.name, e->component.description, &e->component.schema,
               plugin.name, plugin.version, plugin.path};
    e->library = library;
    entries_.push_back(std::move(e));
  }
  plugins_.push_back(std::move(plugin));
  return true;
}

const CatalogEntry* PluginRegistry::find(Kind kind, const std::string& name) const {
  for (const auto& e : entries_)
    if (e->info.kind == kind && e->info.name == name) return &e->info;
  return nullptr;
}

std::vector<std::string> PluginRegistry::names(Kind kind) const {
  std::vector<std::string> out;
  for (const auto& e : entries_)
    if (e->info.kind == kind) out.push_back(e->info.name);
  std::sort(out.begin(), out.end());
  return out;
}

const PluginRegistry::Entry& PluginRegistry::entry(Kind kind, const std::string& name) const {
  for (const auto& e : entries_)
    if (e->info.kind == kind && e->info.name == name) return *e;
  throw std::runtime_error("no " + std::string(kind_name(kind)) + " named '" + name + "'" +
                           did_you_mean(name, names(kind)) + " (available: " + join(names(kind)) + ")");
}

std::shared_ptr<Dataset> PluginRegistry::make_dataset(const std::string& name, const Params& p) const {
  const Entry& e = entry(Kind::kDataset, name);
  return call_plugin(e.info, "failed to load", [&] {
    return holding(std::get<DatasetFactory>(e.component.factory)(p), e.library);
  });
}

std::shared_ptr<Model> PluginRegistry::make_model(const std::string& name, const Params& p,
                                                  const DataSpec& spec) const {
  const Entry& e = entry(Kind::kModel, name);
  return call_plugin(e.info, "refused", [&] {
    return holding(std::get<ModelFactory>(e.component.factory)(p, spec), e.library);
  });
}

std::shared_ptr<Task> PluginRegistry::make_task(const std::string& name, const Params& p,
                                                const DataSpec& spec) const {
  const Entry& e = entry(Kind::kTask, name);
  return call_plugin(e.info, "refused", [&] {
    return holding(std::get<TaskFactory>(e.component.factory)(p, spec), e.library);
  });
}

std::shared_ptr<Optimizer> PluginRegistry::make_optimizer(const std::string& name,
                                                          std::vector<ParamGroup> groups,
                                                          const Params& p) const {
  const Entry& e = entry(Kind::kOptimizer, name);
  for (auto& g : groups) {
    if (p.has("lr")) g.lr = p.get<double>("lr");
    g.weight_decay = g.decay && p.has("weight_decay") ? p.get<double>("weight_decay") : 0.0;
  }
  return call_plugin(e.info, "refused", [&] {
    return holding(std::get<OptimizerFactory>(e.component.factory)(std::move(groups), p), e.library);
  });
}

const Capabilities& PluginRegistry::capabilities(const std::string& optimizer) const {
  return entry(Kind::kOptimizer, optimizer).component.capabilities;
}

std::shared_ptr<Optimizer> PluginRegistry::make_optimizer(const ComponentRef& ref,
                                                          std::vector<ParamGroup> groups) const {
  if (!ref.params) throw std::invalid_argument("optimizer reference '" + ref.name + "' has no parameters");
  return make_optimizer(ref.name, std::move(groups), *ref.params);
}

void PluginRegistry::log(LogLevel level, const std::string& message) const {
  switch (level) {
    case LogLevel::kDebug: spdlog::debug("{}", message); break;
    case LogLevel::kInfo: spdlog::info("{}", message); break;
    case LogLevel::kWarning: spdlog::warn("{}", message); break;
  }
}

}  // namespace optbench::core
