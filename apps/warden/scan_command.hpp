#pragma once
// `warden scan`: reads HAR files in order, streams their entries through the
// loaded plugins, or through remote nodes' (--remote), bounded in flight and
// never the whole file in memory, and writes one report. Called by main() once the V8 platform and
// the actor system exist.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>

#include "apps/warden/plugin_options.hpp"
#include "apps/warden/report.hpp"
#include "warden/config.hpp"
#include "warden/engine.hpp"
#include "warden/finding.hpp"
#include "warden/network.hpp"
#include "warden/remote_warden.hpp"
#include "warden/warden.hpp"

namespace warden::cli {

enum class Verbosity : uint8_t { quiet, normal, verbose };

// The flags of `warden scan`.
struct ScanOptions {
  std::vector<std::string> inputs;  // HAR files, folders or "-", in this order
  PluginOptions plugins;            // a local scan's plugins and limits
  Format format = Format::text;
  std::string output;  // "" or "-": stdout
  std::optional<Severity> fail_on;
  std::size_t max_in_flight = actors::kDefaultMaxInFlight;  // transactions being scanned at once
  // --remote: scan on these nodes (their plugins) instead of in this process.
  std::vector<actors::NodeAddress> remote;
  actors::TlsFiles tls;
  std::chrono::milliseconds remote_timeout = actors::RemoteOptions{}.answer_timeout;
  std::size_t remote_window = actors::RemoteOptions{}.window_per_node;
  bool stats = false;
  bool strict = false;
  Verbosity verbosity = Verbosity::normal;
};

class Interrupt;

// Runs the scan and returns the process exit code. Never throws. With
// options.remote the system must have been configured for the network
// (configure_network). After a
// SIGINT/SIGTERM (`interrupt`) it stops reading, lets the scans in flight
// answer, writes the complete report for what was scanned and returns 130/143.
int run_scan(caf::actor_system& system, const ScanOptions& options, Interrupt& interrupt);

}  // namespace warden::cli
