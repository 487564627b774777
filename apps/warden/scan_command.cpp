// `warden scan` as a sequence of named steps (scan_command.hpp): resolve the
// plugins, open the output, start Warden, stream the inputs through it into
// the report, choose the exit code.
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
  const std::vector<std::string> plugin_files = resolve_plugin_files(options.plugins.plugin_paths);
  if (plugin_files.empty()) {
    return exit_usage;
  }
  OutputFile output;
  if (!output.open(options.output)) {
    return exit_usage;
  }
  interrupt.set_file_to_remove(output.temporary_path());
  std::unique_ptr<actors::Warden> warden = start_warden(system, options.plugins, plugin_files);
  if (!warden) {
    return exit_usage;
  }
  const auto& plugins = warden->plugins();
  auto report =
      make_report(options.format, output.stream(),
                  ReportOptions{output.colour(), options.verbosity == Verbosity::verbose});
  report->begin(RunInfo{kVersion, plugins, options.inputs});

  Progress progress(options.verbosity != Verbosity::quiet && is_terminal(2),
                    total_input_bytes(options.inputs));
  InputReader reader(options.inputs, std::max<std::size_t>(options.max_in_flight, 16), interrupt);
  ScanRecorder recorder(*report, reader, progress, plugins);
  recorder.record_load_errors(warden->load_errors());
  spdlog::debug("loaded {} plugin(s); scanning {} file(s)", plugins.size(), options.inputs.size());

  reader.start();
  try {
    warden->scan_stream(
        [&recorder] { return recorder.next(); },
        [&recorder](actors::ScanReport&& scan) { recorder.record(std::move(scan)); },
        std::max<std::size_t>(options.max_in_flight, 1));
  } catch (const std::exception& e) {
    reader.stop();
    progress.clear();
    spdlog::error("scan aborted: {}", e.what());
    return exit_usage;
  }
  reader.stop();
  recorder.finish();

  const std::vector<actors::PluginStats> plugin_stats = warden->stats();
  const actors::BudgetStats budget = warden->budget();
  warden->shutdown();

  RunSummary& summary = recorder.summary();
  summary.elapsed_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  summary.exit_code = scan_exit_code(summary, options);
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
                                RunIsolation{warden->isolation(), warden->confinement()}, budget)
              << std::endl;
  }
  if (warden->abandoned_threads() > 0) {
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
