// Work-conserving pools and the process-wide budget with real actors and real
// V8: a plugin with a backlog gets more workers within the budget and gives
// them back when idle, work queues when the budget is spent, a slow plugin
// does not hold back the others, and no thread ever holds a second isolate.
#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "actors_test_support.hpp"

using namespace warden;
using namespace warden::actors;
using namespace warden::test;
using namespace std::chrono_literals;
using Kind = WorkerEvent::Kind;

namespace {

// The most workers alive at once (spawned, not yet down) in `events`.
std::size_t most_alive(const std::vector<WorkerEvent>& events) {
  std::set<std::pair<std::string, uint32_t>> alive;
  std::size_t most = 0;
  for (const auto& e : events) {
    if (e.kind == Kind::spawned) {
      alive.insert({e.plugin_id, e.slot});
      most = std::max(most, alive.size());
    } else if (e.kind == Kind::down) {
      alive.erase({e.plugin_id, e.slot});
    }
  }
  return most;
}

void check_every_answer(const StreamResult& result) {
  for (std::size_t i = 0; i < result.answers.size(); ++i) {
    REQUIRE(result.answers[i] == 1);
    for (const auto& failure : result.reports[i].failures) {
      FAIL_CHECK(failure.plugin_id << ": " << failure.error.describe());
    }
  }
}

}  // namespace

TEST_CASE(
    "a plugin with a backlog gets another worker within max_workers and gives it back when idle",
    "[actors]") {
  TempDir dir;
  EventLog log;
  WardenConfig config;
  config.plugins = {{dir.write("slow.js", slow_plugin("slow", 20))},
                    {dir.write("light.js", header_plugin("light"))}};
  config.workers_per_plugin = 1;
  config.max_workers_per_plugin = 4;
  config.max_workers = 3;  // the floor (one per plugin) and one more
  config.warm_spare = false;
  config.max_batch = 2;
  config.pool_idle_release = 200ms;
  config.limits.scan_timeout = 60s;
  config.on_worker_event = log.hook();
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);

  const auto result = stream_all(*warden, transactions(100), 256);  // 2 s of work for one worker
  check_every_answer(result);
  const auto grown = stats_of(warden->stats(), "slow");
  CHECK(grown.workers_grown >= 1);
  CHECK(grown.workers_peak == 2);  // more would exceed max_workers
  auto budget = warden->budget();
  CHECK(budget.max_workers == 3);
  CHECK(budget.peak_workers <= 3);
  CHECK(budget.grown >= 1);
  CHECK(budget.refused >= 1);  // the slow plugin asked for a third worker: spent

  // Idle now: the extra worker goes back after pool_idle_release.
  bool released = false;
  for (int i = 0; i < 600 && !released; ++i) {
    const auto stats = warden->stats();
    const auto& slow = stats_of(stats, "slow");
    released =
        slow.workers == 1 && slow.workers_released >= 1 && stats_of(stats, "light").workers == 1;
    if (!released) {
      std::this_thread::sleep_for(100ms);
    }
  }
  CHECK(released);
  budget = warden->budget();
  CHECK(budget.workers == 2);
  warden->shutdown();
  const auto events = log.snapshot();
  CHECK(most_alive(events) <= 3);
  // A released worker goes down with the reason shutdown and is not replaced.
  std::size_t spawns = 0;
  for (const auto& e : events) {
    spawns += e.kind == Kind::spawned ? 1 : 0;
  }
  CHECK(spawns == 2 + budget.grown);
}

TEST_CASE("a pool grows only while one more isolate's heap limit fits the heap budget",
          "[actors]") {
  TempDir dir;
  EventLog log;
  WardenConfig config;
  config.plugins = {{dir.write("slow.js", slow_plugin("slow", 20))}};
  config.workers_per_plugin = 1;
  config.max_workers_per_plugin = 4;
  config.max_workers = 8;
  config.limits.heap_limit_bytes = 64u << 20;
  config.max_heap_total_bytes = 2 * config.limits.heap_limit_bytes;
  config.limits.scan_timeout = 60s;
  config.max_batch = 2;
  config.on_worker_event = log.hook();
  bool spare = GENERATE(false, true);
  config.warm_spare = spare;
  // With a spare, its isolate fills the heap budget: the worker stays alone.
  config.recycle_after_scans = spare ? 1'000 : 0;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);

  check_every_answer(stream_all(*warden, transactions(60), 256));
  const auto budget = warden->budget();
  CHECK(budget.max_heap_total_bytes == 128u << 20);
  CHECK(budget.peak_heap_bytes <= budget.max_heap_total_bytes);
  CHECK(budget.peak_workers == (spare ? 1u : 2u));
  CHECK(budget.grown == (spare ? 0u : 1u));
  CHECK(budget.refused >= 1);
  warden->shutdown();
  CHECK(most_alive(log.snapshot()) <= 2);
}

TEST_CASE("with max_workers spent, work queues instead of spawning and every request is answered",
          "[actors]") {
  TempDir dir;
  EventLog log;
  WardenConfig config;
  for (const auto* id : {"one", "two", "three"}) {
    config.plugins.push_back({dir.write(std::string{id} + ".js", slow_plugin(id, 5))});
  }
  config.workers_per_plugin = 1;
  config.max_workers_per_plugin = 4;
  config.max_workers = 2;  // below the floor: every plugin still gets its one worker
  config.warm_spare = false;
  config.limits.scan_timeout = 60s;
  config.on_worker_event = log.hook();
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);

  const auto input = transactions(120);
  const auto result = stream_all(*warden, input, 512);
  check_every_answer(result);
  for (std::size_t i = 0; i < input.size(); ++i) {
    CHECK(result.reports[i].transaction_id == input[i]->id);
  }
  const auto budget = warden->budget();
  CHECK(budget.grown == 0);
  CHECK(budget.refused >= 1);
  CHECK(budget.peak_workers == 3);
  for (const auto* id : {"one", "two", "three"}) {
    const auto stats = stats_of(warden->stats(), id);
    CHECK(stats.scans == input.size());
    CHECK(stats.errors_by_kind.empty());
    CHECK(stats.workers_peak == 1);
  }
  warden->shutdown();
  CHECK(most_alive(log.snapshot()) == 3);
}

TEST_CASE(
    "a stuck slow plugin does not hold back the light ones: they answer the whole default window "
    "while it scans its first transaction, and reports stay in input order",
    "[actors]") {
  TempDir dir;
  ConsoleGate gate;
  WardenConfig config;
  config.plugins = {{dir.write("heavy.js", R"(export default {
  id: "heavy",
  scan(txn) {
    if (txn.id === "0") console.log("hold heavy");
    return [{ title: "heavy " + txn.id, severity: "info" }];
  },
};
)")},
                    {dir.write("light-a.js", header_plugin("light-a"))},
                    {dir.write("light-b.js", header_plugin("light-b"))}};
  config.workers_per_plugin = 1;
  config.max_workers_per_plugin = 1;  // the heavy plugin cannot grow past its stuck worker
  config.limits.scan_timeout = 120s;  // a held scan must not time out
  config.console = gate.sink();
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);

  const auto input = transactions(kDefaultMaxInFlight);
  StreamResult result;
  std::thread host{[&] { result = stream_all(*warden, input, kDefaultMaxInFlight); }};
  REQUIRE(gate.wait_held("heavy"));
  // While the heavy plugin holds transaction 0, the light ones scan every
  // transaction of the window. (Asked of the supervisor directly: the
  // Warden handle is busy with the stream.)
  caf::scoped_actor self{system};
  auto stats_now = [&] {
    std::vector<PluginStats> stats;
    self->request(warden->supervisor(), caf::infinite, stats_atom::value)
        .receive([&](std::vector<PluginStats>& answer) { stats = std::move(answer); },
                 [&](caf::error&) {});
    return stats;
  };
  bool ran_ahead = false;
  for (int i = 0; i < 600 && !ran_ahead; ++i) {
    const auto stats = stats_now();
    ran_ahead = stats_of(stats, "light-a").scans == input.size() &&
                stats_of(stats, "light-b").scans == input.size();
    if (!ran_ahead) {
      std::this_thread::sleep_for(100ms);
    }
  }
  CHECK(ran_ahead);
  CHECK(stats_of(stats_now(), "heavy").scans == 0);
  gate.open();
  host.join();
  check_every_answer(result);
  for (std::size_t i = 0; i < input.size(); ++i) {
    CHECK(result.reports[i].transaction_id == input[i]->id);
    CHECK(result.reports[i].findings.front().plugin_id == "heavy");
  }
  warden->shutdown();
}

TEST_CASE(
    "with the default warm spare, recycling and pools that grow, no isolate is ever created on a "
    "thread that held one before",
    "[actors]") {
  CHECK(WardenConfig{}.warm_spare);  // the default whenever recycling is on
  TempDir dir;
  EventLog log;
  WardenConfig config;
  config.plugins = {{dir.write("slow.js", slow_plugin("slow", 2))},
                    {dir.write("light.js", header_plugin("light"))}};
  config.workers_per_plugin = 1;
  config.max_workers_per_plugin = 3;
  config.recycle_after_scans = 15;
  config.pool_idle_release = 50ms;
  config.on_worker_event = log.hook();
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);

  for (int round = 0; round < 3; ++round) {
    check_every_answer(stream_all(*warden, transactions(150), 256));
    std::this_thread::sleep_for(200ms);  // idle: extra workers go back
  }
  warden->shutdown();
  const auto spawned = [](const auto& events) {
    return std::count_if(events.begin(), events.end(),
                         [](const auto& e) { return e.kind == Kind::spawned; });
  };
  REQUIRE(log.wait_for([&](const auto& events) {
    return std::count_if(events.begin(), events.end(), [](const auto& e) {
             return e.kind == Kind::thread_exited;
           }) == spawned(events);
  }));
  // Every worker that served or ended names its thread: one worker per thread.
  std::map<uint64_t, std::set<std::pair<std::string, uint64_t>>> workers_of_thread;
  std::size_t recycles = 0;
  for (const auto& e : log.snapshot()) {
    if (e.kind == Kind::ready || e.kind == Kind::thread_exited) {
      CHECK(e.os_thread_id != 0);
      workers_of_thread[e.os_thread_id].insert({e.plugin_id, e.generation});
    }
    recycles += e.kind == Kind::down && e.reason == "recycle_threshold" ? 1 : 0;
  }
  CHECK(recycles >= 10);
  CHECK(workers_of_thread.size() == static_cast<std::size_t>(spawned(log.snapshot())));
  for (const auto& [thread, workers] : workers_of_thread) {
    CHECK(workers.size() == 1);
  }
}
