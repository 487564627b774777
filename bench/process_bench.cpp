// Claim: process isolation costs little per recycle (a fork of a V8-ready
// template plus a load from the code cache) and a socket round trip per scan.
//
// Prints, in one run: launch latency (fork + load in a child, p50/p99 over
// 40 launches of each of 3 bundled plugins, code cache warm) against
// Engine::load in a fresh thread (the thread mode's recycle), and scans/s of
// every bundled plugin over examples/demo.har (10 passes) through a
// WorkerProcess against an in-process Engine.
// Run: build-*/bin/process_bench (Release); warden-worker must be beside it.
// WARDEN_BENCH_SMOKE=1 (scripts/test.sh) runs 2 launches and 1 pass only, to
// keep it alive; arguments are ignored.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/inputs.hpp"
#include "warden/engine.hpp"
#include "warden/v8_platform.hpp"
#include "warden/worker_process.hpp"

namespace {

using namespace warden;
using namespace warden::runtime;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1))];
}

void print_latency(const char* what, const std::vector<double>& ms) {
  std::printf("%-44s p50 %7.2f ms   p99 %7.2f ms   (n=%zu)\n", what, percentile(ms, 0.5),
              percentile(ms, 0.99), ms.size());
}

}  // namespace

int main() {
  const bool smoke = std::getenv("WARDEN_BENCH_SMOKE") != nullptr;
  const int launches = smoke ? 2 : 40;
  const int passes = smoke ? 1 : 10;
  V8Platform v8;
  auto launcher = ProcessLauncher::start({});
  if (!launcher) {
    std::fprintf(stderr, "%s\n", launcher.error().describe().c_str());
    return 1;
  }
  std::printf("confinement: %s\n", (*launcher)->confinement().c_str());
  const auto plugins = bench::bundled_plugin_files();
  const auto transactions =
      bench::read_corpus(std::filesystem::path{WARDEN_SOURCE_DIR} / "examples");
  std::vector<PluginSourcePtr> sources;
  for (const auto& path : plugins)
    sources.push_back(PluginSource::read(path.string()).value());

  // Launch latency: the first load fills each source's code cache.
  std::vector<double> thread_ms;
  std::vector<double> process_ms;
  for (std::size_t i = 0; i < 3 && i < sources.size(); ++i) {
    std::thread([&] { (void)Engine::load(sources[i], EngineOptions{}); }).join();
    for (int n = 0; n < launches; ++n) {
      auto start = Clock::now();
      std::thread([&] { (void)Engine::load(sources[i], EngineOptions{}); }).join();
      thread_ms.push_back(ms_since(start));
      start = Clock::now();
      auto worker = (*launcher)->launch(sources[i], EngineOptions{});
      process_ms.push_back(ms_since(start));
      if (!worker)
        std::fprintf(stderr, "launch: %s\n", worker.error().describe().c_str());
    }
  }
  print_latency("thread: Engine::load in a new thread", thread_ms);
  print_latency("process: fork + load in a child", process_ms);

  // Throughput over the demo HAR, every bundled plugin.
  std::size_t scans = 0;
  double engine_ms = 0;
  double worker_ms = 0;
  for (const auto& source : sources) {
    auto engine = Engine::load(source, EngineOptions{});
    auto worker = (*launcher)->launch(source, EngineOptions{});
    if (!engine || !worker)
      continue;
    auto start = Clock::now();
    for (int pass = 0; pass < passes; ++pass) {
      for (const auto& t : transactions)
        (void)engine->scan(t);
    }
    engine_ms += ms_since(start);
    start = Clock::now();
    for (int pass = 0; pass < passes; ++pass)
      (*worker)->scan(
          transactions, [](ProcessScan&&) {}, std::chrono::seconds(10));
    worker_ms += ms_since(start);
    scans += passes * transactions.size();
  }
  std::printf("%zu scans (%zu plugins x %zu transactions x %d passes)\n", scans, sources.size(),
              transactions.size(), passes);
  std::printf("%-44s %9.0f scans/s  (%.1f us/scan)\n", "thread: in-process Engine",
              1000.0 * static_cast<double>(scans) / engine_ms,
              1000.0 * engine_ms / static_cast<double>(scans));
  std::printf("%-44s %9.0f scans/s  (%.1f us/scan)\n", "process: WorkerProcess",
              1000.0 * static_cast<double>(scans) / worker_ms,
              1000.0 * worker_ms / static_cast<double>(scans));
  return 0;
}
