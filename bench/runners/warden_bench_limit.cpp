// Claim (issue #5): the limit Warden is measured against: the same plugins,
// one V8 engine per plugin, called without actors. Modes:
//   (default)               a plain loop on one thread of one process
//   --threads per-plugin    one thread per plugin, each with its own engine
//   --process-per-plugin    one child process per plugin, fed over pipes
// Recycling every N scans (per plugin) applies in every mode: in process it
// destroys and recreates the engine on the same thread (--recycle-mode
// same-thread, the only in-process mode, accepted for clarity); with processes
// it kills the child and spawns a new one, timed until it answers a ping.
//
//   warden-bench-limit [--threads one|per-plugin] [--recycle-mode same-thread]
//     [--process-per-plugin] --plugins DIR --har FILE... --recycle-every N --repeat K
//
// Prints one JSON line (bench/README.md, "Runner protocol").

#include <cstring>
#include <exception>
#include <iostream>
#include <memory>
#include <string>

#include "bench/runners/in_process_loop.hpp"
#include "bench/runners/process_per_plugin.hpp"
#include "bench/runners/runner_common.hpp"
#include "warden/v8_platform.hpp"

namespace {

using namespace warden::bench;

int run(int argc, char** argv) {
  const RunnerArgs args =
      parse_runner_args(argc, argv, {"--threads", "--recycle-mode"}, {"--process-per-plugin"});
  const auto threads_flag = args.flags.count("--threads") ? args.flags.at("--threads") : "one";
  if (threads_flag != "one" && threads_flag != "per-plugin") {
    throw std::invalid_argument("--threads is one or per-plugin");
  }
  if (args.flags.count("--recycle-mode") && args.flags.at("--recycle-mode") != "same-thread") {
    throw std::invalid_argument("--recycle-mode is same-thread");
  }
  const bool processes = args.flags.count("--process-per-plugin") != 0;
  if (processes && threads_flag != "one") {
    throw std::invalid_argument("--process-per-plugin already runs one process per plugin");
  }
  const auto transactions = read_transactions(args.har_files);
  FindingTally tally;
  RunFigures figures;
  if (processes) {
    figures = run_process_per_plugin(args, transactions, tally);
    figures.runner = "v8-process-per-plugin";
    figures.extra["mode"] = "process per plugin, pipes, recycle = kill + spawn until ping";
  } else {
    const warden::runtime::V8Platform v8;  // before any engine, gone after the last
    const auto threads = threads_flag == "one" ? Threads::one : Threads::per_plugin;
    figures = run_in_process(args, transactions, threads, tally);
    figures.peak_rss_mb = peak_rss_mb_self();
    figures.runner = threads == Threads::one ? "v8-loop" : "v8-loop-threads";
    figures.extra["mode"] = threads == Threads::one
                                ? "one thread, recycle = destroy + create + load on it"
                                : "thread per plugin, recycle = destroy + create + load on it";
  }
  figures.extra["transactions"] = transactions.size();
  figures.extra["plugins"] = plugin_files(args.plugins_dir).size();
  figures.extra["v8"] = warden::runtime::V8Platform::version();
  print_result_line(std::move(figures), tally);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc == 3 && std::strcmp(argv[1], kServePluginFlag) == 0) {
      const warden::runtime::V8Platform v8;
      return serve_plugin(argv[2]);
    }
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "warden-bench-limit: " << e.what() << "\n";
    return 1;
  }
}
