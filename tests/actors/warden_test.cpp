// The host facade: starting with good and bad plugins, scanning through one
// named plugin, report order, the blocking and the streaming paths.
#include "warden/warden.hpp"

#include <algorithm>
#include <thread>

#include <catch2/catch.hpp>

#include "actors/supervisor.hpp"
#include "tests/actors/actors_test_support.hpp"

using namespace warden;
using namespace warden::actors;
using namespace warden::test;

TEST_CASE("plugins that fail to load are reported and the others start", "[actors]") {
  TempDir dir;
  WardenConfig config;
  config.plugins = {{dir.write("good.js", header_plugin("good"))},
                    {dir.write("bad.js", "export default { id: 'bad' };")},
                    {(dir.path() / "missing.js").string()}};
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = Warden::start(system, config);
  REQUIRE(warden.ok());
  REQUIRE((*warden)->plugins().size() == 1);
  CHECK((*warden)->plugins()[0].id == "good");
  REQUIRE((*warden)->load_errors().size() == 2);
  CHECK((*warden)->load_errors()[0].code == ErrorCode::no_scan_function);
  CHECK((*warden)->load_errors()[1].code == ErrorCode::file_unreadable);
  const auto report = (*warden)->scan(make_transaction(3));
  CHECK(report.failures.empty());
  CHECK(report.findings.size() == 3);  // three X- headers
  (*warden)->shutdown();
}

TEST_CASE(
    "start fails only when no plugin loads, and a duplicate id is a load error of the "
    "later file",
    "[actors]") {
  TempDir dir;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  {
    WardenConfig config;
    config.plugins = {{dir.write("bad.js", "export default 42;")}};
    auto warden = Warden::start(system, config);
    REQUIRE_FALSE(warden.ok());
    CHECK(warden.error().code == ErrorCode::no_default_export);
  }
  {
    WardenConfig config;
    config.plugins = {{dir.write("one.js", header_plugin("same"))},
                      {dir.write("two.js", header_plugin("same"))}};
    auto warden = Warden::start(system, config);
    REQUIRE(warden.ok());  // the run goes on with the rest
    REQUIRE((*warden)->load_errors().size() == 1);
    const Error& error = (*warden)->load_errors()[0];
    CHECK(error.code == ErrorCode::duplicate_id);
    CHECK(error.file == config.plugins[1].path);
    CHECK_THAT(error.message,
               Catch::Contains("\"same\" is also used by " + config.plugins[0].path));
    REQUIRE((*warden)->plugins().size() == 1);
    CHECK((*warden)->plugins()[0].id == "same");
    CHECK((*warden)->scan(make_transaction(1)).failures.empty());
    (*warden)->shutdown();
  }
  {
    auto warden = Warden::start(system, WardenConfig{});
    CHECK_FALSE(warden.ok());
  }
}

TEST_CASE("shutdown stops every worker with the reason shutdown", "[actors]") {
  TempDir dir;
  EventLog log;
  WardenConfig config;
  config.plugins = {{dir.write("steady.js", header_plugin("steady"))}};
  config.workers_per_plugin = 2;
  config.max_workers_per_plugin = config.workers_per_plugin;  // a fixed pool
  config.warm_spare = false;  // every replacement takes its predecessor's slot
  config.on_worker_event = log.hook();
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = Warden::start(system, config);
  REQUIRE(warden.ok());
  CHECK((*warden)->scan(make_transaction(1)).failures.empty());
  (*warden)->shutdown();
  const auto events = log.snapshot();
  CHECK(std::count_if(events.begin(), events.end(), [](const auto& e) {
          return e.kind == WorkerEvent::Kind::down && e.reason == "shutdown";
        }) == 2);
}

TEST_CASE("one named plugin can scan a transaction, and an unknown id is an answer, not a throw",
          "[actors]") {
  TempDir dir;
  WardenConfig config;
  config.plugins = {{dir.write("a.js", header_plugin("alpha"))},
                    {dir.write("b.js", header_plugin("beta"))}};
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = Warden::start(system, config);
  REQUIRE(warden.ok());
  caf::scoped_actor self{system};
  const auto supervisor = (*warden)->supervisor();
  self->request(supervisor, std::chrono::seconds{60}, scan_atom::value, std::string{"beta"},
                make_transaction(2))
      .receive(
          [](ScanReport& report) {
            CHECK(report.transaction_id == "2");
            CHECK(report.failures.empty());
            REQUIRE(report.findings.size() == 2);
            CHECK(report.findings[0].plugin_id == "beta");
            CHECK(report.findings[1].plugin_id == "beta");
          },
          [](caf::error& error) { FAIL(caf::to_string(error)); });
  self->request(supervisor, std::chrono::seconds{60}, scan_atom::value, std::string{"gamma"},
                make_transaction(2))
      .receive(
          [](ScanReport& report) {
            REQUIRE(report.failures.size() == 1);
            CHECK(report.failures[0].plugin_id == "gamma");
            CHECK(report.failures[0].error.code == ErrorCode::unknown_plugin);
          },
          [](caf::error& error) { FAIL(caf::to_string(error)); });
  (*warden)->shutdown();
}

TEST_CASE(
    "findings are ordered by plugin load order, then the plugin's own order, whatever "
    "the worker count",
    "[actors]") {
  TempDir dir;
  const std::vector<std::string> paths = {dir.write("z.js", header_plugin("zeta")),
                                          dir.write("a.js", header_plugin("alpha")),
                                          dir.write("m.js", header_plugin("mu"))};
  std::vector<TransactionPtr> input;
  for (std::size_t i = 0; i < 300; ++i)
    input.push_back(make_transaction(i));
  const auto expected = reference_findings(paths, input);
  for (const std::size_t workers : {1u, 3u}) {
    WardenConfig config;
    for (const auto& path : paths)
      config.plugins.push_back({path});
    config.workers_per_plugin = workers;
    config.max_batch = 7;
    TestConfig caf_config;
    caf::actor_system system{caf_config};
    auto warden = Warden::start(system, config);
    REQUIRE(warden.ok());
    const auto result = stream_all(**warden, input, 40);
    for (std::size_t i = 0; i < input.size(); ++i) {
      REQUIRE(result.answers[i] == 1);
      CHECK(same_findings(result.reports[i].findings, expected[i]));
    }
    (*warden)->shutdown();
  }
}

TEST_CASE("the destructor shuts Warden down so the actor system can end", "[actors]") {
  TempDir dir;
  WardenConfig config;
  config.plugins = {{dir.write("a.js", header_plugin("alpha"))}};
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  {
    auto warden = Warden::start(system, config);
    REQUIRE(warden.ok());
    CHECK((*warden)->scan(make_transaction(5)).failures.empty());
  }  // ~Warden: shutdown; ~actor_system below would wait forever otherwise
  SUCCEED();
}

// CAF's network layer monitors a published supervisor once a peer holds a
// proxy of it. If shutdown returned before that down message went out,
// ~actor_system could stop the network layer first and then wait forever for
// the supervisor's thread (actors/termination_latch.hpp).
TEST_CASE("shutdown returns only after the supervisor's monitors were sent its down message",
          "[actors]") {
  TempDir dir;
  WardenConfig config;
  config.plugins = {{dir.write("a.js", header_plugin("alpha"))}};
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  for (int round = 0; round < 3; ++round) {
    auto warden = Warden::start(system, config);
    REQUIRE(warden.ok());
    caf::scoped_actor monitor{system};
    monitor->monitor((*warden)->supervisor());  // after the start, as the network layer would
    // Attached later, so run earlier in the supervisor's cleanup: a slow step
    // between its shutdown answer and the monitor's down message.
    caf::actor_cast<caf::abstract_actor*>((*warden)->supervisor())->attach_functor([] {
      std::this_thread::sleep_for(std::chrono::milliseconds{200});
    });
    CHECK((*warden)->scan(make_transaction(1)).failures.empty());
    (*warden)->shutdown();
    bool down = false;
    monitor->receive([&](const caf::down_msg&) { down = true; },
                     caf::after(std::chrono::seconds{0}) >> [] {});
    INFO("round " << round);
    CHECK(down);
  }
}

TEST_CASE("the default pool gives every hardware thread a worker, at least one per plugin",
          "[actors][pure]") {
  CHECK(default_workers_per_plugin(16, 2, 0) == 1);  // the bundled plugins on a 2-core machine
  CHECK(default_workers_per_plugin(16, 2, 10'000) == 1);
  CHECK(default_workers_per_plugin(1, 2, 0) == 2);
  CHECK(default_workers_per_plugin(3, 8, 0) == 3);  // 9 workers for 8 hardware threads
  CHECK(default_workers_per_plugin(8, 8, 0) == 1);
  CHECK(default_workers_per_plugin(0, 4, 0) == 4);
  CHECK(default_workers_per_plugin(5, 0, 0) == 2);  // hardware threads unknown
}

TEST_CASE("with frequent recycles the default pool keeps a second worker per plugin",
          "[actors][pure]") {
  CHECK(default_workers_per_plugin(16, 2, kFrequentRecycle - 1) == 2);
  CHECK(default_workers_per_plugin(16, 2, 100) == 2);
  CHECK(default_workers_per_plugin(16, 2, kFrequentRecycle) == 1);
  CHECK(default_workers_per_plugin(1, 4, 100) == 4);
}

TEST_CASE("Warden reports the pool size it chose, and keeps an explicit one", "[actors]") {
  TempDir dir;
  const std::vector<PluginSpec> plugins = {{dir.write("a.js", header_plugin("alpha"))},
                                           {dir.write("b.js", header_plugin("beta"))}};
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  for (const std::size_t workers : {0u, 3u}) {
    WardenConfig config;
    config.plugins = plugins;
    config.workers_per_plugin = workers;
    auto warden = Warden::start(system, config);
    REQUIRE(warden.ok());
    const auto expected = workers != 0
                              ? workers
                              : default_workers_per_plugin(2, std::thread::hardware_concurrency(),
                                                           config.recycle_after_scans);
    CHECK((*warden)->workers_per_plugin() == expected);
    for (const auto& stats : (*warden)->stats()) {
      CHECK(stats.workers == expected);  // starting or serving
    }
    (*warden)->shutdown();
  }
}
