// Claim (issue #5, memory targets): an idle plugin worker costs at most 8 MB of
// RSS, and RSS stays flat (within +-5%) across 10,000 recycles.
//
// Prints, in one run:
//  a. idle worker RSS: process RSS with Warden started with P plugins x W
//     workers, all ready and idle, minus the RSS before Warden::start (V8
//     platform and CAF scheduler up); per worker = delta / (P*W), for two
//     worker counts, and the slope between them (cost of one more worker)
//     and its intercept (fixed cost of Warden itself). Once right after
//     start, once idle after a warm-up scan of corpus transactions (V8 heaps
//     grow with work). Bundled plugins and a trivial inline plugin.
//  b. RSS across recycles: plugins recycled every few scans, scanning corpus
//     transactions until N recycles (down events with reason
//     recycle_threshold) happened; RSS every `--sample-every` recycles, the
//     change from the first sample after warm-up to the last, recycles/s.
//     Twice: glibc's malloc defaults, and fixed mmap/trim thresholds.
// Then the targets and a PASS/FAIL line each. Exits 0: it is a measurement.
//
// Plain main, not Google Benchmark: it measures process RSS, so every
// measurement runs in a forked child (fresh address space, no V8 or CAF in
// the parent, which stays single-threaded and can fork safely).
//
//   memory_bench [--counts 16,64] [--recycles 10000] [--recycle-every 10]
//                [--sample-every 500] [--warmup 500] [--recycle-plugins two|all]
// Corpus: WARDEN_SHARED_CORPUS (the scans need it: without it the idle-after-
// work figures and part b are skipped with a message).
// Plugins: WARDEN_SOURCE_DIR/plugins (skipped when absent) and an inline one.

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <malloc.h>
#include <optional>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <caf/all.hpp>

#include "bench/bench_flags.hpp"
#include "bench/inputs.hpp"
#include "warden/har_reader.hpp"
#include "warden/v8_platform.hpp"
#include "warden/warden.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using warden::TransactionPtr;
using warden::actors::WorkerEvent;

constexpr double kIdleTargetMb = 8.0;
constexpr double kFlatTargetPercent = 5.0;

// The smallest useful plugin: what a worker costs with (almost) no plugin code.
constexpr const char* kTrivialPlugin = R"(export default {
  id: "trivial",
  scan(txn) { return []; },
};
)";

struct Options {
  std::vector<std::size_t> counts{16, 64};  // workers in total, per measurement
  uint64_t recycles = 10'000;
  uint64_t recycle_every = 10;
  uint64_t sample_every = 500;
  uint64_t warmup = 500;     // recycles before the baseline sample of part b
  bool recycle_all = false;  // part b with every bundled plugin, not two of them
  std::size_t warm_scans_per_worker = 100;
};

// Process memory from /proc/self/status, in MB.
struct Rss {
  double total_mb = 0;  // VmRSS
  double anon_mb = 0;   // RssAnon: heap, stacks, V8 pages
  int threads = 0;
};

Rss read_rss() {
  Rss rss;
  std::ifstream status{"/proc/self/status"};
  std::string line;
  auto value = [&](const char* key, double& out) {
    if (line.rfind(key, 0) == 0)
      out = std::strtod(line.c_str() + std::strlen(key), nullptr) / 1024.0;
  };
  while (std::getline(status, line)) {
    value("VmRSS:", rss.total_mb);
    value("RssAnon:", rss.anon_mb);
    if (line.rfind("Threads:", 0) == 0)
      rss.threads = std::atoi(line.c_str() + 8);
  }
  return rss;
}

// glibc's view: bytes malloc holds from the system (arenas + mmapped chunks)
// and bytes in use by the program.
struct MallocFigures {
  double held_mb = 0;
  double used_mb = 0;
};

MallocFigures read_malloc() {
  const auto info = mallinfo2();
  return {static_cast<double>(info.arena + info.hblkhd) / (1 << 20),
          static_cast<double>(info.uordblks + info.hblkhd) / (1 << 20)};
}

// Where resident pages sit, from /proc/self/smaps (approximate, by mapping
// shape): thread stacks (glibc's 8 MB anonymous stacks, guard page apart),
// malloc (the main arena's [heap] and the 64 MB-aligned per-thread arenas),
// other anonymous mappings (V8's heap pages and code space, CAF, libraries'
// mmaps), and file-backed pages (libnode's code, shared with other processes).
struct Breakdown {
  double stacks_mb = 0;
  double malloc_mb = 0;
  double other_anon_mb = 0;
  double files_mb = 0;
};

Breakdown read_breakdown() {
  struct Mapping {
    uint64_t start = 0, end = 0;
    bool writable = false, inaccessible = false, file = false;
    std::string name;
    double rss_mb = 0;
  };
  std::vector<Mapping> maps;
  std::ifstream smaps{"/proc/self/smaps"};
  std::string line;
  while (std::getline(smaps, line)) {
    if (line.empty())
      continue;
    if (std::isxdigit(static_cast<unsigned char>(line[0])) && line.find('-') < 17) {
      std::istringstream in{line};
      std::string range, perms, offset, dev, inode, name;
      in >> range >> perms >> offset >> dev >> inode;
      std::getline(in >> std::ws, name);
      Mapping m;
      m.start = std::stoull(range.substr(0, range.find('-')), nullptr, 16);
      m.end = std::stoull(range.substr(range.find('-') + 1), nullptr, 16);
      m.writable = perms[1] == 'w';
      m.inaccessible = perms.substr(0, 3) == "---";
      m.file = inode != "0";
      m.name = name;
      maps.push_back(std::move(m));
    } else if (line.rfind("Rss:", 0) == 0 && !maps.empty()) {
      maps.back().rss_mb = std::strtod(line.c_str() + 4, nullptr) / 1024.0;
    }
  }
  constexpr uint64_t kArena = 64ull << 20;  // glibc's HEAP_MAX_SIZE on 64-bit
  constexpr uint64_t kStack = 8ull << 20;   // glibc's default stack (ulimit -s 8192)
  Breakdown b;
  for (std::size_t i = 0; i < maps.size(); ++i) {
    const auto& m = maps[i];
    const uint64_t size = m.end - m.start;
    const bool arena_tail = i + 1 < maps.size() && maps[i + 1].start == m.end &&
                            maps[i + 1].inaccessible && maps[i + 1].end - m.start == kArena;
    if (m.file) {
      b.files_mb += m.rss_mb;
    } else if (m.name == "[heap]" ||
               (m.start % kArena == 0 && (size == kArena || arena_tail) && m.writable)) {
      b.malloc_mb += m.rss_mb;
    } else if (m.name == "[stack]" || (m.writable && (size == kStack || size == kStack - 4096))) {
      b.stacks_mb += m.rss_mb;
    } else {
      b.other_anon_mb += m.rss_mb;
    }
  }
  return b;
}

void append(std::vector<double>& out, const Breakdown& b) {
  out.insert(out.end(), {b.stacks_mb, b.malloc_mb, b.other_anon_mb, b.files_mb});
}

// glibc raises its mmap threshold to the size of any mmapped chunk freed (up
// to 32 MB) and its trim threshold to twice that; from then on such chunks
// come from the arenas, which keep up to the trim threshold free on top: RSS
// steps up, at a random moment, and stays. Fixing both thresholds (mallopt, or
// MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_ in the environment) turns that
// off. A process-wide choice, so the host's: Warden does not make it.
enum class MallocPolicy : uint8_t { glibc_defaults, fixed_thresholds };
constexpr int kFixedThresholdBytes = 128 * 1024;  // glibc's initial values

void apply(MallocPolicy policy) {
  if (policy == MallocPolicy::fixed_thresholds) {
    ::mallopt(M_MMAP_THRESHOLD, kFixedThresholdBytes);
    ::mallopt(M_TRIM_THRESHOLD, kFixedThresholdBytes);
  }
}

// Runs `body` in a forked child and returns the doubles it reports. The child
// prints its own lines; the parent holds no threads, so fork is safe.
std::vector<double> in_child(const std::function<std::vector<double>()>& body) {
  std::fflush(stdout);
  int fds[2];
  if (::pipe(fds) != 0) {
    std::perror("pipe");
    return {};
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    std::vector<double> out = body();
    std::fflush(stdout);
    const std::size_t bytes = out.size() * sizeof(double);
    std::size_t written = 0;
    while (written < bytes) {
      const auto n =
          ::write(fds[1], reinterpret_cast<const char*>(out.data()) + written, bytes - written);
      if (n <= 0)
        break;
      written += static_cast<std::size_t>(n);
    }
    ::close(fds[1]);
    ::_exit(0);  // not through the parent's atexit handlers and destructors
  }
  ::close(fds[1]);
  std::vector<double> out;
  double value = 0;
  std::size_t have = 0;
  char* bytes = reinterpret_cast<char*>(&value);
  for (;;) {
    const auto n = ::read(fds[0], bytes + have, sizeof value - have);
    if (n <= 0)
      break;
    have += static_cast<std::size_t>(n);
    if (have == sizeof value) {
      out.push_back(value);
      have = 0;
    }
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    std::printf("  (child failed, status %d)\n", status);
  return out;
}

void silence(warden::actors::WardenConfig& config) {
  config.console = [](warden::runtime::LogLevel, std::string_view, std::string_view) {};
}

// Scans `count` transactions (the corpus, repeated) through every plugin.
void scan_corpus(warden::actors::Warden& warden, const std::vector<TransactionPtr>& corpus,
                 std::size_t count) {
  std::size_t next = 0;
  warden.scan_stream(
      [&]() -> std::optional<TransactionPtr> {
        if (next == count)
          return std::nullopt;
        return corpus[next++ % corpus.size()];
      },
      [](warden::actors::ScanReport&&) {}, warden::actors::kDefaultMaxInFlight);
}

// Lets V8's and CAF's background work after a load or a scan finish.
void settle() {
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
}

// Child: RSS before Warden::start, then idle with all workers ready, then idle
// after a warm-up scan. Returns {baseline, ready, after work, heap_used} in MB.
std::vector<double> idle_child(const std::vector<std::string>& plugins, std::size_t workers,
                               const std::vector<TransactionPtr>& corpus, std::size_t warm_scans) {
  warden::runtime::V8Platform v8;
  caf::actor_system_config caf_config;
  warden::actors::configure(caf_config);
  warden::actors::use_recommended_scheduler(caf_config);
  caf::actor_system system{caf_config};
  settle();
  const Rss baseline = read_rss();
  const Breakdown baseline_parts = read_breakdown();

  std::atomic<std::size_t> ready{0};
  warden::actors::WardenConfig config;
  for (const auto& path : plugins)
    config.plugins.push_back({path});
  config.workers_per_plugin = workers;
  config.recycle_after_scans = 0;  // idle workers must stay the ones we count
  silence(config);
  config.on_worker_event = [&ready](const WorkerEvent& event) {
    if (event.kind == WorkerEvent::Kind::ready)
      ++ready;
  };
  auto started = warden::actors::Warden::start(system, config);
  if (!started) {
    std::printf("  Warden::start: %s\n", started.error().describe().c_str());
    return {};
  }
  auto& warden = **started;
  const std::size_t expected = warden.plugins().size() * workers;
  const auto deadline = Clock::now() + std::chrono::seconds(120);
  while (ready.load() < expected && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (ready.load() < expected) {
    std::printf("  only %zu of %zu workers became ready\n", ready.load(), expected);
    return {};
  }
  settle();
  const Rss loaded = read_rss();
  const Breakdown loaded_parts = read_breakdown();
  Rss worked = loaded;
  Breakdown worked_parts = loaded_parts;
  double heap_used_mb = 0;
  if (!corpus.empty() && warm_scans > 0) {
    scan_corpus(warden, corpus, warm_scans);
    settle();
    worked = read_rss();
    worked_parts = read_breakdown();
    for (const auto& stats : warden.stats())
      heap_used_mb += static_cast<double>(stats.heap_used_bytes) / (1 << 20);
  }
  std::printf(
      "  %3zu workers (%zu plugins x %zu): baseline %6.1f MB (%d threads), ready %7.1f MB "
      "(anon %6.1f, %d threads), after %zu scans %7.1f MB (V8 heap used %.1f MB)\n",
      expected, warden.plugins().size(), workers, baseline.total_mb, baseline.threads,
      loaded.total_mb, loaded.anon_mb, loaded.threads, warm_scans, worked.total_mb, heap_used_mb);
  warden.shutdown();
  std::vector<double> out{baseline.total_mb, loaded.total_mb, worked.total_mb,
                          static_cast<double>(expected)};
  append(out, baseline_parts);
  append(out, loaded_parts);
  append(out, worked_parts);
  return out;
}

struct IdleFigures {
  double per_worker_ready = 0;  // slope, MB per worker
  double per_worker_worked = 0;
  bool from_slope = false;  // else delta / workers of one count: the fixed part included
};

IdleFigures idle_section(const std::string& name, const std::vector<std::string>& plugins,
                         const Options& options, const std::vector<TransactionPtr>& corpus) {
  std::printf("\n[a] idle worker RSS, %s (%zu plugin%s)\n", name.c_str(), plugins.size(),
              plugins.size() == 1 ? "" : "s");
  // Deltas over the baseline: total, then stacks, malloc, other anon, files.
  struct Point {
    double workers = 0;
    double ready[5] = {};
    double worked[5] = {};
  };
  std::vector<Point> points;
  for (const auto count : options.counts) {
    const std::size_t per_plugin = std::max<std::size_t>(1, count / plugins.size());
    const std::size_t warm = corpus.empty() ? 0 : options.warm_scans_per_worker * count;
    const auto r = in_child([&]() { return idle_child(plugins, per_plugin, corpus, warm); });
    if (r.size() != 16)
      continue;
    Point p;
    p.workers = r[3];
    p.ready[0] = r[1] - r[0];
    p.worked[0] = r[2] - r[0];
    for (int i = 0; i < 4; ++i) {
      p.ready[i + 1] = r[8 + i] - r[4 + i];
      p.worked[i + 1] = r[12 + i] - r[4 + i];
    }
    std::printf(
        "      delta ready %7.1f MB = %5.2f MB/worker;  delta after work %7.1f MB = %5.2f "
        "MB/worker\n",
        p.ready[0], p.ready[0] / p.workers, p.worked[0], p.worked[0] / p.workers);
    points.push_back(p);
  }
  IdleFigures figures;
  if (points.size() >= 2 && points.back().workers > points.front().workers) {
    const auto& a = points.front();
    const auto& b = points.back();
    const double dw = b.workers - a.workers;
    auto line = [&](const char* state, const double(&da)[5], const double(&db)[5]) {
      double slope[5];
      for (int i = 0; i < 5; ++i)
        slope[i] = (db[i] - da[i]) / dw;
      double fixed[5];
      for (int i = 0; i < 5; ++i)
        fixed[i] = da[i] - slope[i] * a.workers;
      std::printf(
          "  slope %g -> %g workers, %-11s %5.2f MB/worker (stacks %.2f, malloc %.2f, other "
          "anon incl. V8 heap %.2f, files %.2f)\n"
          "  %-35s fixed %5.1f MB          (stacks %.2f, malloc %.2f, other anon incl. V8 heap "
          "%.2f, files %.2f)\n",
          a.workers, b.workers, state, slope[0], slope[1], slope[2], slope[3], slope[4], "",
          fixed[0], fixed[1], fixed[2], fixed[3], fixed[4]);
      return slope[0];
    };
    figures.from_slope = true;
    figures.per_worker_ready = line("ready:", a.ready, b.ready);
    figures.per_worker_worked = line("after work:", a.worked, b.worked);
  } else if (!points.empty()) {
    figures.per_worker_ready = points.back().ready[0] / points.back().workers;
    figures.per_worker_worked = points.back().worked[0] / points.back().workers;
  }
  return figures;
}

// Child: recycles until `options.recycles` planned recycles happened. Returns
// {first sample after warm-up, last sample, max, min (MB), recycles/s, trend
// (% over the series), recycles at the first and the last sample}.
std::vector<double> recycle_child(const std::vector<std::string>& plugins, const Options& options,
                                  const std::vector<TransactionPtr>& corpus) {
  warden::runtime::V8Platform v8;
  caf::actor_system_config caf_config;
  warden::actors::configure(caf_config);
  warden::actors::use_recommended_scheduler(caf_config);
  caf::actor_system system{caf_config};

  std::atomic<uint64_t> recycles{0};
  std::atomic<uint64_t> other_downs{0};
  warden::actors::WardenConfig config;
  for (const auto& path : plugins)
    config.plugins.push_back({path});
  config.workers_per_plugin = 1;
  config.recycle_after_scans = options.recycle_every;
  silence(config);
  config.on_worker_event = [&](const WorkerEvent& event) {
    if (event.kind != WorkerEvent::Kind::down)
      return;
    if (event.reason == "recycle_threshold")
      ++recycles;
    else
      ++other_downs;
  };
  auto started = warden::actors::Warden::start(system, config);
  if (!started) {
    std::printf("  Warden::start: %s\n", started.error().describe().c_str());
    return {};
  }
  auto& warden = **started;
  std::printf("  %8s %9s %9s %9s %11s %11s %8s %8s\n", "recycles", "RSS MB", "anon MB", "vs base",
              "malloc held", "malloc used", "threads", "s");
  std::vector<std::pair<double, double>> series;  // (recycles, RSS MB) from the warm-up on
  double base = 0;
  std::size_t next = 0;
  double settling = 0;  // seconds spent quiet before samples, left out of the rate
  const auto start = Clock::now();
  auto sample = [&](uint64_t at) {
    const Rss rss = read_rss();
    const MallocFigures heap = read_malloc();
    if (base == 0 && at >= options.warmup)
      base = rss.total_mb;
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    char versus[16] = "-";
    if (base > 0)
      std::snprintf(versus, sizeof versus, "%+.1f%%", 100.0 * (rss.total_mb / base - 1));
    std::printf("  %8llu %9.1f %9.1f %9s %11.1f %11.1f %8d %8.1f\n",
                static_cast<unsigned long long>(at), rss.total_mb, rss.anon_mb, versus,
                heap.held_mb, heap.used_mb, rss.threads, elapsed);
    std::fflush(stdout);
    if (at >= options.warmup)
      series.emplace_back(static_cast<double>(at), rss.total_mb);
  };
  // Samples are taken with the pipeline drained (scan_stream returned: every
  // request answered) and the replacements loaded: RSS between recycles, not
  // a snapshot of isolates caught mid-life, which varies by several percent.
  for (uint64_t target = options.sample_every;;) {
    const uint64_t stop_at = std::min(target, options.recycles);
    warden.scan_stream(
        [&]() -> std::optional<TransactionPtr> {
          if (recycles.load() >= stop_at)
            return std::nullopt;
          return corpus[next++ % corpus.size()];
        },
        [](warden::actors::ScanReport&&) {}, warden::actors::kDefaultMaxInFlight);
    const auto quiet = Clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    settling += std::chrono::duration<double>(Clock::now() - quiet).count();
    const uint64_t done = recycles.load();
    sample(done);
    if (done >= options.recycles)
      break;
    target = (done / options.sample_every + 1) * options.sample_every;  // past any overshoot
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count() - settling;
  const double rate = static_cast<double>(recycles.load()) / seconds;
  std::printf(
      "  %llu recycles (%llu other downs), %zu transactions in %.1f s (pauses for samples "
      "excluded): %.0f recycles/s, %.0f transactions/s\n",
      static_cast<unsigned long long>(recycles.load()),
      static_cast<unsigned long long>(other_downs.load()), next, seconds, rate,
      static_cast<double>(next) / seconds);
  warden.shutdown();
  if (series.size() < 2)
    return {};
  // Least-squares line through the samples: the drift, less sensitive to one
  // sample than first vs last.
  double mean_x = 0, mean_y = 0;
  for (const auto& [x, y] : series) {
    mean_x += x / static_cast<double>(series.size());
    mean_y += y / static_cast<double>(series.size());
  }
  double sxy = 0, sxx = 0;
  for (const auto& [x, y] : series) {
    sxy += (x - mean_x) * (y - mean_y);
    sxx += (x - mean_x) * (x - mean_x);
  }
  const double slope = sxx > 0 ? sxy / sxx : 0;
  const double fit_first = mean_y + slope * (series.front().first - mean_x);
  const double trend_percent =
      100.0 * slope * (series.back().first - series.front().first) / fit_first;
  double max = 0, min = 1e300;
  for (const auto& point : series) {
    max = std::max(max, point.second);
    min = std::min(min, point.second);
  }
  return {series.front().second, series.back().second, max, min, rate, trend_percent,
          series.front().first,  series.back().first};
}

const char* verdict(bool pass) {
  return pass ? "PASS" : "FAIL";
}

}  // namespace

int main(int argc, char* argv[]) {
  Options options;
  std::string recycle_plugins = "two";
  CLI::App app{"Idle and working RSS per worker, and RSS over many recycles.", "memory_bench"};
  app.add_option("--counts", options.counts, "workers in total, per measurement (comma-separated)")
      ->delimiter(',')
      ->check(warden::bench::positive_count())
      ->capture_default_str();
  app.add_option("--recycles", options.recycles, "recycles in part b")
      ->check(warden::bench::positive_count())
      ->capture_default_str();
  app.add_option("--recycle-every", options.recycle_every, "scans per worker between recycles")
      ->check(warden::bench::positive_count())
      ->capture_default_str();
  app.add_option("--sample-every", options.sample_every, "recycles between RSS samples")
      ->check(warden::bench::positive_count())
      ->capture_default_str();
  app.add_option("--warmup", options.warmup, "recycles before the baseline sample of part b")
      ->check(warden::bench::count())
      ->capture_default_str();
  app.add_option("--recycle-plugins", recycle_plugins,
                 "part b with two of the bundled plugins, or all of them")
      ->check(CLI::IsMember({"two", "all"}))
      ->capture_default_str();
  app.footer("Google Benchmark's --benchmark_* flags are accepted and ignored.");
  if (const auto exit_code = warden::bench::parse_bench_flags(app, argc, argv))
    return *exit_code;
  options.recycle_all = recycle_plugins == "all";
  std::sort(options.counts.begin(), options.counts.end());
  // CI only keeps the benchmark alive, its figures come from deliberate runs: a tiny run.
  if (std::getenv("WARDEN_BENCH_SMOKE") != nullptr) {
    options.counts = {1, 2};
    options.recycles = 20;
    options.sample_every = 5;
    options.warmup = 5;
    options.warm_scans_per_worker = 10;
  }
  if (options.counts.empty() || options.sample_every == 0)
    options.sample_every = 1;
  options.warmup = std::max<uint64_t>(options.warmup, options.sample_every);

  std::vector<TransactionPtr> corpus;
  const std::filesystem::path corpus_dir{WARDEN_SHARED_CORPUS};
  if (std::filesystem::is_directory(corpus_dir))
    corpus = warden::bench::read_corpus(corpus_dir);
  std::vector<std::string> bundled;
  for (const auto& file : warden::bench::bundled_plugin_files())
    bundled.push_back(file.string());
  const auto trivial_path = std::filesystem::temp_directory_path() /
                            ("warden-memory-bench-" + std::to_string(::getpid()) + ".js");
  std::ofstream{trivial_path} << kTrivialPlugin;

  std::string counts_text;
  for (const auto count : options.counts) {
    if (!counts_text.empty())
      counts_text += ',';
    counts_text += std::to_string(count);
  }
  std::printf(
      "memory_bench: RSS from /proc/self/status (VmRSS), each measurement in a fresh child "
      "process; %u hardware threads; worker counts %s\n",
      std::thread::hardware_concurrency(), counts_text.c_str());
  if (corpus.empty())
    std::printf("memory_bench: no corpus at %s: idle-after-work and [b] are skipped\n",
                corpus_dir.c_str());
  else
    std::printf("memory_bench: corpus %s, %zu transactions\n", corpus_dir.c_str(), corpus.size());

  std::vector<std::pair<std::string, IdleFigures>> idle;
  if (bundled.empty())
    std::printf("\n[a] bundled plugins: skipped, none at %s/plugins\n", WARDEN_SOURCE_DIR);
  else
    idle.emplace_back("bundled plugins", idle_section("bundled plugins", bundled, options, corpus));
  idle.emplace_back(
      "trivial inline plugin",
      idle_section("trivial inline plugin", {trivial_path.string()}, options, corpus));

  // Part b twice: with glibc's malloc defaults (what a host gets unconfigured)
  // and with fixed mmap and trim thresholds (kFixedThresholdBytes, as warden sets them).
  std::vector<std::pair<std::string, std::vector<double>>> flat;
  // Two realistic bundled plugins (or all: --recycle-plugins all), one worker
  // each, when present, else the trivial one.
  std::vector<std::string> recycled;
  for (const auto& path : bundled) {
    const auto file = std::filesystem::path{path}.filename().string();
    if (options.recycle_all || file == "cookie-flags.js" || file == "secrets-in-response.js")
      recycled.push_back(path);
  }
  if (recycled.empty())
    recycled.push_back(trivial_path.string());
  if (corpus.empty()) {
    std::printf("\n[b] RSS across recycles: skipped, no corpus\n");
  } else {
    for (const auto policy : {MallocPolicy::glibc_defaults, MallocPolicy::fixed_thresholds}) {
      const std::string name = policy == MallocPolicy::glibc_defaults
                                   ? "glibc malloc defaults"
                                   : "fixed 128 KiB mmap/trim thresholds";
      std::printf(
          "\n[b] RSS across %llu recycles, %s: %zu plugin(s) x 1 worker, recycle every %llu "
          "scans; baseline = the first sample at >= %llu recycles (after a warm-up: arenas, "
          "CAF's and V8's process-wide state at working size)\n",
          static_cast<unsigned long long>(options.recycles), name.c_str(), recycled.size(),
          static_cast<unsigned long long>(options.recycle_every),
          static_cast<unsigned long long>(options.warmup));
      flat.emplace_back(name, in_child([&]() {
                          apply(policy);
                          return recycle_child(recycled, options, corpus);
                        }));
    }
  }

  std::printf("\nTargets (issue #5):\n");
  for (const auto& [name, figures] : idle) {
    std::printf("  %s idle worker <= %.0f MB RSS, %s: %.2f MB/worker ready, %.2f after work%s\n",
                verdict(figures.per_worker_worked <= kIdleTargetMb &&
                        figures.per_worker_ready <= kIdleTargetMb),
                kIdleTargetMb, name.c_str(), figures.per_worker_ready, figures.per_worker_worked,
                figures.from_slope ? " (slope)"
                                   : " (one worker count: delta / workers, fixed part included)");
  }
  for (const auto& [name, f] : flat) {
    if (f.size() != 8) {
      std::printf("  ---- RSS flat across recycles, %s: not measured\n", name.c_str());
      continue;
    }
    const double change = 100.0 * (f[1] / f[0] - 1);
    const double high = 100.0 * (f[2] / f[0] - 1);
    const double low = 100.0 * (f[3] / f[0] - 1);
    std::printf(
        "  %s RSS flat within +-%.0f%% across %llu recycles, %s: %.1f MB at %.0f recycles -> "
        "%.1f MB at %.0f (%+.1f%%; samples %+.1f%% .. %+.1f%%; least-squares trend %+.1f%%), "
        "%.0f recycles/s\n",
        verdict(std::abs(change) <= kFlatTargetPercent && std::abs(f[5]) <= kFlatTargetPercent),
        kFlatTargetPercent, static_cast<unsigned long long>(options.recycles), name.c_str(), f[0],
        f[6], f[1], f[7], change, low, high, f[5], f[4]);
  }
  std::filesystem::remove(trivial_path);
  return 0;
}
