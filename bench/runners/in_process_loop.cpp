#include "bench/runners/in_process_loop.hpp"

#include <chrono>
#include <exception>
#include <latch>
#include <memory>
#include <thread>

#include "bench/runners/recycling_engine.hpp"
#include "warden/plugin_source.hpp"

namespace warden::bench {
namespace {

using Clock = std::chrono::steady_clock;

runtime::PluginSourcePtr read_source(const std::string& path) {
  auto source = runtime::PluginSource::read(path);
  if (!source)
    throw std::runtime_error(source.error().describe());
  return std::move(source).value();
}

// What one loop collects; one per thread, merged at the end.
struct LoopRecord {
  FindingTally tally;
  std::vector<double> latency_ms;
  std::vector<double> recycle_ms;
  uint64_t restarts = 0;
};

void scan_one(RecyclingEngine& engine, const TransactionPtr& transaction, LoopRecord& record) {
  const auto start = Clock::now();
  auto found = engine.scan(transaction);
  record.latency_ms.push_back(milliseconds_since(start));
  if (found) {
    record.tally.accept(engine.plugin_id(), *found);
  } else {
    record.tally.fail(engine.plugin_id(), transaction->id, found.error().describe());
  }
  if (auto took = engine.recycle_if_due())
    record.recycle_ms.push_back(*took);
}

// Plugins in the inner loop: each transaction goes through every plugin in turn.
LoopRecord run_one_thread(const RunnerArgs& args, const std::vector<TransactionPtr>& transactions,
                          const std::vector<runtime::PluginSourcePtr>& sources,
                          RunFigures& figures) {
  std::vector<std::unique_ptr<RecyclingEngine>> engines;
  for (const auto& source : sources) {
    engines.push_back(
        std::make_unique<RecyclingEngine>(source, bench_engine_options(), args.recycle_every));
  }
  LoopRecord record;
  record.latency_ms.reserve(figures.expected);
  const auto start = Clock::now();
  const double cpu_start = cpu_seconds_self();
  for (uint64_t pass = 0; pass < args.repeat; ++pass) {
    for (const auto& transaction : transactions) {
      for (auto& engine : engines)
        scan_one(*engine, transaction, record);
    }
  }
  figures.seconds = milliseconds_since(start) / 1000;
  figures.cpu_seconds = cpu_seconds_self() - cpu_start;
  for (const auto& engine : engines)
    record.restarts += engine->restarts();
  return record;
}

// Every thread loads its engine (an isolate lives on the thread that made it),
// then all start together once every engine is ready.
LoopRecord run_thread_per_plugin(const RunnerArgs& args,
                                 const std::vector<TransactionPtr>& transactions,
                                 const std::vector<runtime::PluginSourcePtr>& sources,
                                 RunFigures& figures) {
  const auto count = static_cast<std::ptrdiff_t>(sources.size());
  std::latch loaded{count};
  std::latch go{1};
  std::vector<LoopRecord> records(sources.size());
  std::vector<std::exception_ptr> failures(sources.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    threads.emplace_back([&, i] {
      std::unique_ptr<RecyclingEngine> engine;
      try {
        engine = std::make_unique<RecyclingEngine>(sources[i], bench_engine_options(),
                                                   args.recycle_every);
      } catch (...) {
        failures[i] = std::current_exception();
      }
      loaded.count_down();
      go.wait();
      if (!engine)
        return;
      auto& record = records[i];
      record.latency_ms.reserve(transactions.size() * args.repeat);
      try {
        for (uint64_t pass = 0; pass < args.repeat; ++pass) {
          for (const auto& transaction : transactions)
            scan_one(*engine, transaction, record);
        }
      } catch (...) {  // a reload failed
        failures[i] = std::current_exception();
      }
      record.restarts = engine->restarts();
    });
  }
  loaded.wait();
  const auto start = Clock::now();
  const double cpu_start = cpu_seconds_self();
  go.count_down();
  for (auto& thread : threads)
    thread.join();
  figures.seconds = milliseconds_since(start) / 1000;
  figures.cpu_seconds = cpu_seconds_self() - cpu_start;
  for (const auto& failure : failures) {
    if (failure)
      std::rethrow_exception(failure);
  }
  LoopRecord all;
  for (auto& record : records) {
    all.tally.merge(std::move(record.tally));
    all.latency_ms.insert(all.latency_ms.end(), record.latency_ms.begin(), record.latency_ms.end());
    all.recycle_ms.insert(all.recycle_ms.end(), record.recycle_ms.begin(), record.recycle_ms.end());
    all.restarts += record.restarts;
  }
  return all;
}

}  // namespace

RunFigures run_in_process(const RunnerArgs& args, const std::vector<TransactionPtr>& transactions,
                          Threads threads, FindingTally& tally) {
  std::vector<runtime::PluginSourcePtr> sources;
  for (const auto& path : plugin_files(args.plugins_dir))
    sources.push_back(read_source(path));
  RunFigures figures;
  figures.expected = sources.size() * transactions.size() * args.repeat;
  LoopRecord record = threads == Threads::one
                          ? run_one_thread(args, transactions, sources, figures)
                          : run_thread_per_plugin(args, transactions, sources, figures);
  tally.merge(std::move(record.tally));
  figures.latency_ms = std::move(record.latency_ms);
  figures.recycle_ms = std::move(record.recycle_ms);
  figures.extra["restarts"] = record.restarts;
  return figures;
}

}  // namespace warden::bench
