// Plugin handles: a plugin_actor names one plugin, scans through it alone,
// stays valid across recycles, failure restarts, quarantine and enable, and
// answers "plugin X was removed" once its plugin is retired; an unknown id
// gets an error value, not a handle.
#include "actors/plugin_handle.hpp"

#include <catch2/catch.hpp>

#include "tests/actors/actors_test_support.hpp"
#include "warden/warden.hpp"

using namespace warden;
using namespace warden::actors;
using namespace warden::test;
using namespace std::chrono_literals;

namespace {

// Asks the supervisor for the handle of `id`, or fails the test.
plugin_actor handle_of(caf::scoped_actor& self, const warden_actor& supervisor,
                       const std::string& id) {
  plugin_actor handle;
  self->request(supervisor, 60s, plugin_atom::value, id)
      .receive(
          [&](plugin_actor& answer) { handle = std::move(answer); },
          [&](caf::error& error) { FAIL("no handle for " << id << ": " << to_string(error)); });
  return handle;
}

ScanReport scan_through(caf::scoped_actor& self, const plugin_actor& handle,
                        const TransactionPtr& transaction) {
  ScanReport report;
  self->request(handle, 60s, scan_atom::value, transaction)
      .receive([&](ScanReport& answer) { report = std::move(answer); },
               [&](caf::error& error) { FAIL("no answer: " << to_string(error)); });
  return report;
}

// Stops a handle spawned by the test itself.
struct ExitAtEnd {
  ~ExitAtEnd() {
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  }
  plugin_actor actor;
};

}  // namespace

TEST_CASE(
    "a plugin handle scans one transaction or a batch through its plugin alone and reports its "
    "stats",
    "[actors]") {
  TempDir dir;
  const std::vector<std::string> paths = {dir.write("a.js", header_plugin("alpha")),
                                          dir.write("b.js", header_plugin("beta"))};
  WardenConfig config;
  for (const auto& path : paths) {
    config.plugins.push_back({path});
  }
  config.workers_per_plugin = 1;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);
  caf::scoped_actor self{system};
  const auto input = transactions(30);
  const auto expected = reference_findings({paths[1]}, input);

  const auto beta = handle_of(self, warden->supervisor(), "beta");
  CHECK(beta == handle_of(self, warden->supervisor(), "beta"));  // one handle per plugin
  for (std::size_t i = 0; i < 10; ++i) {
    const auto report = scan_through(self, beta, input[i]);
    CHECK(report.transaction_id == input[i]->id);
    CHECK(report.failures.empty());
    CHECK(same_findings(report.findings, expected[i]));
  }
  std::vector<ScanReport> reports;
  self->request(beta, 60s, scan_atom::value,
                std::vector<TransactionPtr>(input.begin() + 10, input.end()))
      .receive([&](std::vector<ScanReport>& answer) { reports = std::move(answer); },
               [&](caf::error& error) { FAIL(to_string(error)); });
  REQUIRE(reports.size() == 20);
  for (std::size_t i = 0; i < reports.size(); ++i) {
    CHECK(reports[i].transaction_id == input[10 + i]->id);
    CHECK(reports[i].failures.empty());
    CHECK(same_findings(reports[i].findings, expected[10 + i]));
  }
  PluginStats stats;
  self->request(beta, 60s, stats_atom::value)
      .receive([&](PluginStats& answer) { stats = std::move(answer); },
               [&](caf::error& error) { FAIL(to_string(error)); });
  CHECK(stats.plugin_id == "beta");
  CHECK(stats.scans == 30);
  CHECK(stats_of(warden->stats(), "alpha").scans == 0);  // alpha never saw them

  // The facade hands out the same handle; an unknown id is an error value.
  auto from_facade = warden->plugin("beta");
  REQUIRE(from_facade.ok());
  CHECK(*from_facade == beta);
  auto unknown = warden->plugin("gamma");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::unknown_plugin);
  CHECK(unknown.error().message.find("gamma") != std::string::npos);
  bool refused = false;
  self->request(warden->supervisor(), 60s, plugin_atom::value, std::string{"gamma"})
      .receive([&](plugin_actor&) { FAIL("a handle for an unknown plugin"); },
               [&](caf::error& error) {
                 const auto read = request_error_of(error);
                 refused = read && read->code == ErrorCode::unknown_plugin;
               });
  CHECK(refused);
  warden->shutdown();
  // After shutdown the handle is gone: its requests fail instead of waiting.
  bool failed = false;
  self->request(beta, 60s, scan_atom::value, input[0])
      .receive([&](ScanReport&) {}, [&](caf::error&) { failed = true; });
  CHECK(failed);
  CHECK_FALSE(warden->plugin("beta").ok());
}

TEST_CASE(
    "a plugin handle stays valid across recycles, a failure restart, quarantine and enable, and "
    "answers what the single-plugin scan answers then",
    "[actors]") {
  TempDir dir;
  WardenConfig config;
  config.plugins = {{dir.write("p.js", poison_plugin("poison"))}};
  config.workers_per_plugin = 1;
  config.recycle_after_scans = 3;
  config.max_workers_per_plugin = 1;
  config.warm_spare = false;  // every recycle at its threshold, the replacement in its slot
  config.limits.scan_timeout = 200ms;
  config.restart_backoff = 1ms;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);
  caf::scoped_actor self{system};
  const auto handle = handle_of(self, warden->supervisor(), "poison");

  for (int i = 0; i < 12; ++i) {  // four recycles
    const auto report = scan_through(self, handle, make_transaction(i));
    CHECK(report.failures.empty());
    REQUIRE(report.findings.size() == 1);
    CHECK(report.findings[0].title == "seen " + std::to_string(i));
  }
  const auto hung =
      scan_through(self, handle, make_transaction_with_url("hang", "https://example.com/poison"));
  REQUIRE(hung.failures.size() == 1);
  CHECK(hung.failures[0].error.code == ErrorCode::timeout);
  CHECK(scan_through(self, handle, make_transaction(20)).findings.size() == 1);

  REQUIRE(warden->quarantine("poison"));
  const auto quarantined = scan_through(self, handle, make_transaction(21));
  REQUIRE(quarantined.failures.size() == 1);
  CHECK(quarantined.failures[0].error.code == ErrorCode::quarantined);
  REQUIRE(warden->enable("poison"));
  const auto enabled = scan_through(self, handle, make_transaction(22));
  CHECK(enabled.failures.empty());
  CHECK(enabled.findings.size() == 1);

  const auto stats = stats_of(warden->stats(), "poison");
  CHECK(count_of(stats.restarts_by_reason, "recycle_threshold") >= 4);
  CHECK(count_of(stats.restarts_by_reason, "timeout") == 2);  // the try and its retry
  warden->shutdown();
}

TEST_CASE("a retired plugin handle answers that its plugin was removed", "[actors]") {
  TempDir dir;
  WardenConfig config;
  config.plugins = {{dir.write("a.js", header_plugin("alpha"))}};
  config.workers_per_plugin = 1;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);
  caf::scoped_actor self{system};
  // The handle the supervisor would spawn, with its removal switch at hand.
  const auto handle = spawn_plugin_handle(system, warden->supervisor(), "alpha");
  const ExitAtEnd exit_at_end{handle.actor};
  CHECK(scan_through(self, handle.actor, make_transaction(3)).failures.empty());

  handle.removed->store(true);
  const auto report = scan_through(self, handle.actor, make_transaction(5));
  CHECK(report.transaction_id == "5");
  CHECK(report.findings.empty());
  REQUIRE(report.failures.size() == 1);
  CHECK(report.failures[0].plugin_id == "alpha");
  CHECK(report.failures[0].error.code == ErrorCode::unknown_plugin);
  CHECK(report.failures[0].error.message == "plugin alpha was removed");
  std::vector<ScanReport> reports;
  self->request(handle.actor, 60s, scan_atom::value, transactions(3))
      .receive([&](std::vector<ScanReport>& answer) { reports = std::move(answer); },
               [&](caf::error& error) { FAIL(to_string(error)); });
  REQUIRE(reports.size() == 3);
  for (const auto& each : reports) {
    REQUIRE(each.failures.size() == 1);
    CHECK(each.failures[0].error.message == "plugin alpha was removed");
  }
  std::optional<Error> stats_error;
  self->request(handle.actor, 60s, stats_atom::value)
      .receive([&](PluginStats&) { FAIL("stats of a removed plugin"); },
               [&](caf::error& error) { stats_error = request_error_of(error); });
  REQUIRE(stats_error.has_value());
  CHECK(stats_error->code == ErrorCode::unknown_plugin);
  CHECK(stats_error->message == "plugin alpha was removed");
  warden->shutdown();
}
