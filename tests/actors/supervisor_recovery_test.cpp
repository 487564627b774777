// How the supervisor recovers from hostile workers, with a real actor system
// and real V8 isolates: a scan that exhausts its heap, workers that cannot
// load, a job whose worker dies three times without answering, and the order
// of a failure restart's backoff (docs/design.md, "Guarantees", 1 to 4).
#include <algorithm>
#include <map>
#include <set>

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

// Allocates until the heap limit on a URL with "bomb"; otherwise one finding.
std::string bomb_plugin(const std::string& id) {
  return R"(export default {
  id: ")" +
         id + R"(",
  scan(txn) {
    if (txn.request.url.includes("bomb")) {
      const keep = [];
      for (;;) keep.push(new Array(1e4).fill({ txn }));
    }
    return [{ title: "seen " + txn.id, severity: "info" }];
  },
};
)";
}

// Holds its worker in a ConsoleGate on a URL with "/hold/NAME"; one finding.
std::string holding_plugin(const std::string& id) {
  return R"(export default {
  id: ")" +
         id + R"(",
  scan(txn) {
    const at = txn.request.url.indexOf("/hold/");
    if (at >= 0) console.log("hold " + txn.request.url.slice(at + 6));
    return [{ title: "seen " + txn.id, severity: "info" }];
  },
};
)";
}

std::size_t count_events(const std::vector<WorkerEvent>& events, Kind kind,
                         const std::string& reason = {}) {
  return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [&](const auto& e) {
    return e.kind == kind && (reason.empty() || e.reason == reason);
  }));
}

// Per generation, in the supervisor's order: where it was spawned and went
// down, when, why, and which thread served it.
struct Lifetimes {
  explicit Lifetimes(const std::vector<WorkerEvent>& events) {
    for (std::size_t i = 0; i < events.size(); ++i) {
      const auto& e = events[i];
      if (e.kind == Kind::spawned) {
        spawned_at[e.generation] = i;
        spawned_time[e.generation] = e.at;
      } else if (e.kind == Kind::down) {
        down_at[e.generation] = i;
        down_time[e.generation] = e.at;
        reason_of[e.generation] = e.reason;
      } else if (e.kind == Kind::ready) {
        thread_of[e.generation] = e.os_thread_id;
      }
    }
  }
  std::map<uint64_t, std::size_t> spawned_at, down_at;
  std::map<uint64_t, std::chrono::steady_clock::time_point> spawned_time, down_time;
  std::map<uint64_t, std::string> reason_of;
  std::map<uint64_t, uint64_t> thread_of;
};

// Sends shutdown to a supervisor spawned without Warden when the test ends,
// so ~actor_system does not wait forever.
struct ShutdownAtEnd {
  ~ShutdownAtEnd() {
    caf::anon_send(supervisor, shutdown_atom::value);
  }
  supervisor_actor supervisor;
};

// Opens a ConsoleGate when the test ends (also on a failed REQUIRE), so no
// worker stays held while Warden shuts down.
struct OpenAtEnd {
  ~OpenAtEnd() {
    gate.open();
  }
  ConsoleGate& gate;
};

}  // namespace

TEST_CASE(
    "a scan that exhausts its heap is answered out_of_memory after one retry, its workers are "
    "replaced and later requests are served",
    "[actors]") {
  TempDir dir;
  EventLog log;
  WardenConfig config;
  config.plugins = {{dir.write("bomb.js", bomb_plugin("bomb"))}};
  config.workers_per_plugin = 1;
  config.max_workers_per_plugin = config.workers_per_plugin;  // a fixed pool
  config.warm_spare = false;  // every replacement takes its predecessor's slot
  config.limits.heap_limit_bytes = 64u << 20;
  config.limits.scan_timeout = 60s;  // the heap limit must trip first
  config.restart_backoff = 1ms;
  config.on_worker_event = log.hook();
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);

  const auto before = warden->scan(make_transaction_with_url("0", "https://example.com/ok"));
  CHECK(before.failures.empty());
  CHECK(before.findings.size() == 1);
  const auto bomb = warden->scan(make_transaction_with_url("1", "https://example.com/bomb"));
  REQUIRE(bomb.failures.size() == 1);
  CHECK(bomb.failures[0].plugin_id == "bomb");
  CHECK(bomb.failures[0].error.code == ErrorCode::out_of_memory);
  CHECK(bomb.findings.empty());
  const auto after = warden->scan(make_transaction_with_url("2", "https://example.com/ok"));
  CHECK(after.failures.empty());
  REQUIRE(after.findings.size() == 1);
  CHECK(after.findings[0].title == "seen 2");

  // The try and its retry each took an isolate down; the third worker serves.
  const auto stats = warden->stats();
  const auto& s = stats_of(stats, "bomb");
  CHECK(s.retries == 1);
  CHECK(count_of(s.restarts_by_reason, "out_of_memory") == 2);
  CHECK(count_of(s.errors_by_kind, "out_of_memory") == 1);
  CHECK(s.scans == 3);
  CHECK_FALSE(s.quarantined);
  const Lifetimes lives{log.snapshot()};
  for (uint64_t generation : {1u, 2u}) {
    REQUIRE(lives.down_at.count(generation));
    REQUIRE(lives.spawned_at.count(generation + 1));
    CHECK(lives.reason_of.at(generation) == "out_of_memory");
    CHECK(lives.down_at.at(generation) < lives.spawned_at.at(generation + 1));
    CHECK(lives.thread_of.at(generation) != lives.thread_of.at(generation + 1));
  }
  warden->shutdown();
}

TEST_CASE(
    "workers that cannot load are restarted with backoff until the plugin is quarantined, "
    "with every request answered and nothing left hanging",
    "[actors]") {
  TempDir dir;
  EventLog log;
  // Warden::start would refuse a plugin that does not load, so the
  // supervisor is spawned directly with one whose init() always throws.
  const auto good = runtime::PluginSource::read(dir.write("steady.js", header_plugin("steady")));
  REQUIRE(good.ok());
  auto broken = std::make_shared<const runtime::PluginSource>(
      (dir.path() / "broken.js").string(),
      "export default { id: 'broken', init() { throw new Error('cannot start'); },"
      " scan() { return []; } };");
  std::vector<SupervisedPlugin> plugins;
  plugins.push_back(SupervisedPlugin{*good, runtime::PluginInfo{"steady", "", "", ""}, "{}"});
  plugins.push_back(SupervisedPlugin{broken, runtime::PluginInfo{"broken", "", "", ""}, "{}"});
  WardenConfig config;
  config.workers_per_plugin = 1;
  config.max_workers_per_plugin = config.workers_per_plugin;  // a fixed pool
  config.warm_spare = false;  // every replacement takes its predecessor's slot
  config.max_failure_restarts = 2;
  config.failure_window = 60s;
  config.restart_backoff = 1ms;
  config.on_worker_event = log.hook();
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  const ShutdownAtEnd stop{spawn_supervisor(system, std::move(plugins), config)};
  caf::scoped_actor self{system};
  auto scan = [&](const std::string& id) {
    ScanReport result;
    self->request(stop.supervisor, 60s, scan_atom::value,
                  make_transaction_with_url(id, "https://example.com/ok?secret"))
        .receive([&](ScanReport& report) { result = std::move(report); },
                 [&](caf::error& error) { FAIL("no answer: " << caf::to_string(error)); });
    return result;
  };
  auto stats = [&] {
    std::vector<PluginStats> result;
    self->request(stop.supervisor, 60s, stats_atom::value)
        .receive([&](std::vector<PluginStats>& all) { result = std::move(all); },
                 [&](caf::error& error) { FAIL("no statistics: " << caf::to_string(error)); });
    return result;
  };
  auto check_answer = [](const ScanReport& report) {
    REQUIRE(report.failures.size() == 1);
    CHECK(report.failures[0].plugin_id == "broken");
    CHECK(report.failures[0].error.code == ErrorCode::quarantined);
    REQUIRE(report.findings.size() == 1);  // the other plugin answers as usual
    CHECK(report.findings[0].plugin_id == "steady");
  };

  // Waits while the loads fail; answered once the third failure (more than
  // R = 2) quarantines the plugin.
  check_answer(scan("0"));
  auto all = stats();
  CHECK(stats_of(all, "broken").quarantined);
  CHECK(stats_of(all, "broken").workers == 0);
  CHECK(count_of(stats_of(all, "broken").restarts_by_reason, "load_failed") == 3);
  CHECK_FALSE(stats_of(all, "steady").quarantined);
  check_answer(scan("1"));  // at once now

  // Re-enabled, it tries again from a clean restart budget, and fails again.
  bool enabled = false;
  self->request(stop.supervisor, 60s, enable_atom::value, std::string{"broken"})
      .receive([&](bool answer) { enabled = answer; },
               [&](caf::error& error) { FAIL(caf::to_string(error)); });
  CHECK(enabled);
  check_answer(scan("2"));
  all = stats();
  CHECK(stats_of(all, "broken").quarantined);
  CHECK(count_of(stats_of(all, "broken").restarts_by_reason, "load_failed") == 6);

  // Every failed worker was replaced only after its down message, after a
  // backoff, on a new thread; none ever served.
  const auto events = log.snapshot();
  std::vector<WorkerEvent> broken_events;
  std::copy_if(events.begin(), events.end(), std::back_inserter(broken_events), [](const auto& e) {
    return e.plugin_id == "broken" && e.kind != Kind::thread_exited;
  });
  CHECK(count_events(broken_events, Kind::ready) == 0);
  CHECK(count_events(broken_events, Kind::down, "load_failed") == 6);
  CHECK(count_events(broken_events, Kind::spawned) == 6);
  for (std::size_t i = 0; i + 1 < broken_events.size(); ++i) {
    CHECK(broken_events[i].kind != broken_events[i + 1].kind);  // spawned, down, spawned, ...
  }

  bool stopped = false;
  self->request(stop.supervisor, 60s, shutdown_atom::value)
      .receive([&](bool answer) { stopped = answer; },
               [&](caf::error& error) { FAIL(caf::to_string(error)); });
  CHECK(stopped);
}

TEST_CASE(
    "a worker whose plugin reports another id or version than the validated one is a load "
    "failure, counted by the restart policy, and never serves",
    "[actors]") {
  // No JS can tell the validating load from a worker load deterministically,
  // so the supervisor is spawned directly with validated infos that differ
  // from what the sources say: "liar" claims "steady"'s id, "shifty" another
  // version.
  TempDir dir;
  EventLog log;
  const auto good = runtime::PluginSource::read(dir.write("steady.js", header_plugin("steady")));
  REQUIRE(good.ok());
  const auto liar = runtime::PluginSource::read(dir.write("liar.js", header_plugin("steady")));
  REQUIRE(liar.ok());
  auto shifty = std::make_shared<const runtime::PluginSource>(
      (dir.path() / "shifty.js").string(),
      "export default { id: 'shifty', version: '2.0', scan() { return [{ title: 'x',"
      " severity: 'info' }]; } };");
  std::vector<SupervisedPlugin> plugins;
  plugins.push_back(SupervisedPlugin{*good, runtime::PluginInfo{"steady", "", "", ""}, "{}"});
  plugins.push_back(SupervisedPlugin{*liar, runtime::PluginInfo{"liar", "", "", ""}, "{}"});
  plugins.push_back(SupervisedPlugin{shifty, runtime::PluginInfo{"shifty", "", "1.0", ""}, "{}"});
  WardenConfig config;
  config.workers_per_plugin = 1;
  config.max_workers_per_plugin = config.workers_per_plugin;  // a fixed pool
  config.warm_spare = false;  // every replacement takes its predecessor's slot
  config.max_failure_restarts = 2;
  config.failure_window = 60s;
  config.restart_backoff = 1ms;
  config.on_worker_event = log.hook();
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  const ShutdownAtEnd stop{spawn_supervisor(system, std::move(plugins), config)};
  caf::scoped_actor self{system};
  ScanReport report;
  self->request(stop.supervisor, 60s, scan_atom::value,
                make_transaction_with_url("0", "https://example.com/ok?secret"))
      .receive([&](ScanReport& answer) { report = std::move(answer); },
               [&](caf::error& error) { FAIL("no answer: " << caf::to_string(error)); });
  // Only the honest plugin's findings, under its own id; the two others are
  // quarantined after R = 2 restarts, like any plugin whose loads fail.
  REQUIRE(report.findings.size() == 1);
  CHECK(report.findings[0].plugin_id == "steady");
  REQUIRE(report.failures.size() == 2);
  for (const auto& failure : report.failures) {
    CHECK((failure.plugin_id == "liar" || failure.plugin_id == "shifty"));
    CHECK(failure.error.code == ErrorCode::quarantined);
  }
  std::vector<PluginStats> all;
  self->request(stop.supervisor, 60s, stats_atom::value)
      .receive([&](std::vector<PluginStats>& answer) { all = std::move(answer); },
               [&](caf::error& error) { FAIL(caf::to_string(error)); });
  for (const char* id : {"liar", "shifty"}) {
    CHECK(stats_of(all, id).quarantined);
    CHECK(count_of(stats_of(all, id).restarts_by_reason, "load_failed") == 3);
    CHECK(stats_of(all, id).scans == 0);
  }
  CHECK_FALSE(stats_of(all, "steady").quarantined);
  for (const auto& event : log.snapshot()) {
    if (event.plugin_id != "steady") {
      CHECK(event.kind != Kind::ready);  // no lying worker ever served
    }
  }
}

TEST_CASE(
    "a job whose worker dies without answering it three times is answered worker_lost and "
    "the plugin goes on serving",
    "[actors]") {
  TempDir dir;
  EventLog log;
  ConsoleGate gate;
  WardenConfig config;
  config.plugins = {{dir.write("holder.js", holding_plugin("holder"))}};
  config.workers_per_plugin = 2;
  config.max_workers_per_plugin = config.workers_per_plugin;  // a fixed pool
  config.warm_spare = false;  // every replacement takes its predecessor's slot
  config.max_batch = 1;
  config.limits.scan_timeout = 120s;  // a held scan must not time out
  config.max_failure_restarts = 100;  // kills are failures; do not quarantine here
  config.restart_backoff = 1ms;
  config.console = gate.sink();
  config.on_worker_event = log.hook();
  config.expose_workers_for_tests = true;  // workers_atom: the handles to kill
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);
  const OpenAtEnd open_at_end{gate};
  REQUIRE(log.wait_for([](const auto& events) { return count_events(events, Kind::ready) >= 2; }));

  caf::scoped_actor self{system};
  const auto supervisor = caf::actor_cast<supervisor_actor>(warden->supervisor());
  auto serving = [&] {
    std::vector<plugin_worker_actor> result;
    self->request(supervisor, 60s, workers_atom::value)
        .receive([&](std::vector<plugin_worker_actor>& workers) { result = std::move(workers); },
                 [&](caf::error& error) { FAIL(caf::to_string(error)); });
    return result;
  };
  auto send = [&](const std::string& id, const std::string& url) {
    self->send(supervisor, scan_atom::value, make_transaction_with_url(id, url));
  };
  auto ready_generation = [&](uint64_t generation) {
    return log.wait_for([generation](const auto& events) {
      return std::any_of(events.begin(), events.end(), [&](const auto& e) {
        return e.kind == Kind::ready && e.generation == generation;
      });
    });
  };
  // A worker killed while it holds a scan answers that scan, then takes the
  // kill before any batch sent after it (its mailbox is in order): the
  // supervisor, which sent the victim's batch in between, loses it unanswered.
  // Round 1: both workers hold a scan and are killed; the victim goes to the
  // first, behind its kill.
  send("b1", "https://example.com/hold/b1");
  REQUIRE(gate.wait_held("b1"));
  send("b2", "https://example.com/hold/b2");
  REQUIRE(gate.wait_held("b2"));
  const auto first = serving();
  REQUIRE(first.size() == 2);
  for (const auto& worker : first) {
    self->send_exit(worker, caf::exit_reason::kill);
  }
  send("victim", "https://example.com/victim");
  gate.release("b1");  // loss 1: the victim is queued again, to the second worker
  // Round 2: the first slot's replacement holds a scan and is killed; the
  // second worker's death hands the victim to it, behind that kill.
  REQUIRE(ready_generation(3));
  send("b3", "https://example.com/hold/b3");
  REQUIRE(gate.wait_held("b3"));
  const auto second = serving();
  std::vector<plugin_worker_actor> fresh;
  std::copy_if(second.begin(), second.end(), std::back_inserter(fresh), [&](const auto& worker) {
    return std::find(first.begin(), first.end(), worker) == first.end();
  });
  REQUIRE(fresh.size() == 1);
  self->send_exit(fresh[0], caf::exit_reason::kill);
  gate.release("b2");  // loss 2
  // Only once the second worker's down message was handled (the victim sent
  // behind the kill) may the third one answer and go.
  REQUIRE(log.wait_for([](const auto& events) {
    return std::any_of(events.begin(), events.end(),
                       [](const auto& e) { return e.kind == Kind::down && e.generation == 2; });
  }));
  gate.release("b3");  // loss 3: answered worker_lost

  std::map<std::string, ScanReport> answers;
  for (int i = 0; i < 4; ++i) {
    self->receive([&](ScanReport& report) { answers[report.transaction_id] = std::move(report); },
                  caf::after(60s) >> [&] { FAIL("no answer within 60 s"); });
  }
  for (const auto* held : {"b1", "b2", "b3"}) {
    INFO(held);
    REQUIRE(answers.count(held));
    CHECK(answers[held].failures.empty());
    CHECK(answers[held].findings.size() == 1);
  }
  REQUIRE(answers.count("victim"));
  const auto& victim = answers["victim"];
  REQUIRE(victim.failures.size() == 1);
  CHECK(victim.failures[0].plugin_id == "holder");
  CHECK(victim.failures[0].error.code == ErrorCode::worker_lost);
  CHECK_THAT(victim.failures[0].error.message, Catch::Contains("died 3 times"));
  CHECK(victim.findings.empty());

  const auto later = warden->scan(make_transaction_with_url("later", "https://example.com/ok"));
  CHECK(later.failures.empty());
  CHECK(later.findings.size() == 1);
  const auto stats = warden->stats();
  const auto& s = stats_of(stats, "holder");
  CHECK(count_of(s.restarts_by_reason, "killed") == 3);
  CHECK(count_of(s.errors_by_kind, "worker_lost") == 1);
  CHECK(s.errors_by_kind.size() == 1);
  CHECK_FALSE(s.quarantined);
  warden->shutdown();
}

TEST_CASE(
    "after a failure the replacement is spawned only after its predecessor's down message and "
    "the backoff, on a new thread",
    "[actors]") {
  TempDir dir;
  EventLog log;
  WardenConfig config;
  config.plugins = {{dir.write("p.js", poison_plugin("poison-check"))}};
  config.workers_per_plugin = 1;
  config.max_workers_per_plugin = config.workers_per_plugin;  // a fixed pool
  config.warm_spare = false;  // every replacement takes its predecessor's slot
  config.limits.scan_timeout = 500ms;
  config.restart_backoff = 200ms;  // then 400 ms: doubles with the failures in the window
  config.failure_window = 60s;
  config.on_worker_event = log.hook();
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);

  CHECK(warden->scan(make_transaction_with_url("0", "https://example.com/ok")).failures.empty());
  const auto poison = warden->scan(make_transaction_with_url("1", "https://example.com/poison"));
  REQUIRE(poison.failures.size() == 1);
  CHECK(poison.failures[0].error.code == ErrorCode::timeout);
  const auto after = warden->scan(make_transaction_with_url("2", "https://example.com/ok"));
  CHECK(after.failures.empty());
  CHECK(after.findings.size() == 1);

  const Lifetimes lives{log.snapshot()};
  const std::map<uint64_t, std::chrono::milliseconds> backoff = {{1, 200ms}, {2, 400ms}};
  for (const auto& [generation, delay] : backoff) {
    INFO("generation " << generation);
    REQUIRE(lives.down_at.count(generation));
    REQUIRE(lives.spawned_at.count(generation + 1));
    CHECK(lives.reason_of.at(generation) == "timeout");
    CHECK(lives.down_at.at(generation) < lives.spawned_at.at(generation + 1));
    CHECK(lives.spawned_time.at(generation + 1) - lives.down_time.at(generation) >= delay);
    CHECK(lives.thread_of.at(generation) != 0);
    CHECK(lives.thread_of.at(generation) != lives.thread_of.at(generation + 1));
  }
  CHECK(lives.spawned_at.size() == 3);  // nothing else was spawned
  CHECK(count_of(stats_of(warden->stats(), "poison-check").restarts_by_reason, "timeout") == 2);
  warden->shutdown();
}
