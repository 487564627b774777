// Lifecycle events: a subscribed actor hears worker_restarted on a planned
// recycle and on a timeout, plugin_quarantined then plugin_enabled, and
// overloaded once per fill of a queue; after unsubscribing it hears nothing.
#include "warden/events.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include <catch2/catch.hpp>

#include "tests/actors/actors_test_support.hpp"
#include "warden/warden.hpp"

using namespace warden;
using namespace warden::actors;
using namespace warden::test;
using namespace std::chrono_literals;

namespace {

// A subscriber actor that records every event it gets; waits are bounded.
class Listener {
 public:
  explicit Listener(caf::actor_system& system) : actor_(system.spawn(behavior, state_)) {}
  ~Listener() {
    caf::anon_send_exit(actor_, caf::exit_reason::user_shutdown);
  }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  const event_listener_actor& actor() const {
    return actor_;
  }
  std::vector<WardenEvent> snapshot() const {
    std::lock_guard<std::mutex> guard{state_->mutex};
    return state_->events;
  }
  // Waits up to 60 s until `predicate(events)` holds; returns whether it did.
  bool wait_for(const std::function<bool(const std::vector<WardenEvent>&)>& predicate) const {
    std::unique_lock<std::mutex> lock{state_->mutex};
    return state_->changed.wait_for(lock, 60s, [&] { return predicate(state_->events); });
  }

 private:
  struct State {
    mutable std::mutex mutex;
    std::condition_variable changed;
    std::vector<WardenEvent> events;
  };
  static event_listener_actor::behavior_type behavior(event_listener_actor::pointer,
                                                      std::shared_ptr<State> state) {
    return {
        [state](event_atom, const WardenEvent& event) {
          std::lock_guard<std::mutex> guard{state->mutex};
          state->events.push_back(event);
          state->changed.notify_all();
        },
    };
  }
  std::shared_ptr<State> state_ = std::make_shared<State>();
  event_listener_actor actor_;
};

std::size_t count_of_kind(const std::vector<WardenEvent>& events, EventKind kind,
                          const std::string& reason = {}) {
  return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [&](const auto& e) {
    return e.kind == kind && (reason.empty() || e.reason == reason);
  }));
}

bool request_bool(caf::scoped_actor& self, const warden_actor& supervisor, caf::atom_value which,
                  const event_listener_actor& listener) {
  bool result = false;
  auto on_error = [](caf::error& error) { FAIL(to_string(error)); };
  if (which == subscribe_atom::value) {
    self->request(supervisor, 60s, subscribe_atom::value, listener)
        .receive([&](bool ok) { result = ok; }, on_error);
  } else {
    self->request(supervisor, 60s, unsubscribe_atom::value, listener)
        .receive([&](bool ok) { result = ok; }, on_error);
  }
  return result;
}

}  // namespace

TEST_CASE("to_string of EventKind names every kind distinctly", "[actors][pure]") {
  std::set<std::string> names;
  for (int kind = 0; kind <= static_cast<int>(EventKind::overloaded); ++kind) {
    const auto name = std::string{to_string(static_cast<EventKind>(kind))};
    CHECK(name != "unknown");
    names.insert(name);
  }
  CHECK(names.size() == static_cast<std::size_t>(EventKind::overloaded) + 1);
  CHECK(to_string(EventKind::worker_restarted) == "worker_restarted");
}

TEST_CASE("a subscriber hears worker_restarted on a planned recycle and on a timeout", "[actors]") {
  TempDir dir;
  WardenConfig config;
  config.plugins = {{dir.write("p.js", poison_plugin("poison"))}};
  config.workers_per_plugin = 1;
  config.recycle_after_scans = 4;
  config.max_workers_per_plugin = 1;
  config.warm_spare = false;  // every recycle at its threshold, the replacement in its slot
  config.limits.scan_timeout = 200ms;
  config.restart_backoff = 1ms;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);
  caf::scoped_actor self{system};
  Listener listener{system};
  REQUIRE(request_bool(self, warden->supervisor(), subscribe_atom::value, listener.actor()));
  CHECK_FALSE(request_bool(self, warden->supervisor(), subscribe_atom::value, listener.actor()));

  for (int i = 0; i < 10; ++i) {
    CHECK(warden->scan(make_transaction(i)).failures.empty());
  }
  REQUIRE(listener.wait_for([](const auto& events) {
    return count_of_kind(events, EventKind::worker_restarted, "recycle_threshold") >= 2;
  }));
  const auto hung = warden->scan(make_transaction_with_url("hang", "https://example.com/poison"));
  REQUIRE(hung.failures.size() == 1);
  CHECK(hung.failures[0].error.code == ErrorCode::timeout);
  // The try and its retry each took a worker down.
  REQUIRE(listener.wait_for([](const auto& events) {
    return count_of_kind(events, EventKind::worker_restarted, "timeout") == 2;
  }));
  for (const auto& event : listener.snapshot()) {
    CHECK(event.kind == EventKind::worker_restarted);
    CHECK(event.plugin_id == "poison");
    CHECK_FALSE(event.detail.empty());
  }
  warden->shutdown();
}

TEST_CASE(
    "a subscriber hears plugin_quarantined then plugin_enabled, and nothing after unsubscribing",
    "[actors]") {
  TempDir dir;
  WardenConfig config;
  config.plugins = {{dir.write("a.js", header_plugin("alpha"))},
                    {dir.write("p.js", poison_plugin("poison"))}};
  config.workers_per_plugin = 1;
  config.limits.scan_timeout = 200ms;
  config.restart_backoff = 1ms;
  config.max_failure_restarts = 1;  // the second failure restart quarantines
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);
  caf::scoped_actor self{system};
  Listener listener{system};
  const auto supervisor = warden->supervisor();
  REQUIRE(request_bool(self, supervisor, subscribe_atom::value, listener.actor()));

  // The restart policy: the try and its retry time out, the second restart
  // passes the bound.
  const auto hung = warden->scan(make_transaction_with_url("hang", "https://example.com/poison"));
  REQUIRE(listener.wait_for([](const auto& events) {
    return count_of_kind(events, EventKind::plugin_quarantined) == 1;
  }));
  REQUIRE(warden->enable("poison"));
  REQUIRE(warden->quarantine("alpha"));
  REQUIRE(warden->enable("alpha"));
  REQUIRE(listener.wait_for(
      [](const auto& events) { return count_of_kind(events, EventKind::plugin_enabled) == 2; }));
  std::vector<std::pair<EventKind, std::string>> seen;
  for (const auto& event : listener.snapshot()) {
    if (event.kind != EventKind::worker_restarted) {
      seen.emplace_back(event.kind, event.plugin_id + "/" + event.reason);
    }
  }
  const std::vector<std::pair<EventKind, std::string>> expected = {
      {EventKind::plugin_quarantined, "poison/restart_policy"},
      {EventKind::plugin_enabled, "poison/host"},
      {EventKind::plugin_quarantined, "alpha/host"},
      {EventKind::plugin_enabled, "alpha/host"},
  };
  CHECK(seen == expected);

  REQUIRE(request_bool(self, supervisor, unsubscribe_atom::value, listener.actor()));
  CHECK_FALSE(request_bool(self, supervisor, unsubscribe_atom::value, listener.actor()));
  const auto before = listener.snapshot().size();
  // A second subscriber hears what the first one no longer does.
  Listener still{system};
  REQUIRE(request_bool(self, supervisor, subscribe_atom::value, still.actor()));
  REQUIRE(warden->quarantine("alpha"));
  REQUIRE(warden->enable("alpha"));
  warden->scan(make_transaction_with_url("hang2", "https://example.com/poison"));
  REQUIRE(still.wait_for([](const auto& events) {
    return count_of_kind(events, EventKind::plugin_enabled) == 1 &&
           count_of_kind(events, EventKind::worker_restarted, "timeout") >= 1;
  }));
  CHECK(listener.snapshot().size() == before);
  warden->shutdown();
}

TEST_CASE(
    "overloaded is published once when a queue reaches its bound, and again only after it "
    "drained below half",
    "[actors]") {
  TempDir dir;
  ConsoleGate gate;
  WardenConfig config;
  config.plugins = {{dir.write("g.js", R"(export default {
  id: "gated",
  scan(txn) {
    if (txn.request.url.includes("/hold/")) console.log("hold " + txn.id);
    return [];
  },
};
)")}};
  config.workers_per_plugin = 1;
  config.max_workers_per_plugin = 1;
  config.warm_spare = false;
  config.max_batch = 1;
  config.queue_capacity = 4;
  config.console = gate.sink();
  config.limits.scan_timeout = 120s;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);
  struct OpenAtEnd {
    ~OpenAtEnd() {
      gate.open();
    }
    ConsoleGate& gate;
  } open_at_end{gate};
  caf::scoped_actor self{system};
  Listener listener{system};
  const auto supervisor = warden->supervisor();
  REQUIRE(request_bool(self, supervisor, subscribe_atom::value, listener.actor()));

  // One fill: the worker holds a scan and a second batch, the queue fills to
  // its bound, and two more are refused.
  auto fill = [&](const std::string& round) {
    for (int i = 0; i < 8; ++i) {
      self->send(supervisor, scan_atom::value,
                 make_transaction_with_url(round + std::to_string(i), "https://e.com/hold/"));
    }
    REQUIRE(gate.wait_held(round + "0"));
  };
  auto drain = [&](const std::string& round) {
    for (int i = 0; i < 8; ++i) {
      gate.release(round + std::to_string(i));
    }
    for (int i = 0; i < 8; ++i) {
      self->receive([](ScanReport&) {}, caf::after(60s) >> [] { FAIL("no answer within 60 s"); });
    }
  };
  // Events reach the listener in the order they were published: one the
  // test causes (quarantine, enable) shows that every earlier one arrived.
  auto barrier = [&](EventKind kind, std::size_t count) {
    REQUIRE(listener.wait_for(
        [&](const auto& events) { return count_of_kind(events, kind) == count; }));
  };
  fill("a");
  CHECK(warden->stats().size() == 1);  // the eight requests were handled
  drain("a");
  REQUIRE(warden->quarantine("gated"));
  barrier(EventKind::plugin_quarantined, 1);
  CHECK(count_of_kind(listener.snapshot(), EventKind::overloaded) == 1);
  REQUIRE(warden->enable("gated"));
  REQUIRE(warden->scan(make_transaction(1)).failures.empty());  // serves again
  fill("b");
  CHECK(warden->stats().size() == 1);
  drain("b");
  REQUIRE(warden->quarantine("gated"));
  barrier(EventKind::plugin_quarantined, 2);
  CHECK(count_of_kind(listener.snapshot(), EventKind::overloaded) == 2);
  for (const auto& event : listener.snapshot()) {
    CHECK(event.plugin_id == "gated");
    if (event.kind == EventKind::overloaded) {
      CHECK(event.reason == "queue_full");
    }
  }
  warden->shutdown();
}
