// The flags `warden scan` and `warden serve` share, and Warden's start from
// them (plugin_options.hpp).
#include "apps/warden/plugin_options.hpp"

#include <chrono>
#include <spdlog/spdlog.h>
#include <string_view>

#include "apps/warden/plugin_discovery.hpp"

namespace warden::cli {
namespace {

// --isolation: where each plugin isolate runs, what that protects and costs.
const char* kIsolationHelp =
    "where each plugin isolate runs: thread (in this process; cheapest, but a V8 fatal error "
    "ends the run and a stuck worker can only be abandoned) or process (a confined child "
    "process per worker; survives crashes and kills stuck workers, costs a process per worker "
    "and a socket round trip per batch)";

std::string bundled_plugins_text() {
  const std::string dir = bundled_plugins_dir();
  return dir.empty() ? "none found next to the executable" : dir;
}

void log_console(runtime::LogLevel level, std::string_view plugin_id, std::string_view text) {
  // Plugin chatter is for plugin authors: visible with --verbose only, so a
  // plugin that logs per transaction cannot flood a normal run.
  switch (level) {
    case runtime::LogLevel::debug:
    case runtime::LogLevel::info:
      spdlog::debug("[{}] {}", plugin_id, text);
      break;
    case runtime::LogLevel::warn:
    case runtime::LogLevel::error:
      spdlog::info("[{}] {}", plugin_id, text);
      break;
  }
}

actors::WardenConfig warden_config(const PluginOptions& options,
                                   const std::vector<std::string>& plugin_files) {
  actors::WardenConfig config;
  for (const auto& file : plugin_files) {
    config.plugins.push_back(actors::PluginSpec{file});
  }
  config.isolation = options.isolation;
  config.limits.scan_timeout = std::chrono::milliseconds(options.timeout_ms);
  config.limits.heap_limit_bytes = static_cast<std::size_t>(options.heap_mb) << 20;
  config.workers_per_plugin = options.workers_per_plugin;
  config.recycle_after_scans = options.recycle_after;
  config.max_failure_share = options.max_failure_percent / 100.0;
  config.warm_spare = options.warm_spare;
  config.max_workers = options.max_workers;
  config.max_heap_total_bytes = options.max_heap_total_mb << 20;
  config.console = log_console;
  return config;
}

}  // namespace

const CLI::Option* PluginFlags::first_given() const {
  for (const auto* option : options) {
    if (option->count() > 0) {
      return option;
    }
  }
  return nullptr;
}

void add_plugin_paths_option(CLI::App& command, PluginOptions& options, PluginFlags& flags) {
  flags.options.push_back(
      command
          .add_option("-p,--plugins", options.plugin_paths,
                      "a plugin .js file or a directory of them; repeatable "
                      "[default: the bundled plugins, " +
                          bundled_plugins_text() + "]")
          ->type_name("PATH")
          ->allow_extra_args(false)  // one PATH per --plugins: the HAR files follow it
          ->check(CLI::ExistingPath));
}

void add_plugin_limit_options(CLI::App& command, PluginOptions& options, PluginFlags& flags) {
  auto& all = flags.options;
  all.push_back(
      command
          .add_option("--workers-per-plugin", options.workers_per_plugin,
                      "isolates (threads) each plugin starts with and keeps; a busy plugin gets "
                      "more within --max-workers [default: chosen from the core count]")
          ->check(CLI::Range(1, 256))
          ->type_name("N"));
  all.push_back(
      command
          .add_option("--max-workers", options.max_workers,
                      "workers (isolates, threads) of all plugins together; each plugin's "
                      "--workers-per-plugin are granted beyond it [default: plugins + cores - 1]")
          ->check(CLI::Range(1, 4096))
          ->type_name("N"));
  all.push_back(
      command
          .add_option("--max-heap-total-mb", options.max_heap_total_mb,
                      "heap limits of all live isolates together, in MiB; a busy plugin gets "
                      "another worker only while one more --heap-mb fits [default: half the RAM]")
          ->check(CLI::Range(16, 1 << 24))
          ->type_name("N"));
  all.push_back(command
                    .add_option("--recycle-after", options.recycle_after,
                                "replace an isolate after N scans (0: never)")
                    ->capture_default_str()
                    ->type_name("N"));
  all.push_back(command.add_flag("--warm-spare", options.warm_spare,
                                 "keep one loaded spare isolate per plugin, so a recycle has no "
                                 "load gap [default: on]"));
  all.push_back(command.add_flag_callback(
      "--no-warm-spare", [&options] { options.warm_spare = false; },
      "no spare: a recycled isolate's replacement loads after it went down"));
  flags.isolation = std::string{actors::to_string(options.isolation)};
  all.push_back(command.add_option("--isolation", flags.isolation, kIsolationHelp)
                    ->check(CLI::IsMember({"thread", "process"}))
                    ->capture_default_str()
                    ->type_name("MODE"));
  all.push_back(
      command.add_option("--timeout-ms", options.timeout_ms, "time limit of one scan, in ms")
          ->check(CLI::Range(1, 3'600'000))
          ->capture_default_str()
          ->type_name("N"));
  all.push_back(
      command.add_option("--heap-mb", options.heap_mb, "heap limit of one isolate, in MiB")
          ->check(CLI::Range(16, 65'536))
          ->capture_default_str()
          ->type_name("N"));
  all.push_back(
      command
          .add_option("--max-failure-share", options.max_failure_percent,
                      "quarantine a plugin whose failures (timeouts, out of memory, failed and "
                      "failure-restart loads) cost more than this % of the run's time, once past "
                      "10 s (0: never)")
          ->check(CLI::Range(0, 100))
          ->capture_default_str()
          ->type_name("PERCENT"));
}

void apply_isolation(const PluginFlags& flags, PluginOptions& options) {
  options.isolation =
      flags.isolation == "process" ? actors::Isolation::process : actors::Isolation::thread;
}

std::vector<CLI::Option*> add_tls_options(CLI::App& command, actors::TlsFiles& tls,
                                          const std::string& role) {
  std::vector<CLI::Option*> options;
  options.push_back(command
                        .add_option("--tls-cert", tls.certificate,
                                    role + " certificate (PEM, may hold its chain); with "
                                           "--tls-key and --tls-ca: mutual TLS")
                        ->check(CLI::ExistingFile)
                        ->type_name("FILE"));
  options.push_back(command.add_option("--tls-key", tls.key, role + " private key (PEM)")
                        ->check(CLI::ExistingFile)
                        ->type_name("FILE"));
  options.push_back(command
                        .add_option("--tls-ca", tls.ca,
                                    "the CA certificate (PEM) that must have signed the peer's "
                                    "certificate; peers without one signed by it are refused")
                        ->check(CLI::ExistingFile)
                        ->type_name("FILE"));
  return options;
}

std::unique_ptr<actors::Warden> start_warden(caf::actor_system& system,
                                             const PluginOptions& options,
                                             const std::vector<std::string>& plugin_files) {
  auto started = actors::Warden::start(system, warden_config(options, plugin_files));
  if (!started.ok()) {
    const auto& message = started.error().message;
    if (message.compare(0, actors::kNoProcessIsolation.size(), actors::kNoProcessIsolation) == 0) {
      spdlog::error("{}", message);  // the fork server, not a plugin
    } else {
      spdlog::error("no valid plugin: {}", started.error().describe());
    }
    return nullptr;
  }
  return std::move(started).value();
}

}  // namespace warden::cli
