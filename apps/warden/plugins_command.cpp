// `warden plugins list` and `warden plugins check` (plugins_command.hpp).
#include "apps/warden/plugins_command.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <spdlog/spdlog.h>

#include "actors/plugin_validator.hpp"
#include "apps/warden/exit_code.hpp"
#include "apps/warden/plugin_discovery.hpp"
#include "apps/warden/source_excerpt.hpp"
#include "runtime/inert_text.hpp"
#include "warden/engine.hpp"
#include "warden/worker_process.hpp"

namespace warden::cli {
namespace {

struct Loaded {
  std::string path;
  std::optional<runtime::PluginInfo> info;  // set when the plugin loaded
  Error error;                              // set when it did not
};

// Loads every plugin once on this thread and judges it as Warden::start
// does (the same PluginValidator, so the same verdict on duplicate ids).
std::vector<Loaded> load_all(const std::vector<std::string>& files,
                             std::shared_ptr<runtime::ProcessLauncher> launcher = nullptr) {
  runtime::EngineOptions options;
  options.console = [](runtime::LogLevel, std::string_view plugin, std::string_view text) {
    spdlog::debug("[{}] {}", plugin, text);
  };
  actors::PluginValidator validator(std::move(options), std::move(launcher));
  std::vector<Loaded> loaded;
  for (const auto& file : files) {
    Loaded entry{file, std::nullopt, {}};
    auto plugin = validator.validate(file);
    if (plugin.ok()) {
      entry.info = plugin->info;
    } else {
      entry.error = std::move(plugin).error();
    }
    loaded.push_back(std::move(entry));
  }
  return loaded;
}

// Plugin-controlled text (name, version, error messages) with its control
// characters escaped, "-" when empty.
std::string or_dash(const std::string& text) {
  return text.empty() ? "-" : printable(text);
}

}  // namespace

int run_plugins_list(const std::vector<std::string>& plugin_paths, std::ostream& out) {
  const auto files = resolve_plugin_files(plugin_paths);
  if (files.empty()) {
    return exit_usage;
  }
  const auto loaded = load_all(files);
  std::size_t w_id = 2, w_kind = 4, w_name = 4, w_version = 7;
  for (const auto& entry : loaded) {
    if (entry.info) {
      w_id = std::max(w_id, printable(entry.info->id).size());
      w_kind = std::max(w_kind, runtime::to_string(entry.info->kind).size());
      w_name = std::max(w_name, or_dash(entry.info->name).size());
      w_version = std::max(w_version, or_dash(entry.info->version).size());
    }
  }
  auto pad = [](const std::string& text, std::size_t width) {
    return text + std::string(width > text.size() ? width - text.size() : 0, ' ');
  };
  out << pad("ID", w_id) << "  " << pad("KIND", w_kind) << "  " << pad("NAME", w_name) << "  "
      << pad("VERSION", w_version) << "  FILE\n";
  int status = exit_ok;
  for (const auto& entry : loaded) {
    if (entry.info) {
      out << pad(printable(entry.info->id), w_id) << "  "
          << pad(std::string(runtime::to_string(entry.info->kind)), w_kind) << "  "
          << pad(or_dash(entry.info->name), w_name) << "  "
          << pad(or_dash(entry.info->version), w_version) << "  " << printable(entry.path) << '\n';
    } else {
      spdlog::error("{}\n{}", entry.error.describe(), source_excerpt(entry.error, "  "));
      status = exit_usage;
    }
  }
  return status;
}

int run_plugins_check(const std::vector<std::string>& paths, actors::Isolation isolation,
                      std::ostream& out) {
  const auto files = resolve_plugin_files(paths);
  if (files.empty()) {
    return exit_usage;
  }
  std::shared_ptr<runtime::ProcessLauncher> launcher;
  if (isolation == actors::Isolation::process) {
    auto started = runtime::ProcessLauncher::start(runtime::ProcessOptions{});
    if (!started.ok()) {
      spdlog::error("process isolation unavailable: {}", started.error().describe());
      return exit_usage;
    }
    launcher = std::move(started).value();
  }
  int status = exit_ok;
  std::size_t failed = 0;
  const auto loaded = load_all(files, std::move(launcher));
  for (const auto& entry : loaded) {
    if (entry.info) {
      out << "OK    " << printable(entry.info->id) << "  " << or_dash(entry.info->name) << "  "
          << or_dash(entry.info->version) << "  (" << printable(entry.path) << ")\n";
    } else {
      out << "FAIL  " << printable(entry.error.describe()) << '\n'
          << source_excerpt(entry.error, "      ");
      status = exit_usage;
      ++failed;
    }
  }
  out << loaded.size() - failed << " of " << loaded.size() << " plugin(s) loaded\n";
  return status;
}

}  // namespace warden::cli
