#pragma once
// The plugin, limit and recycling flags that `warden scan` and `warden serve`
// share (defined once here for both commands), and how they become a running
// Warden. Used by main() and the scan and serve commands.

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>

#include "warden/config.hpp"
#include "warden/engine.hpp"
#include "warden/network.hpp"
#include "warden/warden.hpp"

namespace warden::cli {

// Limits, recycling and workers default to the library's own defaults
// (WardenConfig, EngineLimits), which --help shows.
struct PluginOptions {
  std::vector<std::string> plugin_paths;  // files or directories; empty: bundled
  actors::Isolation isolation = actors::WardenConfig{}.isolation;
  // 0: chosen by Warden::start from the hardware threads
  std::size_t workers_per_plugin = actors::WardenConfig{}.workers_per_plugin;
  uint64_t recycle_after = actors::WardenConfig{}.recycle_after_scans;  // per isolate; 0: never
  bool warm_spare = actors::WardenConfig{}.warm_spare;
  std::size_t max_workers = 0;        // all plugins; 0: Warden's default from the machine
  std::size_t max_heap_total_mb = 0;  // all live isolates' heap limits; 0: half the RAM
  uint64_t timeout_ms = runtime::EngineLimits{}.scan_timeout.count();  // per scan
  uint64_t heap_mb = runtime::EngineLimits{}.heap_limit_bytes >> 20;   // per isolate
  // A plugin whose failures cost more than this percentage of the run's wall
  // time is quarantined (WardenConfig::max_failure_share); 0: never.
  unsigned max_failure_percent =
      static_cast<unsigned>(actors::WardenConfig{}.max_failure_share * 100 + 0.5);
};

// The flags a command registered, so a caller can tell whether any was given
// (`warden scan --remote` refuses them: the nodes' own settings apply).
struct PluginFlags {
  std::vector<CLI::Option*> options;
  std::string isolation = std::string{actors::to_string(actors::WardenConfig{}.isolation)};

  // The first of them given on the command line, nullptr when none was.
  const CLI::Option* first_given() const;
};

// -p/--plugins PATH (repeatable).
void add_plugin_paths_option(CLI::App& command, PluginOptions& options, PluginFlags& flags);

// --workers-per-plugin, --max-workers, --max-heap-total-mb, --recycle-after,
// --warm-spare/--no-warm-spare, --isolation, --timeout-ms, --heap-mb,
// --max-failure-share. Call apply_isolation after parsing.
void add_plugin_limit_options(CLI::App& command, PluginOptions& options, PluginFlags& flags);

// Copies the parsed --isolation text into `options`.
void apply_isolation(const PluginFlags& flags, PluginOptions& options);

// --tls-cert FILE --tls-key FILE --tls-ca FILE; `role` says in the help
// text whose certificate it is ("this node's", "this client's").
std::vector<CLI::Option*> add_tls_options(CLI::App& command, actors::TlsFiles& tls,
                                          const std::string& role);

// Starts Warden with `plugin_files` and these options; plugin console output
// goes to the log (debug/info, visible with --verbose). Null (logged) when no
// plugin loaded or process isolation could not start.
std::unique_ptr<actors::Warden> start_warden(caf::actor_system& system,
                                             const PluginOptions& options,
                                             const std::vector<std::string>& plugin_files);

}  // namespace warden::cli
