// The restart policy's bounds for failures the restart intensity misses, with
// real actors and V8 isolates: worker loads that spin to the load limit, a
// plugin that loads slowly and times out on every scan, and a module whose
// live heap is over the soft limit right after load. Each runs beside a
// well-behaved plugin whose findings stay exact.
#include <chrono>

#include <catch2/catch.hpp>

#include "actors/supervisor.hpp"
#include "tests/actors/actors_test_support.hpp"
#include "warden/warden.hpp"

using namespace warden;
using namespace warden::actors;
using namespace warden::test;
using namespace std::chrono_literals;
using Kind = WorkerEvent::Kind;

namespace {

struct ShutdownAtEnd {
  ~ShutdownAtEnd() {
    caf::anon_send(supervisor, shutdown_atom::value);
  }
  supervisor_actor supervisor;
};

// Every report through scan_stream, in input order.
std::vector<ScanReport> scan_all(Warden& warden, const std::vector<TransactionPtr>& inputs) {
  std::vector<ScanReport> reports;
  std::size_t next = 0;
  warden.scan_stream(
      [&]() -> std::optional<TransactionPtr> {
        if (next == inputs.size()) {
          return std::nullopt;
        }
        return inputs[next++];
      },
      [&](ScanReport&& report) { reports.push_back(std::move(report)); });
  return reports;
}

// The findings of plugin `id` in `report`.
std::vector<Finding> findings_of(const ScanReport& report, const std::string& id) {
  std::vector<Finding> result;
  for (const auto& finding : report.findings) {
    if (finding.plugin_id == id) {
      result.push_back(finding);
    }
  }
  return result;
}

}  // namespace

TEST_CASE(
    "a plugin whose worker loads spin to the load limit is quarantined after a few loads, "
    "naming why, while the other plugin's findings stay exact",
    "[actors]") {
  TempDir dir;
  const auto steady_path = dir.write("steady.js", header_plugin("steady"));
  const auto good = runtime::PluginSource::read(steady_path);
  REQUIRE(good.ok());
  // Its validating load passed (the supervisor is spawned with its info): a
  // plugin can tell its loads apart, so only the workers' loads spin.
  auto spin = std::make_shared<const runtime::PluginSource>(
      (dir.path() / "spin.js").string(),
      "for (;;) {}\nexport default { id: 'spin', scan() { return []; } };");
  std::vector<SupervisedPlugin> plugins;
  plugins.push_back(SupervisedPlugin{*good, runtime::PluginInfo{"steady", "", "", ""}, "{}"});
  plugins.push_back(SupervisedPlugin{spin, runtime::PluginInfo{"spin", "", "", ""}, "{}"});
  WardenConfig config;
  config.workers_per_plugin = 1;
  config.max_workers_per_plugin = 1;  // a fixed pool: the counts below are per slot
  config.warm_spare = false;
  config.limits.load_timeout = 300ms;
  config.max_failure_restarts = 100;  // the restart intensity alone never fires here
  config.failure_window = 60s;
  config.restart_backoff = 1ms;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  const ShutdownAtEnd stop{spawn_supervisor(system, std::move(plugins), config)};
  caf::scoped_actor self{system};

  const auto inputs = transactions(10);
  const auto expected = reference_findings({steady_path}, inputs);
  const auto started = std::chrono::steady_clock::now();
  std::vector<ScanReport> reports;
  self->request(stop.supervisor, 60s, scan_atom::value, inputs)
      .receive([&](std::vector<ScanReport>& answer) { reports = std::move(answer); },
               [&](caf::error& error) { FAIL("no answer: " << caf::to_string(error)); });
  CHECK(std::chrono::steady_clock::now() - started < 30s);
  REQUIRE(reports.size() == inputs.size());
  for (std::size_t i = 0; i < reports.size(); ++i) {
    CHECK(same_findings(reports[i].findings, expected[i]));
    REQUIRE(reports[i].failures.size() == 1);
    const auto& failure = reports[i].failures[0];
    CHECK(failure.plugin_id == "spin");
    CHECK(failure.error.code == ErrorCode::quarantined);
    // Waiting when the plugin was quarantined: told why.
    CHECK_THAT(failure.error.message, Catch::Contains("failed to load 4 times in a row"));
    CHECK_THAT(failure.error.message, Catch::Contains("load_timeout"));
  }
  std::vector<PluginStats> stats;
  self->request(stop.supervisor, 60s, stats_atom::value)
      .receive([&](std::vector<PluginStats>& all) { stats = std::move(all); },
               [&](caf::error& error) { FAIL(caf::to_string(error)); });
  CHECK(stats_of(stats, "spin").quarantined);
  CHECK(count_of(stats_of(stats, "spin").restarts_by_reason, "load_failed") == 4);
  CHECK_FALSE(stats_of(stats, "steady").quarantined);
}

TEST_CASE(
    "a plugin that loads slowly and times out on every scan is quarantined by the share of "
    "the run its failures cost, while the other plugin's findings stay exact",
    "[actors]") {
  TempDir dir;
  const auto steady_path = dir.write("steady.js", header_plugin("steady"));
  WardenConfig config;
  config.plugins = {{steady_path}, {dir.write("sluggish.js", R"(const end = Date.now() + 400;
while (Date.now() < end) {}
export default { id: "sluggish", scan() { for (;;) {} } };
)")}};
  config.workers_per_plugin = 1;
  config.max_workers_per_plugin = 1;  // a fixed pool: the counts below are per slot
  config.warm_spare = false;
  config.max_batch = 1;
  config.limits.scan_timeout = 200ms;
  config.limits.load_timeout = 2s;
  config.max_failure_restarts = 100;  // the restart intensity alone never fires here
  config.failure_window = 60s;
  config.restart_backoff = 1ms;
  config.min_failure_time = 1500ms;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);

  const auto inputs = transactions(20);
  const auto expected = reference_findings({steady_path}, inputs);
  const auto started = std::chrono::steady_clock::now();
  const auto reports = scan_all(*warden, inputs);
  CHECK(std::chrono::steady_clock::now() - started < 30s);
  REQUIRE(reports.size() == inputs.size());
  std::size_t told_why = 0;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    CHECK(same_findings(findings_of(reports[i], "steady"), expected[i]));
    REQUIRE(reports[i].failures.size() == 1);
    const auto& failure = reports[i].failures[0];
    CHECK(failure.plugin_id == "sluggish");
    const auto code = failure.error.code;
    CHECK((code == ErrorCode::timeout || code == ErrorCode::quarantined));
    if (failure.error.message.find("limit 25%") != std::string::npos) {
      ++told_why;
    }
  }
  CHECK(told_why > 0);  // those waiting when it was quarantined
  const auto stats = warden->stats();
  const auto& sluggish = stats_of(stats, "sluggish");
  CHECK(sluggish.quarantined);
  CHECK(count_of(sluggish.restarts_by_reason, "timeout") < 10);
  CHECK_FALSE(stats_of(stats, "steady").quarantined);
  warden->shutdown();
}

TEST_CASE(
    "a module that keeps more live heap than the soft limit is not recycled for heap, "
    "is reported once and keeps serving",
    "[actors]") {
  TempDir dir;
  EventLog log;
  const auto steady_path = dir.write("steady.js", header_plugin("steady"));
  WardenConfig config;
  config.plugins = {
      {steady_path},
      {dir.write("hoarder.js", R"(const keep = Array.from({ length: 1 << 20 }, (_, i) => ({ i }));
export default {
  id: "hoarder",
  scan(txn) { return [{ title: "seen " + txn.id + " of " + keep.length, severity: "info" }]; },
};
)")}};
  config.workers_per_plugin = 1;
  config.max_workers_per_plugin = 1;  // one fixed slot: every spawn is the hoarder's one worker
  config.warm_spare = false;
  config.max_batch = 2;
  config.recycle_after_scans = 0;
  config.heap_soft_limit_bytes = 8u << 20;  // the hoarder keeps ~30 MB from its load on
  config.on_worker_event = log.hook();
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);

  const auto inputs = transactions(30);
  const auto expected = reference_findings({steady_path}, inputs);
  const auto reports = scan_all(*warden, inputs);
  REQUIRE(reports.size() == inputs.size());
  for (std::size_t i = 0; i < reports.size(); ++i) {
    CHECK(reports[i].failures.empty());
    CHECK(same_findings(findings_of(reports[i], "steady"), expected[i]));
    const auto hoarded = findings_of(reports[i], "hoarder");
    REQUIRE(hoarded.size() == 1);
    CHECK(hoarded[0].title == "seen " + inputs[i]->id + " of 1048576");
  }
  const auto stats = warden->stats();
  const auto& hoarder = stats_of(stats, "hoarder");
  CHECK(hoarder.heap_recycling_stopped);
  CHECK(count_of(hoarder.restarts_by_reason, "heap_soft_limit") == 0);
  CHECK_FALSE(hoarder.quarantined);
  CHECK_FALSE(stats_of(stats, "steady").heap_recycling_stopped);
  std::size_t hoarder_spawns = 0;
  for (const auto& event : log.snapshot()) {
    if (event.plugin_id == "hoarder" && event.kind == Kind::spawned) {
      ++hoarder_spawns;
    }
  }
  CHECK(hoarder_spawns == 1);  // one worker, never recycled
  warden->shutdown();
}
