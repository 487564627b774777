#include "apps/warden/scan_command.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <spdlog/spdlog.h>
#include <streambuf>
#include <thread>

#include "actors/warden.hpp"
#include "apps/warden/exit_code.hpp"
#include "apps/warden/input_reader.hpp"
#include "apps/warden/plugin_discovery.hpp"
#include "apps/warden/process_stats.hpp"
#include "apps/warden/progress.hpp"
#include "apps/warden/run_stats.hpp"

namespace warden::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kVersion = WARDEN_VERSION;

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

}  // namespace

int run_scan(caf::actor_system& system, const ScanOptions& options) {
  const auto started = Clock::now();
  const std::vector<std::string> plugin_files = resolve_plugin_files(options.plugin_paths);
  if (plugin_files.empty()) {
    return exit_usage;
  }

  // The output is opened before any work, so a bad --output fails fast.
  std::ofstream file_output;
  const bool to_stdout = options.output.empty() || options.output == "-";
  if (!to_stdout) {
    file_output.open(options.output, std::ios::out | std::ios::trunc | std::ios::binary);
    if (!file_output) {
      spdlog::error("cannot open --output {}: {}", options.output, std::strerror(errno));
      return exit_usage;
    }
  }
  std::ostream& out = to_stdout ? std::cout : file_output;

  actors::WardenConfig config;
  for (const auto& file : plugin_files) {
    config.plugins.push_back(actors::PluginSpec{file, "{}"});
  }
  config.limits.scan_timeout = std::chrono::milliseconds(options.timeout_ms);
  config.limits.heap_limit_bytes = static_cast<std::size_t>(options.heap_mb) << 20;
  config.workers_per_plugin = options.workers_per_plugin;
  config.recycle_after_scans = options.recycle_after;
  config.warm_spare = options.warm_spare;
  config.console = log_console;

  auto started_warden = actors::Warden::start(system, std::move(config));
  if (!started_warden.ok()) {
    spdlog::error("no valid plugin: {}", started_warden.error().describe());
    return exit_usage;
  }
  std::unique_ptr<actors::Warden> warden = std::move(started_warden).value();

  const auto& plugins = warden->plugins();
  std::map<std::string, std::size_t> load_order;
  for (std::size_t i = 0; i < plugins.size(); ++i) {
    load_order.emplace(plugins[i].id, i);
  }
  auto order_of = [&](const std::string& plugin_id) {
    auto it = load_order.find(plugin_id);
    return it == load_order.end() ? plugins.size() : it->second;
  };

  const bool colour = to_stdout && is_terminal(1) && std::getenv("NO_COLOR") == nullptr;
  auto report = make_report(options.format, out,
                            ReportOptions{colour, options.verbosity == Verbosity::verbose});
  report->begin(RunInfo{kVersion, plugins, options.inputs});

  RunSummary summary;
  std::map<std::string, uint64_t> errors_by_kind;
  for (const auto& error : warden->load_errors()) {
    // The facade logs it too; at debug here so it is not said twice.
    spdlog::debug("plugin not loaded: {}", error.describe());
    report->plugin_load_error(error);
    ++summary.plugin_load_errors;
    ++errors_by_kind[std::string(to_string(error.code))];
  }
  spdlog::debug("loaded {} plugin(s); scanning {} file(s)", plugins.size(), options.inputs.size());

  Progress progress(options.verbosity != Verbosity::quiet && is_terminal(2),
                    total_input_bytes(options.inputs));
  InputReader reader(options.inputs, std::max<std::size_t>(options.max_in_flight, 16));
  reader.start();

  // scan_stream answers in input order; `in_flight` holds what was handed out
  // and not yet answered (at most max_in_flight), to name file/entry/URL.
  std::mutex in_flight_mutex;
  std::deque<TransactionRef> in_flight;
  auto next = [&]() -> std::optional<TransactionPtr> {
    auto item = reader.next();
    if (!item) {
      return std::nullopt;
    }
    std::lock_guard lock(in_flight_mutex);
    in_flight.push_back(std::move(item->ref));
    return std::move(item->transaction);
  };
  auto flush_input_errors = [&](std::vector<Error> errors) {
    for (const auto& error : errors) {
      progress.clear();
      spdlog::error("{}", describe(error));
      report->input_error(error);
    }
  };
  auto on_report = [&](actors::ScanReport&& scan) {
    TransactionRef ref;
    {
      std::lock_guard lock(in_flight_mutex);
      if (!in_flight.empty()) {
        ref = std::move(in_flight.front());
        in_flight.pop_front();
      }
    }
    if (ref.id != scan.transaction_id) {
      spdlog::warn("report for {} arrived where {} was expected", scan.transaction_id, ref.id);
      ref.id = scan.transaction_id;
    }
    flush_input_errors(reader.take_errors_until(summary.transactions));
    ++summary.transactions;
    // Plugin load order, then the plugin's own order (stable).
    std::stable_sort(scan.findings.begin(), scan.findings.end(),
                     [&](const Finding& a, const Finding& b) {
                       return order_of(a.plugin_id) < order_of(b.plugin_id);
                     });
    std::stable_sort(scan.failures.begin(), scan.failures.end(),
                     [&](const actors::PluginFailure& a, const actors::PluginFailure& b) {
                       return order_of(a.plugin_id) < order_of(b.plugin_id);
                     });
    for (const auto& finding : scan.findings) {
      ++summary.findings;
      ++summary.findings_by_severity[static_cast<std::size_t>(finding.severity)];
      report->finding(finding, ref);
    }
    for (auto& failure : scan.failures) {
      ++summary.scan_errors;
      ++errors_by_kind[std::string(to_string(failure.error.code))];
      spdlog::debug("{} failed on {}: {}", failure.plugin_id, ref.id, failure.error.describe());
      report->scan_error(ScanFailure{failure.plugin_id, ref, std::move(failure.error)});
    }
    progress.update(reader.bytes_read(), summary.transactions, summary.findings,
                    summary.scan_errors);
  };

  try {
    warden->scan_stream(next, on_report, std::max<std::size_t>(options.max_in_flight, 1));
  } catch (const std::exception& e) {
    reader.stop();
    progress.clear();
    spdlog::error("scan aborted: {}", e.what());
    return exit_usage;
  }
  reader.stop();
  flush_input_errors(reader.take_all_errors());
  progress.clear();
  summary.input_errors = reader.input_errors();

  std::vector<actors::PluginStats> plugin_stats = warden->stats();
  warden->shutdown();

  summary.elapsed_seconds = std::chrono::duration<double>(Clock::now() - started).count();

  bool failed_on = false;
  if (options.fail_on) {
    for (int s = static_cast<int>(*options.fail_on); s <= static_cast<int>(Severity::critical);
         ++s) {
      failed_on = failed_on || summary.findings_by_severity[static_cast<std::size_t>(s)] > 0;
    }
  }
  const uint64_t plugin_failures = summary.scan_errors + summary.plugin_load_errors;
  if (summary.input_errors > 0) {
    summary.exit_code = exit_usage;
  } else if (options.strict && plugin_failures > 0) {
    summary.exit_code = exit_plugin_failure;
  } else if (failed_on) {
    summary.exit_code = exit_findings;
  } else {
    summary.exit_code = exit_ok;
  }
  report->end(summary);
  out.flush();
  if (!out) {
    spdlog::error("writing the report failed");
    summary.exit_code = exit_usage;
  }

  if (options.stats) {
    std::cerr << run_stats_json(summary, errors_by_kind, options.inputs.size(), plugins.size(),
                                plugin_stats)
              << std::endl;
  }
  return summary.exit_code;
}

}  // namespace warden::cli
