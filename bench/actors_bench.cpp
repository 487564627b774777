// Claim: the actor layer (detached worker per isolate, batched and pipelined
// requests) scans the HAR corpus with every plugin at a throughput within a
// small factor of one Engine per plugin in a plain loop on one thread (the
// limit), with or without recycling every N scans, and loses no request.
//
// Prints, in one run: throughput (transactions/s and plugin scans/s) and
// per-transaction latency p50/p99 through Warden::scan_stream, without
// recycling and with recycling every N scans; recycle latency (down message
// to replacement serving) p50/p99, also with WardenConfig::warm_spare; the
// same without and with recycling in process isolation (each worker's
// isolate in a child of bin/warden-worker: a socket round trip per scan, a
// fork and a load per recycle); the plain loop; the ratio; requests lost.
// Then the blocking facade: Warden::scan called by 1, 2 and 8 host threads at
// once, each issuing one blocking scan after another, in scans/s (a scan: one
// transaction through every plugin), against the 1-thread figure.
//
//   actors_bench [--scans N] [--recycle N] [--workers N] [--in-flight N]
//                [--facade-scans N] [--facade-only]   (--help lists them)
// Corpus: WARDEN_SHARED_CORPUS (skipped with a message when absent).
// Plugins: WARDEN_SOURCE_DIR/plugins if present, else an inline plugin.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <caf/all.hpp>

#include "actors/latency_histogram.hpp"
#include "bench/bench_flags.hpp"
#include "bench/inputs.hpp"
#include "warden/engine.hpp"
#include "warden/har_reader.hpp"
#include "warden/plugin_source.hpp"
#include "warden/v8_platform.hpp"
#include "warden/warden.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using warden::TransactionPtr;
using warden::actors::LatencyHistogram;

// A realistic check, for when the bundled plugins are absent.
constexpr const char* kInlinePlugin = R"(export default {
  id: "inline-headers",
  scan(txn) {
    const out = [];
    const names = new Set(txn.response.headers.map((h) => h.name.toLowerCase()));
    if (!names.has("strict-transport-security") && txn.request.url.startsWith("https:")) {
      out.push({ title: "HSTS header missing", severity: "low", cwe: 319 });
    }
    if (!names.has("x-content-type-options")) {
      out.push({ title: "X-Content-Type-Options missing", severity: "info" });
    }
    for (const h of txn.response.headers) {
      if (h.name.toLowerCase() === "set-cookie" && !/httponly/i.test(h.value)) {
        out.push({ title: "Cookie without HttpOnly", severity: "low", evidence: h.value });
      }
    }
    return out;
  },
};
)";

struct Options {
  std::size_t scans = 20000;  // transactions per run (the corpus, repeated)
  uint64_t recycle = 100;
  std::size_t workers = 0;
  std::size_t in_flight = warden::actors::kDefaultMaxInFlight;
  std::size_t facade_scans = 6000;  // blocking facade calls per thread count
  bool facade_only = false;
};

// Parses argv into Options; nullopt: go on, else the exit code (bench_flags.hpp).
std::optional<int> parse_options(int argc, char* argv[], Options& options) {
  CLI::App app{
      "The actor layer against a plain loop, and the blocking facade from 1, 2 and 8 "
      "threads.",
      "actors_bench"};
  app.add_option("--scans", options.scans, "transactions per scan_stream run")
      ->check(warden::bench::positive_count())
      ->capture_default_str();
  app.add_option("--recycle", options.recycle, "recycle every N scans in the recycling runs")
      ->check(warden::bench::count())
      ->capture_default_str();
  app.add_option("--workers", options.workers, "workers per plugin (0: Warden's default)")
      ->check(warden::bench::count())
      ->capture_default_str();
  app.add_option("--in-flight", options.in_flight, "scan_stream's window")
      ->check(warden::bench::positive_count())
      ->capture_default_str();
  app.add_option("--facade-scans", options.facade_scans,
                 "blocking Warden::scan calls per facade run, shared by its threads")
      ->check(warden::bench::positive_count())
      ->capture_default_str();
  app.add_flag("--facade-only", options.facade_only, "only the facade runs (1, 2 and 8 threads)");
  app.footer(
      "Google Benchmark's --benchmark_* flags are accepted and ignored.\n"
      "Corpus: ../shared/corpus/har beside the source tree (skipped when absent).\n"
      "WARDEN_BENCH_SMOKE set: short runs.");
  return warden::bench::parse_bench_flags(app, argc, argv);
}

struct RunResult {
  std::string name;
  double seconds = 0;
  std::size_t transactions = 0;
  std::size_t findings = 0;
  std::size_t failures = 0;
  std::size_t lost = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double recycle_p50_ms = 0;
  double recycle_p99_ms = 0;
  uint64_t recycles = 0;
};

RunResult plain_loop(const std::vector<std::string>& plugins,
                     const std::vector<TransactionPtr>& input) {
  std::vector<warden::runtime::Engine> engines;
  for (const auto& path : plugins) {
    auto source = warden::runtime::PluginSource::read(path);
    if (!source)
      continue;
    auto engine = warden::runtime::Engine::load(*source, {});
    if (!engine)
      continue;
    engines.push_back(std::move(engine).value());
  }
  RunResult result;
  result.name = "plain loop, 1 thread";
  LatencyHistogram latency;
  const auto start = Clock::now();
  for (const auto& transaction : input) {
    const auto begin = Clock::now();
    for (auto& engine : engines) {
      auto found = engine.scan(transaction);
      if (found) {
        result.findings += found->size();
      } else {
        ++result.failures;
      }
    }
    latency.record(Clock::now() - begin);
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.transactions = input.size();
  result.p50_ms = latency.quantile_ms(0.5);
  result.p99_ms = latency.quantile_ms(0.99);
  return result;
}

RunResult actor_run(const std::string& name, const std::vector<std::string>& plugins,
                    const std::vector<TransactionPtr>& input, const Options& options,
                    uint64_t recycle_after, bool warm_spare = false,
                    warden::actors::Isolation isolation = warden::actors::Isolation::thread) {
  caf::actor_system_config caf_config;
  warden::actors::configure(caf_config);
  warden::actors::use_recommended_scheduler(caf_config);
  caf::actor_system system{caf_config};
  warden::actors::WardenConfig config;
  for (const auto& path : plugins)
    config.plugins.push_back({path});
  config.recycle_after_scans = recycle_after;
  config.workers_per_plugin = options.workers;
  config.warm_spare = warm_spare;
  config.isolation = isolation;
  config.console = [](warden::runtime::LogLevel, std::string_view, std::string_view) {};
  auto started = warden::actors::Warden::start(system, config);
  RunResult result;
  result.name = name;
  if (!started) {
    std::cerr << "Warden::start: " << started.error().describe() << "\n";
    return result;
  }
  auto& warden = **started;
  // Warm-up: every worker has loaded its engine before the clock starts.
  (void)warden.scan(input.front());
  std::vector<Clock::time_point> sent(input.size());
  std::vector<int> answers(input.size(), 0);
  LatencyHistogram latency;
  std::size_t next = 0;
  const auto start = Clock::now();
  warden.scan_stream(
      [&]() -> std::optional<TransactionPtr> {
        if (next == input.size())
          return std::nullopt;
        sent[next] = Clock::now();
        return input[next++];
      },
      [&](warden::actors::ScanReport&& report) {
        const auto index = std::stoul(report.transaction_id);
        latency.record(Clock::now() - sent[index]);
        ++answers[index];
        result.findings += report.findings.size();
        result.failures += report.failures.size();
      },
      options.in_flight);
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.transactions = input.size();
  for (const auto count : answers) {
    if (count != 1)
      ++result.lost;
  }
  result.p50_ms = latency.quantile_ms(0.5);
  result.p99_ms = latency.quantile_ms(0.99);
  // Recycle latency, pooled over plugins: the worst plugin's quantiles.
  for (const auto& stats : warden.stats()) {
    result.recycle_p50_ms = std::max(result.recycle_p50_ms, stats.recycle_latency_p50_ms);
    result.recycle_p99_ms = std::max(result.recycle_p99_ms, stats.recycle_latency_p99_ms);
    for (const auto& [reason, count] : stats.restarts_by_reason)
      result.recycles += count;
  }
  warden.shutdown();
  return result;
}

struct FacadeResult {
  std::size_t threads = 0;
  std::size_t scans = 0;
  double seconds = 0;
  std::size_t findings = 0;
  std::size_t failures = 0;
  std::size_t wrong = 0;  // reports for another transaction than asked
};

// `threads` host threads share `count` transactions, each taking the next and
// calling the blocking Warden::scan on it; one fresh Warden per run.
FacadeResult facade_run(const std::vector<std::string>& plugins,
                        const std::vector<TransactionPtr>& input, const Options& options,
                        std::size_t threads) {
  caf::actor_system_config caf_config;
  warden::actors::configure(caf_config);
  caf::actor_system system{caf_config};
  warden::actors::WardenConfig config;
  for (const auto& path : plugins)
    config.plugins.push_back({path});
  config.recycle_after_scans = 0;
  config.workers_per_plugin = options.workers;
  config.console = [](warden::runtime::LogLevel, std::string_view, std::string_view) {};
  FacadeResult result;
  result.threads = threads;
  auto started = warden::actors::Warden::start(system, config);
  if (!started) {
    std::cerr << "Warden::start: " << started.error().describe() << "\n";
    return result;
  }
  auto& warden = **started;
  const std::size_t count = std::min(options.facade_scans, input.size());
  // Warm-up: every worker loaded and the plugins' hot code compiled before the clock starts.
  for (std::size_t i = 0; i < std::min<std::size_t>(count, 200); ++i)
    (void)warden.scan(input[i]);
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> findings{0}, failures{0}, wrong{0};
  std::vector<std::thread> callers;
  const auto start = Clock::now();
  for (std::size_t t = 0; t < threads; ++t) {
    callers.emplace_back([&] {
      for (auto i = next++; i < count; i = next++) {
        const auto report = warden.scan(input[i]);
        findings += report.findings.size();
        failures += report.failures.size();
        if (report.transaction_id != input[i]->id)
          ++wrong;
      }
    });
  }
  for (auto& caller : callers)
    caller.join();
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.scans = count;
  result.findings = findings;
  result.failures = failures;
  result.wrong = wrong;
  warden.shutdown();
  return result;
}

void print(const RunResult& r, std::size_t plugins, double limit_tps) {
  const double tps = r.transactions / r.seconds;
  std::printf("%-34s %9.0f txn/s %10.0f scans/s  p50 %7.3f ms  p99 %7.3f ms  ratio %.2f",
              r.name.c_str(), tps, tps * static_cast<double>(plugins), r.p50_ms, r.p99_ms,
              limit_tps > 0 ? tps / limit_tps : 1.0);
  std::printf("  findings %zu  failures %zu  lost %zu\n", r.findings, r.failures, r.lost);
  if (r.recycles > 0) {
    std::printf("%-34s %llu recycles, down -> replacement serving p50 %.3f ms  p99 %.3f ms\n", "",
                static_cast<unsigned long long>(r.recycles), r.recycle_p50_ms, r.recycle_p99_ms);
  }
}

}  // namespace

int main(int argc, char* argv[]) {
  Options options;
  if (const auto exit_code = parse_options(argc, argv, options))
    return *exit_code;
  // CI only keeps the benchmark alive, its figures come from deliberate runs: a short run.
  if (std::getenv("WARDEN_BENCH_SMOKE") != nullptr) {
    options.scans = std::min<decltype(options.scans)>(options.scans, 300);
    options.facade_scans = std::min<decltype(options.facade_scans)>(options.facade_scans, 200);
  }
  const std::filesystem::path corpus_dir{WARDEN_SHARED_CORPUS};
  if (!std::filesystem::is_directory(corpus_dir)) {
    std::printf("actors_bench: skipped, no corpus at %s\n", corpus_dir.c_str());
    return 0;
  }
  warden::runtime::V8Platform v8;
  const auto corpus = warden::bench::read_corpus(corpus_dir);
  if (corpus.empty()) {
    std::printf("actors_bench: skipped, the corpus at %s has no entries\n", corpus_dir.c_str());
    return 0;
  }
  std::vector<std::string> plugins;
  for (const auto& file : warden::bench::bundled_plugin_files())
    plugins.push_back(file.string());
  const auto inline_path = std::filesystem::temp_directory_path() / "warden-bench-inline.js";
  if (plugins.empty()) {
    std::ofstream{inline_path} << kInlinePlugin;
    plugins.push_back(inline_path.string());
  }
  const auto input = warden::bench::repeated(corpus, options.scans);
  std::printf(
      "actors_bench: %zu corpus entries, %zu transactions per run, %zu plugins, "
      "workers/plugin %zu (0 = default), %zu in flight, %u hardware threads\n",
      corpus.size(), input.size(), plugins.size(), options.workers, options.in_flight,
      std::thread::hardware_concurrency());

  std::size_t lost = 0;
  if (!options.facade_only) {
    const auto limit = plain_loop(plugins, input);
    const double limit_tps = limit.transactions / limit.seconds;
    print(limit, plugins.size(), 0);
    const auto steady = actor_run("actors, no recycling", plugins, input, options, 0);
    print(steady, plugins.size(), limit_tps);
    const auto recycling =
        actor_run("actors, recycle every " + std::to_string(options.recycle) + " scans", plugins,
                  input, options, options.recycle);
    print(recycling, plugins.size(), limit_tps);
    const auto spared =
        actor_run("actors, recycle " + std::to_string(options.recycle) + ", warm spare", plugins,
                  input, options, options.recycle, true);
    print(spared, plugins.size(), limit_tps);
    const auto process = warden::actors::Isolation::process;
    const auto in_processes =
        actor_run("processes, no recycling", plugins, input, options, 0, false, process);
    print(in_processes, plugins.size(), limit_tps);
    const auto recycling_processes =
        actor_run("processes, recycle every " + std::to_string(options.recycle) + " scans", plugins,
                  input, options, options.recycle, false, process);
    print(recycling_processes, plugins.size(), limit_tps);
    lost +=
        steady.lost + recycling.lost + spared.lost + in_processes.lost + recycling_processes.lost;
  }
  // The blocking facade from 1, 2 and 8 host threads: what concurrent callers gain.
  std::printf(
      "facade: blocking Warden::scan from N host threads at once, %zu scans per run, "
      "no recycling, thread isolation\n",
      std::min(options.facade_scans, input.size()));
  double one_thread = 0;
  for (const std::size_t threads : {1, 2, 8}) {
    const auto run = facade_run(plugins, input, options, threads);
    const double rate = run.seconds > 0 ? run.scans / run.seconds : 0;
    if (threads == 1)
      one_thread = rate;
    std::printf(
        "facade, %zu calling thread%s %12.0f scans/s %10.0f plugin scans/s  x%.2f of 1 "
        "thread  findings %zu  failures %zu  wrong reports %zu\n",
        threads, threads == 1 ? " " : "s", rate, rate * static_cast<double>(plugins.size()),
        one_thread > 0 ? rate / one_thread : 0.0, run.findings, run.failures, run.wrong);
    lost += run.wrong;
  }
  std::printf("requests lost: %zu\n", lost);
  std::filesystem::remove(inline_path);
  return lost == 0 ? 0 : 1;
}
