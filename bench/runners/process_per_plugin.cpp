#include "bench/runners/process_per_plugin.hpp"

#include <chrono>
#include <exception>
#include <iostream>
#include <memory>
#include <signal.h>
#include <stdexcept>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

#include "bench/runners/child_process.hpp"
#include "bench/runners/recycling_engine.hpp"
#include "bench/runners/wire_format.hpp"
#include "warden/plugin_source.hpp"

namespace warden::bench {
namespace {

using Clock = std::chrono::steady_clock;

uint64_t own_cpu_microseconds() {
  return static_cast<uint64_t>(cpu_seconds_self() * 1e6);
}

// A plugin's child, spawned and answering: what a recycle waits for.
struct ReadyChild {
  std::unique_ptr<ChildProcess> process;
  std::string plugin_id;
  uint64_t cpu_microseconds = 0;  // the child's CPU time when it answered the ping
};

ReadyChild spawn_ready(const std::string& plugin_path) {
  ReadyChild ready;
  ready.process = std::make_unique<ChildProcess>(
      std::vector<std::string>{"/proc/self/exe", kServePluginFlag, plugin_path});
  auto pong = ready.process->send(wire::Writer{wire::Kind::ping}.take()) ? ready.process->receive()
                                                                         : std::nullopt;
  if (!pong)
    throw std::runtime_error(plugin_path + ": the plugin process did not start");
  wire::Reader in{*pong};
  if (in.kind() != wire::Kind::ping)
    throw std::runtime_error(plugin_path + ": no pong");
  ready.plugin_id = in.str();
  ready.cpu_microseconds = in.u64();
  return ready;
}

// One plugin's side of the run, on its own thread.
struct Feeder {
  std::string plugin_path;
  ReadyChild child;
  uint64_t peak_rss_kib = 0;  // the largest of this plugin's children
  FindingTally tally;
  std::vector<double> latency_ms;
  std::vector<double> recycle_ms;
  uint64_t restarts = 0;
  std::exception_ptr failure;

  void replace_child() {
    peak_rss_kib = std::max(peak_rss_kib, child.process->kill_and_reap());
    child = spawn_ready(plugin_path);
  }

  void answer(const std::string& transaction_id, const std::string& payload) {
    wire::Reader in{payload};
    if (in.kind() != wire::Kind::result)
      throw std::runtime_error("unexpected answer");
    if (in.u8() == 0) {
      tally.fail(child.plugin_id, transaction_id, in.str());
      return;
    }
    for (uint32_t n = in.u32(); n > 0; --n) {
      const std::string title = in.str();
      const std::string severity = in.str();
      tally.accept_line(child.plugin_id, transaction_id, title, severity);
    }
    tally.count_ok(child.plugin_id);
  }

  void run(const std::vector<TransactionPtr>& transactions, const std::vector<std::string>& encoded,
           uint64_t repeat, uint64_t recycle_every) {
    uint64_t scans = 0;
    for (uint64_t pass = 0; pass < repeat; ++pass) {
      for (std::size_t i = 0; i < transactions.size(); ++i) {
        const auto start = Clock::now();
        auto reply = child.process->send(encoded[i]) ? child.process->receive() : std::nullopt;
        latency_ms.push_back(milliseconds_since(start));
        if (reply) {
          answer(transactions[i]->id, *reply);
        } else {
          tally.fail(child.plugin_id, transactions[i]->id, "the plugin process died");
          ++restarts;
          replace_child();
        }
        if (recycle_every > 0 && ++scans % recycle_every == 0) {
          const auto recycle_start = Clock::now();
          replace_child();
          recycle_ms.push_back(milliseconds_since(recycle_start));
        }
      }
    }
  }
};

}  // namespace

RunFigures run_process_per_plugin(const RunnerArgs& args,
                                  const std::vector<TransactionPtr>& transactions,
                                  FindingTally& tally) {
  ::signal(SIGPIPE, SIG_IGN);  // a dead child shows as a failed write, not our death
  std::vector<std::unique_ptr<Feeder>> feeders;
  uint64_t startup_cpu_microseconds = 0;
  for (const auto& path : plugin_files(args.plugins_dir)) {
    auto feeder = std::make_unique<Feeder>();
    feeder->plugin_path = path;
    feeder->child = spawn_ready(path);
    startup_cpu_microseconds += feeder->child.cpu_microseconds;
    feeders.push_back(std::move(feeder));
  }
  RunFigures figures;
  figures.expected = feeders.size() * transactions.size() * args.repeat;

  const auto start = Clock::now();
  const double cpu_start = cpu_seconds_self() + cpu_seconds_children();
  // Each transaction is encoded once, in the timed phase, for every plugin and pass.
  std::vector<std::string> encoded;
  encoded.reserve(transactions.size());
  for (const auto& transaction : transactions)
    encoded.push_back(wire::encode_scan(*transaction));
  std::vector<std::thread> threads;
  for (auto& feeder : feeders) {
    threads.emplace_back([&, raw = feeder.get()] {
      try {
        raw->run(transactions, encoded, args.repeat, args.recycle_every);
      } catch (...) {
        raw->failure = std::current_exception();
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  figures.seconds = milliseconds_since(start) / 1000;

  double peak_rss_kib = 0;
  uint64_t restarts = 0;
  for (auto& feeder : feeders) {
    feeder->peak_rss_kib = std::max(feeder->peak_rss_kib, feeder->child.process->kill_and_reap());
    peak_rss_kib += static_cast<double>(feeder->peak_rss_kib);
    restarts += feeder->restarts;
  }
  // Children count in RUSAGE_CHILDREN once reaped, with their start-up before
  // the clock, which the pong told us and is taken off again.
  figures.cpu_seconds = cpu_seconds_self() + cpu_seconds_children() - cpu_start -
                        static_cast<double>(startup_cpu_microseconds) / 1e6;
  for (auto& feeder : feeders) {
    if (feeder->failure)
      std::rethrow_exception(feeder->failure);
    tally.merge(std::move(feeder->tally));
    figures.latency_ms.insert(figures.latency_ms.end(), feeder->latency_ms.begin(),
                              feeder->latency_ms.end());
    figures.recycle_ms.insert(figures.recycle_ms.end(), feeder->recycle_ms.begin(),
                              feeder->recycle_ms.end());
  }
  // Processes do not share memory: the peak is this process plus each
  // plugin's largest child (an upper bound: the peaks need not coincide).
  figures.peak_rss_mb = peak_rss_mb_self() + peak_rss_kib / 1024;
  rusage children{};
  getrusage(RUSAGE_CHILDREN, &children);
  figures.extra["restarts"] = restarts;
  figures.extra["largest_child_rss_mb"] = static_cast<double>(children.ru_maxrss) / 1024;
  figures.extra["peak_rss"] = "this process + the largest child of each plugin";
  return figures;
}

int serve_plugin(const std::string& plugin_path) {
  auto source = runtime::PluginSource::read(plugin_path);
  if (!source) {
    std::cerr << source.error().describe() << "\n";
    return 1;
  }
  RecyclingEngine engine{*source, bench_engine_options(), 0};
  while (auto frame = read_frame(STDIN_FILENO)) {
    wire::Reader in{*frame};
    std::string reply;
    switch (in.kind()) {
      case wire::Kind::ping:
        reply = wire::encode_pong(engine.plugin_id(), own_cpu_microseconds());
        break;
      case wire::Kind::scan:
        reply = wire::encode_result(engine.scan(wire::decode_transaction(in)));
        (void)engine.recycle_if_due();  // never due here (the parent recycles): restarts only
        break;
      default:
        std::cerr << "unexpected message\n";
        return 1;
    }
    if (!write_frame(STDOUT_FILENO, reply))
      return 1;
  }
  return 0;
}

}  // namespace warden::bench
