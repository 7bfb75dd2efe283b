#include "plugins/plugin_permissions.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

namespace fs = std::filesystem;

namespace optbench::core {

namespace {

std::string octal_mode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// A group of the owner alone (the user private groups of Debian and Ubuntu).
bool owners_own_group(const struct stat& st) {
  const passwd* user = getpwuid(st.st_uid);
  const group* g = getgrgid(st.st_gid);
  return user && g && user->pw_gid == st.st_gid && (!g->gr_mem || !g->gr_mem[0]);
}

std::optional<std::string> check(const fs::path& path, bool is_file) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return path.string() + " cannot be inspected";
  const std::string what = (is_file ? "the plugin file " : "its directory ") + path.string();
  if (st.st_uid != 0 && st.st_uid != geteuid())
    return what + " is owned by user " + std::to_string(st.st_uid) + ", neither root nor you";
  const bool sticky_directory = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX);
  if (sticky_directory) return std::nullopt;  // others cannot replace what is ours in it
  if (st.st_mode & S_IWOTH)
    return what + " is writable by every user (mode " + octal_mode(st.st_mode) + ")";
  if ((st.st_mode & S_IWGRP) && !owners_own_group(st))
    return what + " is writable by group " + std::to_string(st.st_gid) + " (mode " + octal_mode(st.st_mode) + ")";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> insecure_plugin_reason(const fs::path& file) {
  const fs::path canonical = fs::weakly_canonical(file);
  if (auto reason = check(canonical, true)) return reason;
  for (fs::path dir = canonical.parent_path();; dir = dir.parent_path()) {
    if (auto reason = check(dir, false)) return reason;
    if (dir == dir.root_path() || dir.empty()) break;
  }
  return std::nullopt;
}

}  // namespace optbench::core
