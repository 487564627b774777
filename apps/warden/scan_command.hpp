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
#include "runtime/finding.hpp"

namespace warden::cli {

enum class Verbosity : uint8_t { quiet, normal, verbose };

struct ScanOptions {
  std::vector<std::string> inputs;        // HAR files, scanned in this order
  std::vector<std::string> plugin_paths;  // files or directories; empty: bundled
  Format format = Format::text;
  std::string output;  // "" or "-": stdout
  std::optional<Severity> fail_on;
  std::size_t workers_per_plugin = 0;  // 0: the facade's default
  uint64_t recycle_after = 10'000;     // scans per isolate; 0: never
  bool warm_spare = false;             // WardenConfig::warm_spare
  uint64_t timeout_ms = 1000;          // per scan
  uint64_t heap_mb = 128;              // per isolate
  std::size_t max_in_flight = 64;      // transactions being scanned at once
  bool stats = false;
  bool strict = false;
  Verbosity verbosity = Verbosity::normal;
};

// Runs the scan and returns the process exit code. Never throws.
int run_scan(caf::actor_system& system, const ScanOptions& options);

}  // namespace warden::cli
