// Claim (issue #5): Warden through its public actor API (real plugin workers,
// real supervisor, recycling by the supervisor) scans every transaction of the
// workload with every plugin faster than the peers, and loses no request.
//
//   warden-bench-runner [--in-flight N] [--workers N] [--max-workers N]
//     [--warm-spare | --no-warm-spare] [--fixed-pool]
//     --plugins DIR --har FILE... --recycle-every N --repeat K
//
// Transactions are pipelined through Warden::scan_stream with a deep in-flight
// window (default 256). Latency is per transaction: from scan_stream taking it
// to its report (every plugin answered), queueing in the window included; the
// per-plugin figures of the supervisor (queued -> answered, per scan) come as
// plugin_scan_* fields. Recycle cost: old worker's down message to the
// replacement serving, from the worker events the supervisor reports.
// Prints one JSON line (bench/README.md, "Runner protocol").

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <string>
#include <utility>
#include <vector>

#include <caf/all.hpp>

#include "bench/runners/runner_common.hpp"
#include "warden/v8_platform.hpp"
#include "warden/warden.hpp"

namespace {

using namespace warden::bench;
using Clock = std::chrono::steady_clock;
using warden::actors::WorkerEvent;

// Watches the supervisor's worker events (from its thread and the workers'):
// counts workers serving, and times each planned recycle from the old
// worker's down message to the next worker of that plugin starting to serve.
// Per plugin, first down to first ready: the replacement may serve from
// another slot (a warm spare takes over in its own place), and with a pool the
// replacements come ready in the order their predecessors went down.
class WorkerWatch {
 public:
  void on_event(const WorkerEvent& event) {
    std::lock_guard<std::mutex> guard{mutex_};
    if (event.kind == WorkerEvent::Kind::ready) {
      ++ready_;
      if (auto it = retired_at_.find(event.plugin_id); it != retired_at_.end()) {
        recycle_ms_.push_back(
            std::chrono::duration<double, std::milli>(event.at - it->second.front()).count());
        it->second.pop_front();
        if (it->second.empty())
          retired_at_.erase(it);
      }
      changed_.notify_all();
    } else if (event.kind == WorkerEvent::Kind::down) {
      if (event.reason == "recycle_threshold" || event.reason == "heap_soft_limit") {
        ++recycles_;
        retired_at_[event.plugin_id].push_back(event.at);
      } else if (event.reason != "shutdown") {
        ++restarts_;
      }
    }
  }

  // True when `count` workers became ready within `limit`.
  bool wait_ready(uint64_t count, std::chrono::seconds limit) {
    std::unique_lock<std::mutex> lock{mutex_};
    return changed_.wait_for(lock, limit, [&] { return ready_ >= count; });
  }

  // True when every retired worker's replacement serves within `limit`.
  bool wait_replacements(std::chrono::seconds limit) {
    std::unique_lock<std::mutex> lock{mutex_};
    return changed_.wait_for(lock, limit, [&] { return retired_at_.empty(); });
  }

  // Forgets what happened so far (the start-up), keeping the ready count.
  void reset_run_figures() {
    std::lock_guard<std::mutex> guard{mutex_};
    recycle_ms_.clear();
    recycles_ = 0;
    restarts_ = 0;
    retired_at_.clear();
  }

  struct Figures {
    std::vector<double> recycle_ms;
    uint64_t recycles = 0;
    uint64_t restarts = 0;
  };
  Figures figures() {
    std::lock_guard<std::mutex> guard{mutex_};
    return {recycle_ms_, recycles_, restarts_};
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t ready_ = 0;
  uint64_t recycles_ = 0;
  uint64_t restarts_ = 0;
  std::vector<double> recycle_ms_;
  std::map<std::string, std::deque<Clock::time_point>> retired_at_;  // by plugin
};

uint64_t flag_or(const RunnerArgs& args, const std::string& flag, uint64_t fallback) {
  auto it = args.flags.find(flag);
  return it == args.flags.end() ? fallback : std::stoull(it->second);
}

// A report's findings and failures, per plugin, into the tally. A plugin that
// did not answer because Warden was stopping is not counted (it shows as lost).
void tally_report(const warden::actors::ScanReport& report,
                  const std::vector<std::string>& plugin_ids, FindingTally& tally) {
  std::set<std::string> failed;
  for (const auto& failure : report.failures) {
    failed.insert(failure.plugin_id);
    if (failure.error.code != warden::ErrorCode::shutting_down) {
      tally.fail(failure.plugin_id, report.transaction_id, failure.error.describe());
    }
  }
  for (const auto& finding : report.findings) {
    if (failed.count(finding.plugin_id) == 0) {
      tally.accept_line(finding.plugin_id, report.transaction_id, finding.title,
                        warden::to_string(finding.severity));
    }
  }
  for (const auto& id : plugin_ids) {
    if (failed.count(id) == 0) {
      tally.count_ok(id);
    }
  }
}

int run(int argc, char** argv) {
  const RunnerArgs args =
      parse_runner_args(argc, argv, {"--in-flight", "--workers", "--max-workers"},
                        {"--warm-spare", "--no-warm-spare", "--fixed-pool"});
  const std::size_t in_flight = flag_or(args, "--in-flight", 256);
  const std::size_t workers = flag_or(args, "--workers", 0);
  // spdlog's default logger writes to stdout, which carries our result line.
  spdlog::set_default_logger(spdlog::stderr_logger_mt("warden-bench-runner"));
  const auto transactions = read_transactions(args.har_files);

  const warden::runtime::V8Platform v8;  // first: outlives the actor system
  caf::actor_system_config caf_config;
  warden::actors::configure(caf_config);
  warden::actors::use_recommended_scheduler(caf_config);
  caf::actor_system system{caf_config};

  WorkerWatch watch;
  warden::actors::WardenConfig config;
  for (const auto& path : plugin_files(args.plugins_dir))
    config.plugins.push_back({path});
  config.limits = bench_engine_options().limits;
  config.console = bench_engine_options().console;
  config.recycle_after_scans = args.recycle_every;
  config.workers_per_plugin = workers;
  // The library's default (a warm spare), unless a flag says otherwise.
  config.warm_spare = args.flags.count("--no-warm-spare") == 0 &&
                      (config.warm_spare || args.flags.count("--warm-spare") > 0);
  config.max_workers = flag_or(args, "--max-workers", 0);
  if (args.flags.count("--fixed-pool") > 0) {
    config.max_workers_per_plugin = 1;  // no growth: the starting count is the pool
  }
  config.on_worker_event = [&watch](const WorkerEvent& event) { watch.on_event(event); };
  auto started = warden::actors::Warden::start(system, config);
  if (!started)
    throw std::runtime_error("Warden::start: " + started.error().describe());
  auto& warden = **started;
  for (const auto& error : warden.load_errors()) {
    std::cerr << "plugin not loaded: " << error.describe() << "\n";
  }
  std::vector<std::string> plugin_ids;
  for (const auto& info : warden.plugins())
    plugin_ids.push_back(info.id);

  // The clock starts when every worker serves.
  const uint64_t expected_workers = plugin_ids.size() * warden.workers_per_plugin();
  if (!watch.wait_ready(expected_workers, std::chrono::seconds{30})) {
    std::cerr << "warden-bench-runner: not every worker was ready after 30 s; starting anyway\n";
  }
  watch.reset_run_figures();

  FindingTally tally{plugin_ids};
  RunFigures figures;
  figures.runner = "warden";
  figures.expected = plugin_ids.size() * transactions.size() * args.repeat;
  figures.latency_ms.reserve(transactions.size() * args.repeat);
  std::deque<Clock::time_point> submitted;  // reports come back in input order
  uint64_t pass = 0;
  std::size_t index = 0;
  uint64_t reports = 0;
  const auto start = Clock::now();
  const double cpu_start = cpu_seconds_self();
  warden.scan_stream(
      [&]() -> std::optional<warden::TransactionPtr> {
        if (index == transactions.size()) {
          index = 0;
          ++pass;
        }
        if (pass == args.repeat)
          return std::nullopt;
        submitted.push_back(Clock::now());
        return transactions[index++];
      },
      [&](warden::actors::ScanReport&& report) {
        figures.latency_ms.push_back(milliseconds_since(submitted.front()));
        submitted.pop_front();
        ++reports;
        tally_report(report, plugin_ids, tally);
      },
      in_flight);
  figures.seconds = milliseconds_since(start) / 1000;
  figures.cpu_seconds = cpu_seconds_self() - cpu_start;
  figures.peak_rss_mb = peak_rss_mb_self();

  // Recycles due at the very end are timed too (outside the scanning phase).
  if (!watch.wait_replacements(std::chrono::seconds{10})) {
    std::cerr << "warden-bench-runner: a replacement worker was not ready after 10 s\n";
  }
  const auto watched = watch.figures();
  figures.recycle_ms = watched.recycle_ms;
  figures.recycles = watched.recycles;
  double worst_p50 = 0, worst_p99 = 0, worst_recycle_p50 = 0, worst_recycle_p99 = 0;
  uint64_t retries = 0;
  for (const auto& stats : warden.stats()) {
    worst_p50 = std::max(worst_p50, stats.latency_p50_ms);
    worst_p99 = std::max(worst_p99, stats.latency_p99_ms);
    worst_recycle_p50 = std::max(worst_recycle_p50, stats.recycle_latency_p50_ms);
    worst_recycle_p99 = std::max(worst_recycle_p99, stats.recycle_latency_p99_ms);
    retries += stats.retries;
  }
  const auto budget = warden.budget();
  warden.shutdown();

  auto& extra = figures.extra;
  extra["latency"] = "per transaction, all plugins: scan_stream takes it -> its report";
  extra["plugin_scan_p50_ms_worst"] = worst_p50;  // supervisor: queued -> answered, per scan
  extra["plugin_scan_p99_ms_worst"] = worst_p99;
  extra["recycle"] = "old worker's down message -> replacement serving (worker events)";
  extra["recycles_timed"] = watched.recycle_ms.size();
  extra["recycle_stats_p50_ms_worst"] = worst_recycle_p50;  // supervisor stats, worst plugin
  extra["recycle_stats_p99_ms_worst"] = worst_recycle_p99;
  extra["restarts"] = watched.restarts;
  extra["retries"] = retries;
  extra["reports"] = reports;
  extra["in_flight"] = in_flight;
  extra["workers_per_plugin"] =
      std::to_string(warden.workers_per_plugin()) + (workers == 0 ? " (default)" : "");
  extra["warm_spare"] = config.warm_spare ? "yes" : "no";
  extra["max_workers"] = budget.max_workers;
  extra["peak_workers"] = budget.peak_workers;
  extra["workers_grown"] = budget.grown;
  extra["transactions"] = transactions.size();
  extra["plugins"] = plugin_ids.size();
  print_result_line(std::move(figures), tally);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "warden-bench-runner: " << e.what() << "\n";
    return 1;
  }
}
