// `warden scan` as a sequence of named steps (scan_command.hpp): resolve the
// plugins, open the output, start Warden (or connect to the nodes), stream the
// inputs through it into the report, choose the exit code.
#include "apps/warden/scan_command.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <spdlog/spdlog.h>

#include "apps/warden/exit_code.hpp"
#include "apps/warden/input_reader.hpp"
#include "apps/warden/interrupt.hpp"
#include "apps/warden/output_file.hpp"
#include "apps/warden/plugin_discovery.hpp"
#include "apps/warden/plugin_options.hpp"
#include "apps/warden/progress.hpp"
#include "apps/warden/run_stats.hpp"
#include "apps/warden/scan_recorder.hpp"
#include "warden/warden.hpp"

namespace warden::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kVersion = WARDEN_VERSION;

// What the scan runs on: a Warden in this process, or remote nodes.
struct Scanner {
  std::unique_ptr<actors::Warden> local;
  std::unique_ptr<actors::RemoteWarden> remote;
  std::vector<runtime::PluginInfo> plugins;  // in load order
  std::vector<Error> load_errors;
};

// Null (logged) when no plugin loaded, or a node could not be reached or
// serves other plugins than the first one.
std::unique_ptr<Scanner> start_scanner(caf::actor_system& system, const ScanOptions& options,
                                       const std::vector<std::string>& plugin_files) {
  auto scanner = std::make_unique<Scanner>();
  if (options.remote.empty()) {
    scanner->local = start_warden(system, options.plugins, plugin_files);
    if (!scanner->local) {
      return nullptr;
    }
    scanner->plugins = scanner->local->plugins();
    scanner->load_errors = scanner->local->load_errors();
    return scanner;
  }
  actors::RemoteOptions remote;
  remote.nodes = options.remote;
  remote.answer_timeout = options.remote_timeout;
  remote.window_per_node = options.remote_window;
  auto connected = actors::RemoteWarden::connect(system, std::move(remote));
  if (!connected.ok()) {
    spdlog::error("{}", connected.error().message);
    return nullptr;
  }
  scanner->remote = std::move(connected).value();
  const actors::NodeInfo& info = scanner->remote->node_info();
  scanner->plugins = info.plugins;
  scanner->load_errors = info.load_errors;
  std::string nodes;
  for (const auto& node : options.remote) {
    nodes += (nodes.empty() ? "" : ", ") + actors::to_string(node);
  }
  spdlog::debug("connected to {}", nodes);
  return scanner;
}

// Input errors first (the report is incomplete), then plugin failures under
// --strict, then findings at or above --fail-on.
ExitCode scan_exit_code(const RunSummary& summary, const ScanOptions& options) {
  bool failed_on = false;
  if (options.fail_on) {
    for (int s = static_cast<int>(*options.fail_on); s <= static_cast<int>(Severity::critical);
         ++s) {
      failed_on = failed_on || summary.findings_by_severity[static_cast<std::size_t>(s)] > 0;
    }
  }
  const uint64_t plugin_failures = summary.scan_errors + summary.plugin_load_errors;
  if (summary.input_errors > 0) {
    return exit_usage;
  }
  if (options.strict && plugin_failures > 0) {
    return exit_plugin_failure;
  }
  return failed_on ? exit_findings : exit_ok;
}

}  // namespace

int run_scan(caf::actor_system& system, const ScanOptions& options, Interrupt& interrupt) {
  const auto started = Clock::now();
  std::vector<std::string> plugin_files;
  if (options.remote.empty()) {
    plugin_files = resolve_plugin_files(options.plugins.plugin_paths);
    if (plugin_files.empty()) {
      return exit_usage;
    }
  }
  OutputFile output;
  if (!output.open(options.output)) {
    return exit_usage;
  }
  interrupt.set_file_to_remove(output.temporary_path());
  const std::unique_ptr<Scanner> scanner = start_scanner(system, options, plugin_files);
  if (!scanner) {
    return exit_usage;
  }
  actors::Warden* warden = scanner->local.get();
  const auto& plugins = scanner->plugins;
  auto report =
      make_report(options.format, output.stream(),
                  ReportOptions{output.colour(), options.verbosity == Verbosity::verbose});
  report->begin(RunInfo{kVersion, plugins, options.inputs});

  Progress progress(options.verbosity != Verbosity::quiet && is_terminal(2),
                    total_input_bytes(options.inputs));
  InputReader reader(options.inputs, std::max<std::size_t>(options.max_in_flight, 16), interrupt);
  ScanRecorder recorder(*report, reader, progress, plugins);
  recorder.record_load_errors(scanner->load_errors);
  spdlog::debug("loaded {} plugin(s); scanning {} file(s)", plugins.size(), options.inputs.size());

  reader.start();
  std::optional<Error> lost;  // every remote node was gone
  try {
    auto next = [&recorder] { return recorder.next(); };
    auto on_report = [&recorder](actors::ScanReport&& scan) { recorder.record(std::move(scan)); };
    if (scanner->remote) {
      lost = scanner->remote->scan_stream(next, on_report);
    } else {
      warden->scan_stream(next, on_report, std::max<std::size_t>(options.max_in_flight, 1));
    }
  } catch (const std::exception& e) {
    reader.stop();
    progress.clear();
    spdlog::error("scan aborted: {}", e.what());
    return exit_usage;
  }
  reader.stop();
  recorder.finish();

  std::vector<actors::PluginStats> plugin_stats;
  actors::BudgetStats budget;
  std::vector<actors::RemoteNodeStats> node_stats;
  if (warden) {
    plugin_stats = warden->stats();
    budget = warden->budget();
    warden->shutdown();
  } else {
    node_stats = scanner->remote->node_stats();
  }

  RunSummary& summary = recorder.summary();
  summary.elapsed_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  summary.exit_code = scan_exit_code(summary, options);
  if (lost) {
    // The report holds every answer in input order up to the first
    // transaction no node answered.
    summary.exit_code = exit_usage;
    spdlog::error("{}; the report covers the {} transaction(s) answered", lost->message,
                  summary.transactions);
  }
  if (const int signal = interrupt.signal(); signal != 0) {
    // The report covers exactly the transactions scanned before the signal.
    summary.interrupted_by_signal = signal;
    summary.exit_code = Interrupt::exit_code(signal);
    spdlog::warn("interrupted by {}: the report covers the {} transaction(s) scanned",
                 signal_name(signal), summary.transactions);
  }
  report->end(summary);
  const bool committed = output.commit();
  interrupt.set_file_to_remove("");
  if (!committed) {
    summary.exit_code = exit_usage;
  }
  if (options.stats) {
    std::cerr << run_stats_json(summary, recorder.errors_by_kind(), options.inputs.size(),
                                plugins.size(), plugin_stats,
                                warden ? RunIsolation{warden->isolation(), warden->confinement()}
                                       : RunIsolation{},
                                budget, node_stats)
              << std::endl;
  }
  if (warden && warden->abandoned_threads() > 0) {
    // A worker abandoned past its batch deadline is stuck in a V8 built-in
    // that ignores the time limit and may never return; ~actor_system joins
    // every detached actor, so returning would hang here. Everything is
    // written and flushed: leave without running destructors.
    spdlog::warn("{} abandoned plugin thread(s) still running; exiting without waiting for them",
                 warden->abandoned_threads());
    std::cerr.flush();
    std::cout.flush();
    std::fflush(nullptr);
    spdlog::shutdown();
    std::_Exit(summary.exit_code);
  }
  return summary.exit_code;
}

}  // namespace warden::cli
