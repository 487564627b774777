// The blocking facade for non-actor hosts: timeouts that answer instead of
// hanging, many host threads calling at once, the future form, single-plugin
// and batch scans, and host metadata through both isolations.
#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include <catch2/catch.hpp>

#include "tests/actors/actors_test_support.hpp"
#include "warden/warden.hpp"

using namespace warden;
using namespace warden::actors;
using namespace warden::test;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

// Reads the host metadata back into its finding's title: two keys, the type of
// an absent and of an inherited-looking key, whether it is frozen, its keys,
// and whether the transaction's JSON form shows it.
constexpr const char* kMetadataPlugin = R"(export default {
  id: "meta",
  scan(txn) {
    const m = txn.metadata;
    return [{ title: [m.tenant, m["scan id"], typeof m.absent, typeof m.toString,
                      Object.isFrozen(m), Object.keys(m).join("+"),
                      JSON.stringify(txn).includes("metadata")].join("|"),
              severity: "info" }];
  },
};
)";

Metadata sample_metadata() {
  return {{"tenant", "acme"}, {"scan id", "run-7"}};
}

TransactionPtr with_metadata(std::size_t index, Metadata metadata) {
  auto transaction = std::make_shared<Transaction>(*make_transaction(index));
  transaction->metadata = std::move(metadata);
  return transaction;
}

// Starts Warden with the plugins `config` names, in `system`; REQUIREs success.
std::unique_ptr<Warden> start(caf::actor_system& system, const WardenConfig& config) {
  auto warden = Warden::start(system, config);
  if (!warden.ok()) {
    FAIL(warden.error().describe());
  }
  return std::move(warden).value();
}

bool all_failures_are(const ScanReport& report, ErrorCode code, std::size_t count) {
  if (report.failures.size() != count) {
    return false;
  }
  for (const auto& failure : report.failures) {
    if (failure.error.code != code) {
      return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("a blocking scan of a plugin that loops answers request_timeout after its timeout",
          "[actors]") {
  TempDir dir;
  WardenConfig config;
  config.plugins = {{dir.write("loop.js", poison_plugin("loop"))}};
  config.limits.scan_timeout = 1s;  // the engine ends each loop later; the facade must not wait
  config.call_timeout = 300ms;
  // Five looping scans are the point here, not the restart policy's answer to them.
  config.max_failure_restarts = 100;
  config.max_failure_share = 0;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start(system, config);
  const auto poison = make_transaction_with_url("p", "https://example.com/poison");

  // The default from WardenConfig::call_timeout.
  auto began = Clock::now();
  const auto by_default = warden->scan(poison);
  auto waited = Clock::now() - began;
  CHECK(waited >= 300ms);
  CHECK(waited < 30s);  // generous on a loaded machine; the code below says who answered
  CHECK(by_default.transaction_id == "p");
  REQUIRE(all_failures_are(by_default, ErrorCode::request_timeout, 1));
  CHECK(by_default.failures[0].plugin_id == "loop");
  CHECK_THAT(by_default.failures[0].error.message, Catch::Contains("no answer within 300 ms"));

  // A timeout named by the call, for each form.
  began = Clock::now();
  const auto named = warden->scan(poison, 200ms);
  CHECK(Clock::now() - began < 30s);
  CHECK(all_failures_are(named, ErrorCode::request_timeout, 1));
  CHECK(all_failures_are(warden->scan("loop", poison, 200ms), ErrorCode::request_timeout, 1));
  const auto batch = warden->scan(std::vector<TransactionPtr>{make_transaction(1), poison}, 200ms);
  REQUIRE(batch.size() == 2);
  CHECK(batch[0].transaction_id == "1");
  CHECK(all_failures_are(batch[1], ErrorCode::request_timeout, 1));
  auto later = warden->scan_async(poison, 200ms);
  REQUIRE(later.wait_for(30s) == std::future_status::ready);
  CHECK(all_failures_are(later.get(), ErrorCode::request_timeout, 1));

  // The plugin still answers what it can once the engine ended the loops.
  const auto fine = warden->scan(make_transaction(2), 60s);
  CHECK(fine.failures.empty());
  CHECK(fine.findings.size() == 1);
  warden->shutdown();
  // After shutdown every form answers shutting_down at once.
  CHECK(all_failures_are(warden->scan(make_transaction(3)), ErrorCode::shutting_down, 1));
  CHECK(
      all_failures_are(warden->scan_async(make_transaction(3)).get(), ErrorCode::shutting_down, 1));
  CHECK(all_failures_are(warden->scan("loop", make_transaction(3)), ErrorCode::shutting_down, 1));
}

TEST_CASE("eight host threads calling scan at once each get their own correct reports",
          "[actors]") {
  TempDir dir;
  const std::vector<std::string> paths = {dir.write("a.js", header_plugin("alpha")),
                                          dir.write("b.js", header_plugin("beta"))};
  constexpr std::size_t kThreads = 8;
  constexpr std::size_t kPerThread = 40;
  std::vector<TransactionPtr> input;
  for (std::size_t i = 0; i < kThreads * kPerThread; ++i) {
    input.push_back(make_transaction(i));
  }
  const auto expected = reference_findings(paths, input);
  WardenConfig config;
  for (const auto& path : paths) {
    config.plugins.push_back({path});
  }
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start(system, config);
  std::vector<ScanReport> reports(input.size());
  std::atomic<bool> go{false};
  std::vector<std::thread> callers;
  for (std::size_t t = 0; t < kThreads; ++t) {
    callers.emplace_back([&, t] {
      while (!go) {
        std::this_thread::yield();
      }
      for (std::size_t i = t; i < input.size(); i += kThreads) {
        // Each thread mixes the three blocking forms.
        if (i % 3 == 0) {
          reports[i] = warden->scan(input[i]);
        } else if (i % 3 == 1) {
          reports[i] = std::move(warden->scan(std::vector<TransactionPtr>{input[i]}).at(0));
        } else {
          reports[i] = warden->scan_async(input[i]).get();
        }
      }
    });
  }
  go = true;
  for (auto& caller : callers) {
    caller.join();
  }
  for (std::size_t i = 0; i < input.size(); ++i) {
    CHECK(reports[i].transaction_id == input[i]->id);
    CHECK(reports[i].failures.empty());
    CHECK(same_findings(reports[i].findings, expected[i]));
  }
  warden->shutdown();
}

TEST_CASE("scan_async returns at once and its future delivers the report", "[actors]") {
  TempDir dir;
  WardenConfig config;
  config.plugins = {{dir.write("a.js", header_plugin("alpha"))}};
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start(system, config);
  std::vector<std::future<ScanReport>> futures;
  for (std::size_t i = 0; i < 50; ++i) {
    futures.push_back(warden->scan_async(make_transaction(i)));
  }
  for (std::size_t i = 0; i < futures.size(); ++i) {
    REQUIRE(futures[i].wait_for(60s) == std::future_status::ready);
    const auto report = futures[i].get();
    CHECK(report.transaction_id == std::to_string(i));
    CHECK(report.failures.empty());
    CHECK(report.findings.size() == i % 4 + (i % 7 == 0 ? 1 : 0));
  }
  // A future may outlive its Warden: the answer came before shutdown.
  auto last = warden->scan_async(make_transaction(3));
  warden.reset();
  REQUIRE(last.wait_for(60s) == std::future_status::ready);
  CHECK(last.get().findings.size() == 3);
}

TEST_CASE("the facade scans through one named plugin, and an unknown id is a failure", "[actors]") {
  TempDir dir;
  WardenConfig config;
  config.plugins = {{dir.write("a.js", header_plugin("alpha"))},
                    {dir.write("b.js", header_plugin("beta"))}};
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start(system, config);
  const auto report = warden->scan("beta", make_transaction(2));
  CHECK(report.transaction_id == "2");
  CHECK(report.failures.empty());
  REQUIRE(report.findings.size() == 2);
  CHECK(report.findings[0].plugin_id == "beta");
  CHECK(report.findings[1].plugin_id == "beta");
  CHECK(warden->scan(make_transaction(2)).findings.size() == 4);  // both plugins
  const auto unknown = warden->scan("gamma", make_transaction(2));
  CHECK(unknown.findings.empty());
  REQUIRE(unknown.failures.size() == 1);
  CHECK(unknown.failures[0].plugin_id == "gamma");
  CHECK(unknown.failures[0].error.code == ErrorCode::unknown_plugin);
  warden->shutdown();
}

TEST_CASE("a batch scan answers one report per transaction, in input order", "[actors]") {
  TempDir dir;
  const std::vector<std::string> paths = {dir.write("a.js", header_plugin("alpha")),
                                          dir.write("b.js", header_plugin("beta"))};
  std::vector<TransactionPtr> input;
  for (std::size_t i = 0; i < 100; ++i) {
    input.push_back(make_transaction(i));
  }
  const auto expected = reference_findings(paths, input);
  WardenConfig config;
  for (const auto& path : paths) {
    config.plugins.push_back({path});
  }
  config.max_batch = 7;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start(system, config);
  const auto reports = warden->scan(input);
  REQUIRE(reports.size() == input.size());
  for (std::size_t i = 0; i < input.size(); ++i) {
    CHECK(reports[i].transaction_id == input[i]->id);
    CHECK(reports[i].failures.empty());
    CHECK(same_findings(reports[i].findings, expected[i]));
  }
  CHECK(warden->scan(std::vector<TransactionPtr>{}).empty());
  warden->shutdown();
}

TEST_CASE(
    "host metadata is readable by plugins and comes back on every finding, in both "
    "isolations",
    "[actors]") {
  for (const auto isolation : {Isolation::thread, Isolation::process}) {
    CAPTURE(to_string(isolation));
    TempDir dir;
    WardenConfig config;
    config.isolation = isolation;
    config.plugins = {{dir.write("meta.js", kMetadataPlugin)},
                      {dir.write("a.js", header_plugin("alpha"))}};
    TestConfig caf_config;
    caf::actor_system system{caf_config};
    auto warden = start(system, config);
    REQUIRE(warden->isolation() == isolation);

    const auto tagged = with_metadata(3, sample_metadata());
    const auto report = warden->scan(tagged);
    REQUIRE(report.failures.empty());
    REQUIRE(report.findings.size() == 4);  // meta's one, alpha's three X- headers
    CHECK(report.findings[0].title == "acme|run-7|undefined|undefined|true|scan id+tenant|false");
    for (const auto& finding : report.findings) {
      CHECK(finding.metadata == sample_metadata());
    }

    // No metadata: an empty object to the plugin, empty maps on the findings.
    const auto plain = warden->scan(make_transaction(3));
    REQUIRE(plain.findings.size() == 4);
    CHECK(plain.findings[0].title == "||undefined|undefined|true||false");
    for (const auto& finding : plain.findings) {
      CHECK(finding.metadata.empty());
    }

    // The other forms carry it too: each transaction's own.
    const auto batch = warden->scan(
        std::vector<TransactionPtr>{with_metadata(1, {{"tenant", "one"}}), make_transaction(2),
                                    with_metadata(5, {{"tenant", "five"}})});
    REQUIRE(batch.size() == 3);
    CHECK(batch[0].findings.at(0).metadata.at("tenant") == "one");
    CHECK(batch[1].findings.at(0).metadata.empty());
    CHECK(batch[2].findings.at(0).metadata.at("tenant") == "five");
    const auto single = warden->scan("meta", tagged);
    REQUIRE(single.findings.size() == 1);
    CHECK(single.findings[0].metadata == sample_metadata());
    auto later = warden->scan_async(tagged);
    REQUIRE(later.wait_for(60s) == std::future_status::ready);
    const auto async_report = later.get();
    REQUIRE(async_report.findings.size() == 4);
    CHECK(async_report.findings[3].metadata == sample_metadata());
    warden->shutdown();
  }
}
