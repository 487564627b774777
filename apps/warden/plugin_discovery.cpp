// Plugin files for the CLI from --plugins arguments or the bundled directory
// (plugin_discovery.hpp).
#include "apps/warden/plugin_discovery.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <spdlog/spdlog.h>
#include <system_error>

namespace warden::cli {
namespace fs = std::filesystem;

std::string bundled_plugins_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) {
    return {};
  }
  const fs::path bin = exe.parent_path();
  // Installed layout first: from /usr/local/bin, "../../plugins" is /plugins.
  for (const fs::path& candidate :
       {bin / ".." / "share" / "warden" / "plugins", bin / ".." / ".." / "plugins"}) {
    if (fs::is_directory(candidate, ec)) {
      return fs::weakly_canonical(candidate, ec).string();
    }
  }
  return {};
}

Result<std::vector<std::string>> expand_plugin_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  std::set<std::string> seen;
  auto add = [&](const fs::path& file) {
    std::error_code ec;
    const std::string key = fs::weakly_canonical(file, ec).string();
    if (seen.insert(ec ? file.string() : key).second) {
      files.push_back(file.string());
    }
  };
  for (const auto& path : paths) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      return Error{ErrorCode::file_unreadable, "plugin path does not exist", path};
    }
    if (!fs::is_directory(status)) {
      add(path);
      continue;
    }
    std::vector<fs::path> found;
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      const auto& entry = *it;
      std::error_code entry_ec;
      if (entry.path().extension() == ".js" && entry.is_regular_file(entry_ec)) {
        found.push_back(entry.path());
      }
    }
    if (ec) {
      return Error{ErrorCode::file_unreadable, "cannot list plugin directory: " + ec.message(),
                   path};
    }
    std::sort(found.begin(), found.end());
    for (const auto& file : found) {
      add(file);
    }
  }
  return files;
}

std::vector<std::string> resolve_plugin_files(const std::vector<std::string>& plugin_paths) {
  std::vector<std::string> paths = plugin_paths;
  if (paths.empty()) {
    const std::string bundled = bundled_plugins_dir();
    if (bundled.empty()) {
      spdlog::error(
          "no --plugins given and no bundled plugins directory found next to the "
          "executable (../../plugins or ../share/warden/plugins)");
      return {};
    }
    paths.push_back(bundled);
  }
  auto files = expand_plugin_paths(paths);
  if (!files.ok()) {
    spdlog::error("{}", files.error().describe());
    return {};
  }
  if (files->empty()) {
    std::string where;
    for (const auto& path : paths) {
      where += (where.empty() ? "" : ", ") + path;
    }
    spdlog::error("no plugin (.js file) found in {}", where);
    return {};
  }
  return std::move(files).value();
}

}  // namespace warden::cli
