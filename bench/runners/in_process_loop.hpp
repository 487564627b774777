#pragma once
// The limit in one process, no actors: one RecyclingEngine per plugin, called
// in a plain loop on one thread, or one thread per plugin each looping over
// the whole workload with its own engine. Included by warden_bench_limit.cpp.

#include <cstdint>
#include <vector>

#include "bench/runners/runner_common.hpp"
#include "warden/transaction.hpp"

namespace warden::bench {

enum class Threads : uint8_t { one, per_plugin };

// Loads every plugin, scans every transaction with every plugin `repeat`
// times, and returns the figures (`tally` receives the findings).
RunFigures run_in_process(const RunnerArgs& args, const std::vector<TransactionPtr>& transactions,
                          Threads threads, FindingTally& tally);

}  // namespace warden::bench
