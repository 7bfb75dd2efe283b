#include "data/data_sources.h"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "common/diagnostics.h"
#include "common/host_paths.h"
#include "common/toml_params.h"

namespace optbench::core {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kDatasetKeys = {"root", "description", "manual", "files"};
const std::vector<std::string> kFileKeys = {"name", "urls", "bytes", "sha256", "md5", "extract", "into"};

void check_keys(const toml::table& table, const std::vector<std::string>& accepted, const std::string& where,
                const std::string& file) {
  for (const auto& [key, node] : table) {
    const std::string k(key.str());
    if (std::find(accepted.begin(), accepted.end(), k) == accepted.end())
      throw ConfigError(location_of(key, file), "unknown key '" + k + "' in " + where + did_you_mean(k, accepted) +
                                                    " (accepted: " + join(accepted) + ")");
  }
}

const toml::node* required(const toml::table& table, const std::string& key, const std::string& where,
                           const std::string& file) {
  const toml::node* node = table.get(key);
  if (!node) throw ConfigError(location_of(table, file), where + " has no '" + key + "'");
  return node;
}

std::string string_at(const toml::node& node, const std::string& what, const std::string& file) {
  const auto s = node.value<std::string>();
  if (!s || !node.is_string())
    throw ConfigError(location_of(node, file), what + ": expected a string, got " + toml_type_name(node));
  return *s;
}

bool is_hex(const std::string& s, std::size_t length) {
  return s.size() == length &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// A relative path that stays below the root: no absolute path, no "..", no empty parts.
bool stays_below(const std::string& path) {
  if (path.empty() || path.front() == '/' || path.find('\0') != std::string::npos) return false;
  for (const auto& part : fs::path(path))
    if (part == ".." || part == "." || part.empty()) return false;
  return true;
}

RemoteFile parse_file(const toml::table& t, const std::string& where, const std::string& file) {
  check_keys(t, kFileKeys, where, file);
  RemoteFile f;
  const toml::node* name = required(t, "name", where, file);
  f.name = string_at(*name, where + " name", file);
  if (!stays_below(f.name) || f.name.find('/') != std::string::npos)
    throw ConfigError(location_of(*name, file), where + " name: '" + f.name + "' is not a plain file name");
  const std::string here = where + " '" + f.name + "'";

  const toml::node* urls = required(t, "urls", here, file);
  const toml::array* list = urls->as_array();
  if (!list || list->empty())
    throw ConfigError(location_of(*urls, file), here + " urls: expected a non-empty array of http(s) URLs");
  for (const auto& u : *list) {
    const std::string url = string_at(u, here + " urls", file);
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
      throw ConfigError(location_of(u, file), here + " urls: '" + url + "' is not an http:// or https:// URL");
    f.urls.push_back(url);
  }
  if (const toml::node* bytes = t.get("bytes")) {
    // The type first: toml++ converts a float such as 9e38 to an integer with undefined behaviour
    // (found by tests/fuzz/data_sources_fuzzer).
    if (!bytes->is_integer() || *bytes->value<std::int64_t>() <= 0)
      throw ConfigError(location_of(*bytes, file), here + " bytes: expected a positive integer");
    f.bytes = static_cast<std::uint64_t>(*bytes->value<std::int64_t>());
  }
  if (const toml::node* sha = t.get("sha256")) {
    f.sha256 = string_at(*sha, here + " sha256", file);
    if (!is_hex(f.sha256, 64))
      throw ConfigError(location_of(*sha, file), here + " sha256: expected 64 lower-case hex digits");
  }
  if (const toml::node* md5 = t.get("md5")) {
    f.md5 = string_at(*md5, here + " md5", file);
    if (!is_hex(f.md5, 32))
      throw ConfigError(location_of(*md5, file), here + " md5: expected 32 lower-case hex digits");
  }
  if (f.sha256.empty() == f.md5.empty())
    throw ConfigError(location_of(t, file),
                      here + " needs one checksum, sha256 or md5 (files are never fetched unchecked)");
  if (const toml::node* extract = t.get("extract")) {
    if (!extract->is_boolean())
      throw ConfigError(location_of(*extract, file), here + " extract: expected true or false");
    f.extract = *extract->value<bool>();
  }
  if (const toml::node* into = t.get("into")) {
    f.into = string_at(*into, here + " into", file);
    if (!stays_below(f.into))
      throw ConfigError(location_of(*into, file),
                        here + " into: '" + f.into + "' must be a relative path below the root");
  }
  return f;
}

DataSource parse_source(const std::string& name, const toml::table& t, const std::string& file) {
  const std::string where = "[" + name + "]";
  check_keys(t, kDatasetKeys, where, file);
  DataSource s;
  s.name = name;
  s.root = string_at(*required(t, "root", where, file), where + " root", file);
  if (const toml::node* d = t.get("description")) s.description = string_at(*d, where + " description", file);
  if (const toml::node* m = t.get("manual")) s.manual = string_at(*m, where + " manual", file);
  if (const toml::node* files = t.get("files")) {
    const toml::array* list = files->as_array();
    if (!list || !list->is_array_of_tables())
      throw ConfigError(location_of(*files, file), where + " files: expected [[" + name + ".files]] tables");
    std::set<std::string> seen;
    for (const auto& f : *list) {
      RemoteFile remote = parse_file(*f.as_table(), "[[" + name + ".files]]", file);
      if (!seen.insert(remote.into + "/" + remote.name).second)
        throw ConfigError(location_of(f, file), where + " lists '" + remote.name + "' twice");
      s.files.push_back(std::move(remote));
    }
  }
  if (s.files.empty() == s.manual.empty())
    throw ConfigError(location_of(t, file), where + " needs either [[" + name + ".files]] or 'manual', not both");
  return s;
}

}  // namespace

std::vector<DataSource> load_data_sources(const std::string& path) {
  if (!fs::is_regular_file(path)) throw ConfigError({path}, "data sources file does not exist");
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw ConfigError({path, static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column)},
                      "invalid TOML: " + std::string(e.description()));
  }
  std::vector<DataSource> sources;
  for (const auto& [key, node] : root) {
    const toml::table* t = node.as_table();
    if (!t)
      throw ConfigError(location_of(key, path),
                        "'" + std::string(key.str()) + "' must be a [table] describing a dataset");
    sources.push_back(parse_source(std::string(key.str()), *t, path));
  }
  return sources;
}

std::string default_data_sources_path() {
  return (host_share_dir() / "data_sources.toml").string();
}

}  // namespace optbench::core
