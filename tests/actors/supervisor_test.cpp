// The supervisor's guarantees (docs/design.md, "Guarantees"), with a real actor
// system and real V8 isolates: replacement only after the down message and
// on a new thread, nothing lost under recycling and under random kills, the
// poison-input rule, quarantine and recovery, bounded queues, graceful
// shutdown and statistics.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <iterator>
#include <map>
#include <random>
#include <set>

#include <catch2/catch.hpp>

#include "actors/worker_protocol.hpp"
#include "tests/actors/actors_test_support.hpp"
#include "warden/warden.hpp"

using namespace warden;
using namespace warden::actors;
using namespace warden::test;
using namespace std::chrono_literals;
using Kind = WorkerEvent::Kind;

TEST_CASE("a recycled worker's down message precedes its replacement, on a new thread",
          "[actors]") {
  TempDir dir;
  EventLog log;
  WardenConfig config;
  config.plugins = {{dir.write("headers.js", header_plugin("headers"))}};
  config.workers_per_plugin = 1;
  config.max_workers_per_plugin = config.workers_per_plugin;  // a fixed pool
  config.warm_spare = false;  // every replacement takes its predecessor's slot
  config.recycle_after_scans = 5;
  config.on_worker_event = log.hook();
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);

  for (std::size_t i = 0; i < 12; ++i) {  // 5 + 5 + 2: two recycles
    const auto report = warden->scan(make_transaction(i));
    CHECK(report.failures.empty());
  }
  REQUIRE(log.wait_for([](const auto& events) {
    return std::count_if(events.begin(), events.end(),
                         [](const auto& e) { return e.kind == Kind::ready; }) >= 3;
  }));
  const auto events = log.snapshot();
  // Per generation: when it was spawned and went down (positions in the
  // supervisor's order) and which thread served it.
  std::map<uint64_t, std::size_t> spawned_at, down_at;
  std::map<uint64_t, uint64_t> thread_of;
  std::map<uint64_t, std::string> reason_of;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (e.kind == Kind::spawned)
      spawned_at[e.generation] = i;
    if (e.kind == Kind::down) {
      down_at[e.generation] = i;
      reason_of[e.generation] = e.reason;
    }
    if (e.kind == Kind::ready)
      thread_of[e.generation] = e.os_thread_id;
  }
  REQUIRE(spawned_at.count(1));
  REQUIRE(spawned_at.count(2));
  REQUIRE(spawned_at.count(3));
  for (uint64_t generation : {1u, 2u}) {
    REQUIRE(down_at.count(generation));
    CHECK(reason_of[generation] == "recycle_threshold");
    CHECK(down_at[generation] < spawned_at[generation + 1]);  // down before replacement
    CHECK(thread_of[generation] != 0);
    CHECK(thread_of[generation] != thread_of[generation + 1]);  // a new thread
  }
  // The old threads end (their isolates went with them).
  CHECK(log.wait_for([&](const auto& all) {
    std::set<uint64_t> exited;
    for (const auto& e : all) {
      if (e.kind == Kind::thread_exited)
        exited.insert(e.os_thread_id);
    }
    return exited.count(thread_of[1]) && exited.count(thread_of[2]);
  }));
  warden->shutdown();
  const auto stats = warden->stats();  // after shutdown: nothing to report
  CHECK(stats.empty());
}

TEST_CASE(
    "under sustained load with recycling every 50 scans every request is answered once "
    "with the findings of a single engine",
    "[actors]") {
  TempDir dir;
  EventLog log;
  const std::vector<std::string> paths = {dir.write("a.js", header_plugin("alpha")),
                                          dir.write("b.js", header_plugin("beta"))};
  WardenConfig config;
  for (const auto& path : paths)
    config.plugins.push_back({path});
  config.workers_per_plugin = 2;
  config.recycle_after_scans = 50;
  config.on_worker_event = log.hook();
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);

  const auto input = transactions(3000);
  const auto expected = reference_findings(paths, input);
  // Start measuring once all four workers serve (a slow start would only
  // delay the first recycles).
  REQUIRE(log.wait_for([](const auto& events) {
    return std::count_if(events.begin(), events.end(),
                         [](const auto& e) { return e.kind == Kind::ready; }) >= 4;
  }));
  // 3000 scans / 50 per isolate would be 60 recycles; a worker at its
  // threshold keeps serving while its sibling is being replaced, so fewer,
  // and on a loaded machine, where isolates load slowly, fewer still: the
  // input is streamed again until each plugin recycled at least 5 times.
  auto fewest_recycles = [&] {
    std::size_t fewest = SIZE_MAX;
    for (const auto& stats : warden->stats()) {
      fewest = std::min(fewest, count_of(stats.restarts_by_reason, "recycle_threshold"));
    }
    return fewest;
  };
  std::size_t rounds = 0, mismatches = 0;
  do {
    const auto result = stream_all(*warden, input, 64);
    for (std::size_t i = 0; i < input.size(); ++i) {
      REQUIRE(result.answers[i] == 1);
      CHECK(result.reports[i].failures.empty());
      if (!same_findings(result.reports[i].findings, expected[i]))
        ++mismatches;
    }
    ++rounds;
  } while (rounds < 20 && fewest_recycles() < 5);
  CHECK(mismatches == 0);

  const auto stats = warden->stats();
  for (const auto& id : {"alpha", "beta"}) {
    const auto& s = stats_of(stats, id);
    CHECK(s.scans == input.size() * rounds);
    CHECK(s.errors_by_kind.empty());
    CHECK(count_of(s.restarts_by_reason, "recycle_threshold") >= 5);
    CHECK(s.restarts_by_reason.size() == 1);
    CHECK(s.queue_length == 0);
    CHECK(s.recycle_latency_p50_ms > 0);
  }
  // Staggered: every planned down happened while a sibling was serving
  // (spawned, ready and down are all logged in the supervisor's order).
  const auto events = log.snapshot();
  std::map<std::string, std::set<uint32_t>> serving;
  std::size_t downs = 0, downs_alone = 0;
  for (const auto& e : events) {
    if (e.kind == Kind::down) {
      serving[e.plugin_id].erase(e.slot);
      ++downs;
      if (serving[e.plugin_id].empty())
        ++downs_alone;
    } else if (e.kind == Kind::ready) {
      serving[e.plugin_id].insert(e.slot);
    }
  }
  CHECK(downs >= 10);
  CHECK(downs_alone == 0);
  warden->shutdown();
}

TEST_CASE(
    "with a warm spare, every planned recycle promotes a loaded spare, each later worker is "
    "spawned after a down message, on its own thread, and nothing is lost",
    "[actors]") {
  TempDir dir;
  EventLog log;
  const std::vector<std::string> paths = {dir.write("a.js", header_plugin("alpha"))};
  WardenConfig config;
  config.plugins = {{paths[0]}};
  config.workers_per_plugin = 2;
  config.max_workers_per_plugin = config.workers_per_plugin;  // a fixed pool
  config.recycle_after_scans = 20;
  config.warm_spare = true;
  config.on_worker_event = log.hook();
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);

  const auto input = transactions(100);
  const auto expected = reference_findings(paths, input);
  REQUIRE(log.wait_for([](const auto& events) {
    return std::count_if(events.begin(), events.end(),
                         [](const auto& e) { return e.kind == Kind::ready; }) >= 2;
  }));
  // In rounds, each followed by a wait in which a loading spare can finish:
  // a worker at its threshold keeps serving while the spare loads, so
  // recycles follow the spare's load time rather than the scan count alone.
  // The wait ends at the next recycle; a round that left no worker at its
  // threshold has none to wait for, and the bounded wait just ends.
  auto recycle_downs = [](const std::vector<WorkerEvent>& events) {
    return std::count_if(events.begin(), events.end(), [](const auto& e) {
      return e.kind == Kind::down && e.reason == "recycle_threshold";
    });
  };
  std::size_t scanned = 0, recycles = 0;
  for (int round = 0; round < 200 && recycles < 5; ++round) {
    const auto downs_before = recycle_downs(log.snapshot());
    const auto result = stream_all(*warden, input, 32);
    for (std::size_t i = 0; i < input.size(); ++i) {
      REQUIRE(result.answers[i] == 1);
      CHECK(result.reports[i].failures.empty());
      CHECK(same_findings(result.reports[i].findings, expected[i]));
    }
    scanned += input.size();
    log.wait_for([&](const auto& events) { return recycle_downs(events) > downs_before; }, 5s);
    recycles = count_of(stats_of(warden->stats(), "alpha").restarts_by_reason, "recycle_threshold");
  }
  const auto stats = warden->stats();
  const auto& s = stats_of(stats, "alpha");
  CHECK(s.scans == scanned);
  CHECK(s.errors_by_kind.empty());
  CHECK(count_of(s.restarts_by_reason, "recycle_threshold") >= 5);
  CHECK(s.restarts_by_reason.size() == 1);
  CHECK(s.workers <= 2);  // the spare is not counted: it does not serve
  // Shutdown stops every worker, so "never without a serving worker" holds
  // until then: a worker retired just before it may go down after the others.
  const auto logged_before_shutdown = log.snapshot().size();
  warden->shutdown();

  // In the supervisor's order: the first three workers (two and the spare)
  // are spawned at start, every later one after a down message; in each slot a worker is spawned
  // only after the previous one's down message; a worker reports ready only
  // when it serves, at most two serve at once, and a planned down never
  // leaves the plugin without a serving worker.
  const auto events = log.snapshot();
  std::size_t spawns = 0, downs = 0, downs_alone = 0, most_serving = 0;
  std::set<uint32_t> serving, occupied;
  std::map<uint64_t, uint64_t> thread_of;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (e.kind == Kind::spawned) {
      ++spawns;
      if (spawns > 3)
        CHECK(downs > 0);
      CHECK(occupied.insert(e.slot).second);
    } else if (e.kind == Kind::down) {
      ++downs;
      CHECK(occupied.erase(e.slot) == 1);
      serving.erase(e.slot);
      if (e.reason == "recycle_threshold" && serving.empty() && i < logged_before_shutdown)
        ++downs_alone;
    } else if (e.kind == Kind::ready) {
      serving.insert(e.slot);
      most_serving = std::max(most_serving, serving.size());
      thread_of[e.generation] = e.os_thread_id;
    }
  }
  CHECK(downs >= 5);
  CHECK(downs_alone == 0);
  // A promotion: a planned down at once followed by another slot's ready and
  // a new spare in the vacated slot. Every recycle promotes, the first too
  // (a worker at its threshold waits while the spare loads).
  std::vector<WorkerEvent> ordered;
  std::copy_if(events.begin(), events.end(), std::back_inserter(ordered),
               [](const auto& e) { return e.kind != Kind::thread_exited; });
  std::size_t promotions = 0;
  for (std::size_t i = 0; i + 2 < ordered.size(); ++i) {
    const auto& down = ordered[i];
    const auto& ready = ordered[i + 1];
    const auto& spawned = ordered[i + 2];
    if (down.kind == Kind::down && down.reason == "recycle_threshold" &&
        ready.kind == Kind::ready && ready.slot != down.slot && spawned.kind == Kind::spawned &&
        spawned.slot == down.slot)
      ++promotions;
  }
  CHECK(promotions >= 5);
  CHECK(most_serving <= 2);
  CHECK(spawns == downs);  // the spare went down at shutdown too
  std::set<uint64_t> threads;
  for (const auto& [generation, thread] : thread_of) {
    CHECK(thread != 0);
    threads.insert(thread);
  }
  CHECK(threads.size() == thread_of.size());  // one new thread per worker
}

TEST_CASE("workers killed at random under load: every request is still answered once", "[actors]") {
  TempDir dir;
  const std::vector<std::string> paths = {dir.write("a.js", header_plugin("alpha")),
                                          dir.write("b.js", header_plugin("beta"))};
  WardenConfig config;
  for (const auto& path : paths)
    config.plugins.push_back({path});
  config.workers_per_plugin = 2;
  config.recycle_after_scans = 200;
  config.max_failure_restarts = 1000;  // kills are failures; do not quarantine here
  config.failure_window = 1ms;         // ... nor back off for long
  config.restart_backoff = 1ms;
  config.expose_workers_for_tests = true;  // workers_atom: the handles to kill
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);

  const auto input = transactions(2000);
  const auto expected = reference_findings(paths, input);
  std::mt19937 random{42};
  std::size_t kills = 0;
  caf::scoped_actor killer{system};
  const auto supervisor = caf::actor_cast<supervisor_actor>(warden->supervisor());
  // Paced by progress instead of time: one kill every 50 answers.
  const auto result = stream_all(*warden, input, 64, [&](std::size_t received) {
    if (received % 50 != 0)
      return;
    killer->request(supervisor, 60s, workers_atom::value)
        .receive(
            [&](std::vector<plugin_worker_actor>& workers) {
              if (workers.empty())
                return;
              const auto victim = workers[random() % workers.size()];
              killer->send_exit(victim, caf::exit_reason::kill);
              ++kills;
            },
            [&](caf::error&) {});
  });
  std::size_t lost_twice = 0;
  for (std::size_t i = 0; i < input.size(); ++i) {
    REQUIRE(result.answers[i] == 1);
    if (!result.reports[i].failures.empty()) {
      for (const auto& failure : result.reports[i].failures) {
        CHECK(failure.error.code == ErrorCode::worker_lost);
      }
      ++lost_twice;
    } else {
      CHECK(same_findings(result.reports[i].findings, expected[i]));
    }
  }
  CHECK(kills >= 30);
  CHECK(lost_twice == 0);
  const auto stats = warden->stats();
  std::size_t killed = 0;
  for (const auto& s : stats)
    killed += count_of(s.restarts_by_reason, "killed");
  CHECK(killed > 0);
  CHECK(killed <= kills);
  warden->shutdown();
}

TEST_CASE("a poison input is retried once on a fresh isolate, then answered with timeout",
          "[actors]") {
  TempDir dir;
  WardenConfig config;
  EventLog log;
  config.plugins = {{dir.write("p.js", poison_plugin("poison-check"))}};
  config.on_worker_event = log.hook();
  config.limits.scan_timeout = 500ms;  // generous: the healthy scans must finish within it
  config.workers_per_plugin = 2;
  config.restart_backoff = 1ms;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);

  std::vector<TransactionPtr> input;
  for (std::size_t i = 0; i < 40; ++i) {
    input.push_back(make_transaction_with_url(
        std::to_string(i), i == 17 ? "https://example.com/poison" : "https://example.com/ok"));
  }
  const auto result = stream_all(*warden, input, 16);
  for (std::size_t i = 0; i < input.size(); ++i) {
    REQUIRE(result.answers[i] == 1);
    const auto& report = result.reports[i];
    if (i == 17) {
      REQUIRE(report.failures.size() == 1);
      CHECK(report.failures[0].plugin_id == "poison-check");
      CHECK(report.failures[0].error.code == ErrorCode::timeout);
      CHECK(report.findings.empty());
    } else {
      CHECK(report.failures.empty());
      REQUIRE(report.findings.size() == 1);
      CHECK(report.findings[0].title == "seen " + std::to_string(i));
    }
  }
  // The second worker's down message may trail the answer: wait for it.
  REQUIRE(log.wait_for([](const auto& events) {
    return std::count_if(events.begin(), events.end(), [](const auto& e) {
             return e.kind == Kind::down && e.reason == "timeout";
           }) >= 2;
  }));
  const auto stats = warden->stats();
  const auto& s = stats_of(stats, "poison-check");
  CHECK(s.retries == 1);
  CHECK(count_of(s.restarts_by_reason, "timeout") == 2);  // the try and the one retry
  CHECK(count_of(s.errors_by_kind, "timeout") == 1);
  CHECK_FALSE(s.quarantined);
  warden->shutdown();
}

TEST_CASE("more than R failure restarts within T quarantine a plugin until it is re-enabled",
          "[actors]") {
  TempDir dir;
  WardenConfig config;
  config.plugins = {{dir.write("p.js", poison_plugin("flaky"))},
                    {dir.write("h.js", header_plugin("steady"))}};
  config.limits.scan_timeout = 500ms;  // generous: the healthy scans must finish within it
  config.workers_per_plugin = 2;
  config.max_failure_restarts = 2;
  config.failure_window = 60s;
  config.restart_backoff = 1ms;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);

  // Two failures (the try and its retry): still within R.
  auto first = warden->scan(make_transaction_with_url("0", "https://example.com/poison"));
  REQUIRE(first.failures.size() == 1);
  CHECK(first.failures[0].error.code == ErrorCode::timeout);
  // The third failure quarantines; the request that caused it is answered
  // (quarantined, or timeout if its retry was already running elsewhere).
  auto second = warden->scan(make_transaction_with_url("1", "https://example.com/poison"));
  REQUIRE(second.failures.size() == 1);
  CHECK(second.failures[0].plugin_id == "flaky");
  const auto second_code = second.failures[0].error.code;
  CHECK((second_code == ErrorCode::quarantined || second_code == ErrorCode::timeout));

  // Now answered at once with `quarantined`; the other plugin keeps working.
  auto third = warden->scan(make_transaction_with_url("2", "https://example.com/ok?secret"));
  REQUIRE(third.failures.size() == 1);
  CHECK(third.failures[0].plugin_id == "flaky");
  CHECK(third.failures[0].error.code == ErrorCode::quarantined);
  REQUIRE(third.findings.size() == 1);
  CHECK(third.findings[0].plugin_id == "steady");
  auto stats = warden->stats();
  CHECK(stats_of(stats, "flaky").quarantined);
  CHECK(stats_of(stats, "flaky").workers == 0);
  CHECK(count_of(stats_of(stats, "flaky").errors_by_kind, "quarantined") ==
        (second_code == ErrorCode::quarantined ? 2u : 1u));
  CHECK(count_of(stats_of(stats, "flaky").restarts_by_reason, "timeout") >= 3);
  CHECK_FALSE(stats_of(stats, "steady").quarantined);

  CHECK(warden->enable("flaky"));
  CHECK_FALSE(warden->enable("no-such-plugin"));
  auto fourth = warden->scan(make_transaction_with_url("3", "https://example.com/ok"));
  CHECK(fourth.failures.empty());
  REQUIRE(fourth.findings.size() == 1);
  CHECK(fourth.findings[0].title == "seen 3");
  stats = warden->stats();
  CHECK_FALSE(stats_of(stats, "flaky").quarantined);
  CHECK(stats_of(stats, "flaky").workers >= 1);  // the second may still be replacing

  // The host can quarantine by hand, too.
  CHECK(warden->quarantine("steady"));
  auto fifth = warden->scan(make_transaction_with_url("4", "https://example.com/ok"));
  REQUIRE(fifth.failures.size() == 1);
  CHECK(fifth.failures[0].error.code == ErrorCode::quarantined);
  warden->shutdown();
}

TEST_CASE("a saturated plugin answers overloaded instead of queueing without bound", "[actors]") {
  TempDir dir;
  WardenConfig config;
  config.plugins = {{dir.write("slow.js", slow_plugin("slow", 20))}};
  config.workers_per_plugin = 1;
  config.queue_capacity = 2;
  config.max_batch = 1;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);
  // Wait until the worker serves, so the test does not depend on load time.
  CHECK(warden->scan(make_transaction(0)).failures.empty());

  caf::scoped_actor self{system};
  const auto supervisor = warden->supervisor();
  constexpr std::size_t total = 30;
  for (std::size_t i = 0; i < total; ++i) {
    self->send(supervisor, scan_atom::value, make_transaction(i));
  }
  std::size_t overloaded = 0, served = 0, answers = 0;
  for (std::size_t i = 0; i < total; ++i) {
    self->receive(
        [&](ScanReport& report) {
          ++answers;
          if (report.failures.empty()) {
            ++served;
          } else {
            CHECK(report.failures[0].error.code == ErrorCode::overloaded);
            ++overloaded;
          }
        },
        caf::after(60s) >> [&] { FAIL("no answer within 60 s"); });
  }
  CHECK(answers == total);
  CHECK(overloaded > 0);
  CHECK(served >= 3);  // one in flight + two queued, at least
  const auto stats = warden->stats();
  CHECK(count_of(stats_of(stats, "slow").errors_by_kind, "overloaded") == overloaded);
  warden->shutdown();
}

TEST_CASE("graceful shutdown answers every request in flight", "[actors]") {
  TempDir dir;
  EventLog log;
  WardenConfig config;
  config.plugins = {{dir.write("slow.js", slow_plugin("slow", 2))},
                    {dir.write("h.js", header_plugin("headers"))}};
  config.workers_per_plugin = 2;
  config.on_worker_event = log.hook();
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);

  caf::scoped_actor self{system};
  const auto supervisor = warden->supervisor();
  constexpr std::size_t total = 200;
  for (std::size_t i = 0; i < total; ++i) {
    self->send(supervisor, scan_atom::value, make_transaction(i));
  }
  warden->shutdown();  // returns after everything above was answered
  std::set<std::string> answered;
  for (std::size_t i = 0; i < total; ++i) {
    self->receive(
        [&](ScanReport& report) {
          CHECK(report.failures.empty());
          CHECK(answered.insert(report.transaction_id).second);
        },
        caf::after(60s) >> [&] { FAIL("no answer within 60 s"); });
  }
  CHECK(answered.size() == total);
  // Every worker went down with `shutdown`, and later requests get an answer too.
  const auto events = log.snapshot();
  const auto spawned = std::count_if(events.begin(), events.end(),
                                     [](const auto& e) { return e.kind == Kind::spawned; });
  const auto down = std::count_if(events.begin(), events.end(), [](const auto& e) {
    return e.kind == Kind::down && e.reason == "shutdown";
  });
  CHECK(spawned == down);
  const auto late = warden->scan(make_transaction(1));
  REQUIRE(late.failures.size() == 2);
  CHECK(late.failures[0].error.code == ErrorCode::shutting_down);
}

TEST_CASE("statistics count scans, findings, errors by kind and workers", "[actors]") {
  TempDir dir;
  WardenConfig config;
  config.plugins = {{dir.write("p.js", poison_plugin("counted"))}};
  config.workers_per_plugin = 3;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);

  std::vector<TransactionPtr> input;
  for (std::size_t i = 0; i < 100; ++i) {
    input.push_back(make_transaction_with_url(
        std::to_string(i), i % 10 == 0 ? "https://example.com/throw" : "https://example.com/"));
  }
  const auto result = stream_all(*warden, input, 32);
  std::size_t js_errors = 0;
  for (const auto& report : result.reports) {
    if (!report.failures.empty()) {
      CHECK(report.failures[0].error.code == ErrorCode::js_exception);
      ++js_errors;
    }
  }
  CHECK(js_errors == 10);
  const auto stats = warden->stats();
  REQUIRE(stats.size() == 1);
  const auto& s = stats.front();
  CHECK(s.plugin_id == "counted");
  CHECK(s.scans == 100);
  CHECK(s.findings == 90);
  CHECK(count_of(s.errors_by_kind, "js_exception") == 10);
  CHECK(s.errors_by_kind.size() == 1);
  CHECK(s.restarts_by_reason.empty());  // an exception is not a worker failure
  CHECK(s.workers == 3);
  CHECK(s.queue_length == 0);
  CHECK(s.heap_used_bytes > 0);
  CHECK(s.latency_p50_ms > 0);
  CHECK(s.latency_p99_ms >= s.latency_p50_ms);
  CHECK_FALSE(s.quarantined);
  warden->shutdown();
}
