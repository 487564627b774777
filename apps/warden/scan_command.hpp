#pragma once
// `warden scan`: reads HAR files in order, streams their entries through the
// loaded plugins (bounded in flight, never the whole file in memory) and
// writes one report. Called by main() once the V8 platform and the actor
// system exist.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>

#include "apps/warden/report.hpp"
#include "warden/config.hpp"
#include "warden/engine.hpp"
#include "warden/finding.hpp"
#include "warden/warden.hpp"

namespace warden::cli {

enum class Verbosity : uint8_t { quiet, normal, verbose };

// The flags of `warden scan`. Limits, recycling and workers default to the
// library's own defaults (WardenConfig, EngineLimits), which --help shows.
struct ScanOptions {
  std::vector<std::string> inputs;        // HAR files, folders or "-", in this order
  std::vector<std::string> plugin_paths;  // files or directories; empty: bundled
  Format format = Format::text;
  std::string output;  // "" or "-": stdout
  std::optional<Severity> fail_on;
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
  std::size_t max_in_flight = actors::kDefaultMaxInFlight;  // transactions being scanned at once
  bool stats = false;
  bool strict = false;
  Verbosity verbosity = Verbosity::normal;
};

class Interrupt;

// Runs the scan and returns the process exit code. Never throws. After a
// SIGINT/SIGTERM (`interrupt`) it stops reading, lets the scans in flight
// answer, writes the complete report for what was scanned and returns 130/143.
int run_scan(caf::actor_system& system, const ScanOptions& options, Interrupt& interrupt);

}  // namespace warden::cli
