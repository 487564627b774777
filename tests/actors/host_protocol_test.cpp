// The public protocol holds against a host that casts its handle to
// caf::actor and sends the internal messages: the supervisor refuses each
// (ready, batch_done, respawn, deadline, pool_tick from anyone but their one
// sender; workers unless the test-only flag is set), logs it, and scans
// afterwards still give the right findings.
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <catch2/catch.hpp>

#include "actors/worker_protocol.hpp"
#include "tests/actors/actors_test_support.hpp"
#include "warden/logger.hpp"
#include "warden/warden.hpp"

using namespace warden;
using namespace warden::actors;
using namespace warden::test;
using namespace std::chrono_literals;

namespace {

// Holds its worker in a ConsoleGate on a URL with "/hold/NAME"; otherwise
// one finding per "x-" header, like header_plugin.
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

// Puts the actor layer's logger back to the default when the test ends.
struct DefaultLoggerAtEnd {
  ~DefaultLoggerAtEnd() {
    set_logger(nullptr);
  }
};

struct OpenAtEnd {
  ~OpenAtEnd() {
    gate.open();
  }
  ConsoleGate& gate;
};

bool logged(const std::vector<std::string>& lines, const std::string& text) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const auto& line) { return line.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE(
    "internal messages a host sends through an untyped handle are refused, logged and change "
    "nothing",
    "[actors]") {
  TempDir dir;
  ConsoleGate gate;
  const std::vector<std::string> paths = {dir.write("h.js", header_plugin("alpha")),
                                          dir.write("g.js", holding_plugin("holder"))};
  WardenConfig config;
  for (const auto& path : paths) {
    config.plugins.push_back({path});
  }
  config.workers_per_plugin = 1;
  config.max_workers_per_plugin = 1;
  config.warm_spare = false;
  config.max_batch = 1;
  config.console = gate.sink();
  config.limits.scan_timeout = 120s;  // a held scan must not time out
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256);
  auto log = std::make_shared<spdlog::logger>("warden-test", sink);
  log->set_level(spdlog::level::debug);
  config.logger = log;
  const DefaultLoggerAtEnd default_logger_at_end;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);
  const OpenAtEnd open_at_end{gate};
  const auto input = transactions(20);
  const auto expected = reference_findings({paths[0]}, input);
  REQUIRE(warden->scan(input[0]).failures.empty());  // both serve

  // A scan the holder's only worker holds while the forgeries arrive: a
  // forged answer or deadline for it would settle it with their outcome.
  caf::scoped_actor host{system};
  const auto typed = warden->supervisor();
  host->send(typed, scan_atom::value, make_transaction_with_url("held", "https://e.com/hold/h"));
  REQUIRE(gate.wait_held("h"));

  const auto untyped = caf::actor_cast<caf::actor>(typed);
  for (uint32_t plugin = 0; plugin < 2; ++plugin) {
    WorkerReady ready;
    ready.plugin = plugin;
    ready.generation = 1;
    host->send(untyped, ready_atom::value, ready);
    for (uint64_t batch = 1; batch <= 4; ++batch) {
      BatchDone done;
      done.plugin = plugin;
      done.generation = 1;
      done.batch_id = batch;
      done.engine_unusable = true;  // accepted, it would take the worker out of service
      for (uint64_t job = 1; job <= 4; ++job) {
        JobOutcome outcome;
        outcome.job_id = job;
        Finding forged;
        forged.plugin_id = plugin == 0 ? "alpha" : "holder";
        forged.title = "forged";
        outcome.findings.push_back(forged);
        done.outcomes.push_back(outcome);
      }
      host->send(untyped, batch_done_atom::value, done);
      host->send(untyped, deadline_atom::value, plugin, uint32_t{0}, uint64_t{1}, batch);
    }
    host->send(untyped, respawn_atom::value, plugin, uint32_t{0}, uint64_t{1});
  }
  host->send(untyped, pool_tick_atom::value);
  bool workers_refused = false;
  host->request(untyped, 60s, workers_atom::value)
      .receive([&](std::vector<plugin_worker_actor>&) { FAIL("workers handed to a host"); },
               [&](caf::error& error) { workers_refused = error == caf::sec::unexpected_message; });
  CHECK(workers_refused);
  // The same sender's messages arrive in order: once this is answered, every
  // forgery above was handled.
  host->request(typed, 60s, stats_atom::value)
      .receive([](std::vector<PluginStats>&) {}, [](caf::error& error) { FAIL(to_string(error)); });
  const auto lines = sink->last_formatted();
  for (const char* kind :
       {"(ready)", "(batch_done)", "(deadline)", "(respawn)", "(pool_tick)", "(workers)"}) {
    INFO(kind);
    CHECK(logged(lines, std::string{"refused an internal message "} + kind));
  }

  gate.release("h");
  ScanReport held;
  host->receive([&](ScanReport& report) { held = std::move(report); },
                caf::after(60s) >> [] { FAIL("the held scan was not answered within 60 s"); });
  CHECK(held.transaction_id == "held");
  CHECK(held.failures.empty());
  REQUIRE(held.findings.size() == 1);
  CHECK(held.findings[0].title == "seen held");

  for (std::size_t i = 0; i < input.size(); ++i) {
    const auto report = warden->scan(input[i]);
    CHECK(report.failures.empty());
    std::vector<Finding> alpha;
    for (const auto& finding : report.findings) {
      CHECK(finding.title != "forged");
      if (finding.plugin_id == "alpha") {
        alpha.push_back(finding);
      }
    }
    CHECK(same_findings(alpha, expected[i]));
  }
  const auto stats = warden->stats();
  for (const char* id : {"alpha", "holder"}) {
    INFO(id);
    CHECK(stats_of(stats, id).restarts_by_reason.empty());
    CHECK(stats_of(stats, id).abandoned == 0);
    CHECK(stats_of(stats, id).workers == 1);
    CHECK_FALSE(stats_of(stats, id).quarantined);
  }
  warden->shutdown();
}

TEST_CASE("the supervisor hands out worker handles only with the test-only flag", "[actors]") {
  TempDir dir;
  WardenConfig config;
  config.plugins = {{dir.write("h.js", header_plugin("alpha"))}};
  config.workers_per_plugin = 1;
  config.warm_spare = false;
  config.expose_workers_for_tests = true;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);
  REQUIRE(warden->scan(make_transaction(1)).failures.empty());
  caf::scoped_actor self{system};
  std::size_t workers = 0;
  self->request(caf::actor_cast<supervisor_actor>(warden->supervisor()), 60s, workers_atom::value)
      .receive([&](std::vector<plugin_worker_actor>& handles) { workers = handles.size(); },
               [](caf::error& error) { FAIL(to_string(error)); });
  CHECK(workers == 1);
  warden->shutdown();
}

TEST_CASE("a request error carries its ErrorCode and message back to the host", "[actors]") {
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  const auto error = caf::make_error(ErrorCode::unknown_plugin, std::string{"no plugin 'x'"});
  const auto read = request_error_of(error);
  REQUIRE(read.has_value());
  CHECK(read->code == ErrorCode::unknown_plugin);
  CHECK(read->message == "no plugin 'x'");
  CHECK_FALSE(request_error_of(caf::make_error(caf::sec::request_timeout)).has_value());
  CHECK_FALSE(request_error_of(caf::make_error(errc::timeout)).has_value());
  CHECK(system.render(error).find("unknown_plugin") != std::string::npos);
}
