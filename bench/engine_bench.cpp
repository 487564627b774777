// Claim: an Engine (isolate + context + plugin) loads in a few milliseconds,
// less with the code cache, and a scan costs microseconds: a trivial plugin is
// dominated by the transaction conversion, a realistic header/cookie/regex
// check over real HAR traffic stays in the tens of microseconds.
//
// Prints: load time (median, p99 over 200 loads, from source and from the code
// cache), per-scan cost of a trivial and a realistic plugin over the HAR corpus
// (WARDEN_SHARED_CORPUS) and of each bundled plugins/*.js, and the conversion
// alone (no-op scan of corpus transactions minus no-op scan of an empty one).
// Run: build-*/bin/engine_bench (Release). --scan_only skips the load times.
// --profile PLUGIN (trivial, realistic, touch, bundled) warms each engine up
// over the corpus, then scans it once more inside profiled_pass() and prints
// the scan count: for callgrind,
//   valgrind --tool=callgrind --toggle-collect='*profiled_pass*'
//     build-*/bin/engine_bench --profile bundled
// gives instructions per scan = Ir / scans.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench/inputs.hpp"
#include "warden/engine.hpp"
#include "warden/har_reader.hpp"
#include "warden/v8_platform.hpp"

namespace {

using namespace warden;
using namespace warden::runtime;
using Clock = std::chrono::steady_clock;

const char* kTrivialPlugin = "export default { id: 'trivial', scan(txn) { return []; } };";

// A realistic passive check: header lookups, cookie flags, a regex over the body.
const char* kRealisticPlugin = R"JS(
const SECRET = /(api[_-]?key|secret|passw(or)?d|token)["']?\s*[:=]\s*["']?[A-Za-z0-9_\-]{8,}/i;
const TEXTUAL = /text|json|javascript|xml/;
export default {
  id: "bench-realistic",
  scan(txn) {
    const findings = [];
    const headers = {};
    for (const h of txn.response.headers) headers[h.name.toLowerCase()] = h.value;
    if (txn.request.url.startsWith("https:") && !headers["strict-transport-security"]) {
      findings.push({ title: "HSTS header missing", severity: "low", cwe: 319 });
    }
    if (!headers["x-content-type-options"]) {
      findings.push({ title: "X-Content-Type-Options missing", severity: "info" });
    }
    for (const h of txn.response.headers) {
      if (h.name.toLowerCase() === "set-cookie" && !/;\s*httponly/i.test(h.value)) {
        findings.push({ title: "Cookie without HttpOnly", severity: "low",
                        evidence: h.value.split("=")[0], confidence: "high" });
      }
    }
    if (TEXTUAL.test(txn.response.mimeType) && txn.response.bodyEncoding === "" &&
        SECRET.test(txn.response.body)) {
      findings.push({ title: "Secret-looking value in response body", severity: "medium" });
    }
    return findings;
  },
};
)JS";

// Reads every field a plugin could need, so nothing is left unconverted.
const char* kTouchPlugin =
    "export default { id: 'touch', scan(t) { let n = t.id.length + "
    "t.request.url.length + t.response.body.length; for (const h of "
    "t.request.headers) n += h.value.length; for (const h of t.response.headers) n += "
    "h.value.length; return n < 0 ? [1] : []; } };";

EngineOptions bench_options() {
  EngineOptions options;
  options.limits.scan_timeout = std::chrono::seconds(10);
  options.limits.load_timeout = std::chrono::seconds(10);
  return options;
}

std::vector<TransactionPtr>& corpus() {
  static std::vector<TransactionPtr> transactions;
  return transactions;
}

void load_corpus() {
  const std::filesystem::path dir = WARDEN_SHARED_CORPUS;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    std::printf("corpus absent, skipped (%s)\n", dir.c_str());
    return;
  }
  corpus() = warden::bench::read_corpus(dir);
  std::size_t bytes = 0;
  for (const auto& t : corpus())
    bytes += t->response.body.size() + (t->request.body ? t->request.body->size() : 0);
  std::printf("corpus: %zu transactions from %s, %.1f MB of bodies\n", corpus().size(), dir.c_str(),
              static_cast<double>(bytes) / (1 << 20));
}

void print_load_times(const char* label, const std::string& code, bool use_cache) {
  constexpr int kLoads = 200;
  auto cached = std::make_shared<const PluginSource>("bench.js", code);
  std::vector<double> load_ms, dispose_ms;
  for (int i = 0; i < kLoads + 1; ++i) {
    auto source = use_cache ? cached : std::make_shared<const PluginSource>("bench.js", code);
    auto start = Clock::now();
    auto engine = Engine::load(source, bench_options());
    auto loaded = Clock::now();
    if (!engine.ok()) {
      std::printf("%s: load failed: %s\n", label, engine.error().describe().c_str());
      return;
    }
    engine = Error{};  // dispose
    auto disposed = Clock::now();
    if (i == 0 && use_cache)
      continue;  // the first load fills the cache
    load_ms.push_back(std::chrono::duration<double, std::milli>(loaded - start).count());
    dispose_ms.push_back(std::chrono::duration<double, std::milli>(disposed - loaded).count());
  }
  auto pct = [](std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
  };
  std::printf("load %-34s median %6.2f ms  p99 %6.2f ms  (dispose median %5.2f ms, n=%zu)\n", label,
              pct(load_ms, 0.5), pct(load_ms, 0.99), pct(dispose_ms, 0.5), load_ms.size());
}

// Scans every corpus transaction in turn; one iteration = one scan.
void scan_corpus(benchmark::State& state, std::string path, std::string code) {
  if (corpus().empty()) {
    state.SkipWithError("corpus absent, skipped");
    return;
  }
  auto engine = Engine::load(std::make_shared<const PluginSource>(path, code), bench_options());
  if (!engine.ok()) {
    state.SkipWithError(engine.error().describe().c_str());
    return;
  }
  std::size_t i = 0, findings = 0, errors = 0;
  for (auto _ : state) {
    auto result = engine->scan(corpus()[i]);
    if (result.ok())
      findings += result->size();
    else
      ++errors;
    if (++i == corpus().size())
      i = 0;
  }
  state.counters["findings/scan"] =
      benchmark::Counter(static_cast<double>(findings), benchmark::Counter::kAvgIterations);
  state.counters["errors"] = static_cast<double>(errors);
}

void BM_ScanTrivialEmptyTransaction(benchmark::State& state) {
  auto engine =
      Engine::load(std::make_shared<const PluginSource>("t.js", kTrivialPlugin), bench_options());
  auto empty = std::make_shared<const Transaction>();
  for (auto _ : state)
    benchmark::DoNotOptimize(engine->scan(empty).ok());
}
BENCHMARK(BM_ScanTrivialEmptyTransaction);

void BM_ScanTrivialCorpus(benchmark::State& state) {
  scan_corpus(state, "trivial.js", kTrivialPlugin);
}
BENCHMARK(BM_ScanTrivialCorpus);

// The conversion alone: a scan that only touches every field, minus the empty case.
void BM_ScanTouchAllFieldsCorpus(benchmark::State& state) {
  scan_corpus(state, "touch.js", kTouchPlugin);
}
BENCHMARK(BM_ScanTouchAllFieldsCorpus);

void BM_ScanRealisticCorpus(benchmark::State& state) {
  scan_corpus(state, "realistic.js", kRealisticPlugin);
}
BENCHMARK(BM_ScanRealisticCorpus);

void register_bundled_plugins() {
  for (const auto& file : warden::bench::bundled_plugin_files()) {
    auto source = PluginSource::read(file.string());
    if (!source.ok())
      continue;
    std::string path = file.string(), code = (*source)->code();
    benchmark::RegisterBenchmark(
        ("BM_ScanBundledCorpus/" + file.stem().string()).c_str(),
        [path, code](benchmark::State& state) { scan_corpus(state, path, code); });
  }
}

// Never inlined, so callgrind can toggle collection on it by name.
__attribute__((noinline)) std::size_t profiled_pass(Engine& engine) {
  std::size_t scans = 0;
  for (const auto& transaction : corpus()) {
    benchmark::DoNotOptimize(engine.scan(transaction).ok());
    ++scans;
  }
  return scans;
}

// Never inlined: callgrind's toggle for one load and dispose (isolate, context,
// realm set-up, plugin from its code cache, init) of the realistic plugin.
__attribute__((noinline)) void profiled_load(const std::shared_ptr<const PluginSource>& source) {
  auto engine = Engine::load(source, bench_options());
  benchmark::DoNotOptimize(engine.ok());
}

// Never inlined: callgrind's toggle for a recycled engine's life of `scans`
// scans (load from the code cache, cold code, then whatever tiers up).
__attribute__((noinline)) std::size_t profiled_life(
    const std::shared_ptr<const PluginSource>& source, std::size_t scans) {
  auto engine = Engine::load(source, bench_options());
  std::size_t done = 0;
  for (std::size_t i = 0; engine.ok() && i < scans; ++i, ++done)
    benchmark::DoNotOptimize(engine->scan(corpus()[i % corpus().size()]).ok());
  return done;
}

int profile(const std::string& which) {
  if (which == "life1000") {  // Ir per scan over a recycled engine's 1,000 scans, load included
    std::size_t scans = 0;
    for (const auto& file : warden::bench::bundled_plugin_files()) {
      auto source = PluginSource::read(file.string());
      if (!source.ok())
        continue;
      {  // an earlier life: leaves the code cache a recycled engine starts from
        auto first = Engine::load(*source, bench_options());
        for (std::size_t i = 0; first.ok() && i < 100; ++i)
          benchmark::DoNotOptimize(first->scan(corpus()[i]).ok());
      }
      scans += profiled_life(*source, 1000);
    }
    std::printf("profiled scans: %zu\n", scans);
    return 0;
  }
  if (which == "load") {  // Ir per load: total / 20
    auto source = std::make_shared<const PluginSource>("realistic.js", kRealisticPlugin);
    // Makes the code cache, and stays: in Warden other isolates are alive when
    // one is recycled, and V8 shares process-wide state (the read-only heap)
    // only while some isolate holds it.
    auto other = Engine::load(source, bench_options());
    benchmark::DoNotOptimize(other.ok());
    for (int i = 0; i < 20; ++i)
      profiled_load(source);
    std::printf("profiled scans: 20\n");
    return 0;
  }
  std::vector<std::pair<std::string, std::string>> plugins;  // path, code
  if (which == "trivial") {
    plugins.emplace_back("trivial.js", kTrivialPlugin);
  } else if (which == "realistic") {
    plugins.emplace_back("realistic.js", kRealisticPlugin);
  } else if (which == "touch") {
    plugins.emplace_back("touch.js", kTouchPlugin);
  } else {
    for (const auto& file : warden::bench::bundled_plugin_files()) {
      auto source = PluginSource::read(file.string());
      if (source.ok())
        plugins.emplace_back(file.string(), (*source)->code());
    }
  }
  std::size_t scans = 0;
  for (const auto& [path, code] : plugins) {
    auto engine = Engine::load(std::make_shared<const PluginSource>(path, code), bench_options());
    if (!engine.ok()) {
      std::printf("%s\n", engine.error().describe().c_str());
      return 1;
    }
    for (const auto& transaction : corpus())  // warm-up: compile, tier up, grow the heap
      benchmark::DoNotOptimize(engine->scan(transaction).ok());
    scans += profiled_pass(*engine);
  }
  std::printf("profiled scans: %zu\n", scans);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  warden::runtime::V8Platform platform;  // before any Engine, destroyed after all
  std::printf("V8 %s\n", warden::runtime::V8Platform::version().c_str());
  load_corpus();
  if (argc == 3 && std::string(argv[1]) == "--profile")
    return profile(argv[2]);
  bool scan_only = false;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--scan_only") {
      scan_only = true;
      std::copy(argv + i + 1, argv + argc + 1, argv + i);  // argv[argc] is null
      --argc;
      break;
    }
  }
  if (!scan_only) {
    print_load_times("trivial plugin, from source", kTrivialPlugin, false);
    print_load_times("trivial plugin, from code cache", kTrivialPlugin, true);
    print_load_times("realistic plugin, from source", kRealisticPlugin, false);
    print_load_times("realistic plugin, from code cache", kRealisticPlugin, true);
  }
  register_bundled_plugins();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::printf(
      "conversion alone ~= BM_ScanTrivialCorpus - BM_ScanTrivialEmptyTransaction "
      "(same call, checkpoint and validation; only the transaction differs)\n");
  return 0;
}
