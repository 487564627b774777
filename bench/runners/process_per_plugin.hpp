#pragma once
// The limit runner's --process-per-plugin mode: one OS process per plugin (this binary again,
// with the hidden flag --serve-plugin FILE), fed transactions over pipes; a
// recycle kills the child and spawns a new one, timed until it answers a ping.
// Included by warden_bench_limit.cpp.

#include <string>
#include <vector>

#include "bench/runners/runner_common.hpp"
#include "warden/transaction.hpp"

namespace warden::bench {

inline constexpr const char* kServePluginFlag = "--serve-plugin";

// The parent: one child and one feeding thread per plugin, each thread sending
// every transaction to its child and waiting for the answer.
RunFigures run_process_per_plugin(const RunnerArgs& args,
                                  const std::vector<TransactionPtr>& transactions,
                                  FindingTally& tally);

// The child's main loop: loads `plugin_path`, then answers frames on stdin
// with frames on stdout until stdin closes. Needs a V8Platform. Returns the
// exit code.
int serve_plugin(const std::string& plugin_path);

}  // namespace warden::bench
