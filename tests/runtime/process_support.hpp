#pragma once
// Helpers for the worker-process tests: a launcher over the built
// warden-worker, the demo HAR's transactions, and findings compared field by field.

#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "warden/har_reader.hpp"
#include "warden/worker_process.hpp"

namespace warden::test {

inline std::string worker_executable() {
  return std::string(WARDEN_BIN_DIR) + "/warden-worker";
}

inline std::shared_ptr<runtime::ProcessLauncher> start_launcher(
    runtime::ProcessOptions options = {}) {
  options.worker_executable = worker_executable();
  auto launcher = runtime::ProcessLauncher::start(std::move(options));
  INFO((launcher ? "" : launcher.error().describe()));
  REQUIRE(launcher.ok());
  return *launcher;
}

// Whether the fork server forks here: it refuses while its process has
// another thread, which ThreadSanitizer's runtime may keep. Any other launch
// failure fails the calling test.
inline bool fork_server_forks() {
  static const bool forks = [] {
    auto launcher = start_launcher();
    auto worker =
        launcher->launch(std::make_shared<const runtime::PluginSource>(
                             "probe.js", "export default { id: 'probe', scan() { return []; } };"),
                         runtime::EngineOptions{});
    if (worker.ok())
      return true;
    INFO(worker.error().describe());
    REQUIRE_THAT(worker.error().message, Catch::Contains("forks only with one"));
    return false;
  }();
  return forks;
}

inline std::vector<TransactionPtr> demo_transactions() {
  std::vector<TransactionPtr> transactions;
  auto read = runtime::read_har_file(
      std::string(WARDEN_SOURCE_DIR) + "/examples/demo.har", [&](Transaction&& t) {
        transactions.push_back(std::make_shared<const Transaction>(std::move(t)));
        return true;
      });
  REQUIRE(read.ok());
  return transactions;
}

// Every field, so a lossy encoding cannot hide behind equal titles.
inline std::string describe(const Finding& f) {
  std::string text = f.plugin_id + "|" + f.transaction_id + "|" + f.url + "|" + f.title + "|" +
                     std::string(to_string(f.severity)) + "|" + f.description + "|" + f.evidence +
                     "|" + std::to_string(f.cwe) + "|" + std::string(to_string(f.confidence)) +
                     "|" + f.param + "|" + f.other_info + "|" + f.solution + "|" +
                     std::to_string(f.wasc);
  for (const std::string& r : f.references)
    text += "|" + r;
  return text;
}

}  // namespace warden::test
