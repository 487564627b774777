// Process isolation with a real actor system and real child processes
// (bin/warden-worker): the same findings as thread isolation, a V8 fatal error
// or a stuck built-in that costs only its own plugin's scans, a plugin that
// crashes V8 while loading, identity checked against the child's load, and
// the supervisor's batch deadline as the backstop (docs/design.md,
// "Guarantees", 1 to 3).
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <signal.h>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "actors/supervisor.hpp"
#include "tests/actors/actors_test_support.hpp"
#include "warden/har_reader.hpp"
#include "warden/warden.hpp"
#include "warden/worker_process.hpp"

using namespace warden;
using namespace warden::actors;
using namespace warden::test;
using namespace std::chrono_literals;
using Kind = WorkerEvent::Kind;

namespace {

// An array-like whose length reads 1 the first time (the realm's guard) and
// 2^32-1 afterwards (the native built-in): sort on it is a V8 fatal
// out-of-memory error, lastIndexOf a C++ loop that ignores the time limit.
constexpr const char* kLiar = R"(
const liar = () => {
  let reads = 0;
  return { get length() { return reads++ === 0 ? 1 : 2 ** 32 - 1; } };
};
)";

// Crashes V8 (a fatal error: the process dies) on a URL with "crash";
// otherwise one finding.
std::string crashing_plugin(const std::string& id) {
  return std::string{kLiar} + R"(export default {
  id: ")" +
         id + R"(",
  scan(txn) {
    if (txn.request.url.includes("crash")) Array.prototype.sort.call(liar());
    return [{ title: "seen " + txn.id, severity: "info" }];
  },
};
)";
}

// Stuck in a built-in that never checks for interrupts on a URL with "hang".
std::string hanging_plugin(const std::string& id) {
  return std::string{kLiar} + R"(export default {
  id: ")" +
         id + R"(",
  scan(txn) {
    if (txn.request.url.includes("hang")) Array.prototype.lastIndexOf.call(liar(), 1);
    return [{ title: "seen " + txn.id, severity: "info" }];
  },
};
)";
}

// Sends shutdown to a supervisor spawned without Warden when the test ends,
// so ~actor_system does not wait forever.
struct ShutdownAtEnd {
  ~ShutdownAtEnd() {
    caf::anon_send(supervisor, shutdown_atom::value);
  }
  supervisor_actor supervisor;
};

WardenConfig process_config() {
  WardenConfig config;
  config.isolation = Isolation::process;
  return config;
}

bool same_finding(const Finding& a, const Finding& b) {
  return a.plugin_id == b.plugin_id && a.transaction_id == b.transaction_id && a.url == b.url &&
         a.title == b.title && a.severity == b.severity && a.description == b.description &&
         a.evidence == b.evidence && a.cwe == b.cwe && a.confidence == b.confidence &&
         a.param == b.param && a.other_info == b.other_info && a.solution == b.solution &&
         a.references == b.references && a.wasc == b.wasc;
}

// The titles `id` found in `report`.
std::vector<std::string> titles_of(const ScanReport& report, const std::string& id) {
  std::vector<std::string> titles;
  for (const auto& finding : report.findings) {
    if (finding.plugin_id == id) {
      titles.push_back(finding.title);
    }
  }
  return titles;
}

// Every entry of every HAR in `files`, its id its index in the result.
std::vector<TransactionPtr> read_entries(const std::vector<std::string>& files) {
  std::vector<TransactionPtr> result;
  for (const auto& file : files) {
    const auto summary = runtime::read_har_file(file, [&](Transaction&& transaction) {
      transaction.id = std::to_string(result.size());
      result.push_back(std::make_shared<const Transaction>(std::move(transaction)));
      return true;
    });
    if (!summary.ok()) {
      FAIL(summary.error().describe());
    }
  }
  return result;
}

// Whether `id`'s workers went down for `reason` at least `times` times. A
// worker answers its scan before it goes down, so the restart its down
// message counts may trail the answer: a test waits for this before reading
// the restart counts.
bool went_down(const EventLog& log, const std::string& id, const std::string& reason,
               std::size_t times) {
  return log.wait_for([&](const auto& events) {
    return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [&](const auto& e) {
             return e.kind == Kind::down && e.plugin_id == id && e.reason == reason;
           })) >= times;
  });
}

}  // namespace

TEST_CASE(
    "in process isolation the bundled plugins find in the plugin fixtures and the demo HAR "
    "exactly what they find in thread isolation",
    "[actors]") {
  std::vector<std::string> hars;
  std::vector<PluginSpec> plugins;
  for (const auto& entry : std::filesystem::directory_iterator(WARDEN_PLUGINS_DIR)) {
    if (entry.path().extension() == ".js") {
      plugins.push_back(PluginSpec{entry.path().string()});
    }
  }
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string{WARDEN_FIXTURES} + "/plugins")) {
    if (entry.path().extension() == ".har") {
      hars.push_back(entry.path().string());
    }
  }
  std::sort(plugins.begin(), plugins.end(),
            [](const PluginSpec& a, const PluginSpec& b) { return a.path < b.path; });
  std::sort(hars.begin(), hars.end());
  hars.push_back(std::string{WARDEN_SOURCE_DIR} + "/examples/demo.har");
  REQUIRE(plugins.size() >= 10);
  const auto input = read_entries(hars);
  REQUIRE(input.size() > 20);

  TestConfig caf_config;
  caf::actor_system system{caf_config};
  WardenConfig thread_config;
  thread_config.plugins = plugins;
  auto in_threads = start_or_fail(system, thread_config);
  const auto expected = stream_all(*in_threads, input);
  const auto thread_stats = in_threads->stats();
  in_threads->shutdown();

  WardenConfig config = process_config();
  config.plugins = plugins;
  auto in_processes = start_or_fail(system, config);
  CHECK(in_processes->isolation() == Isolation::process);
  CHECK_FALSE(in_processes->confinement().empty());
  CHECK(in_processes->load_errors().empty());
  const auto result = stream_all(*in_processes, input);
  const auto stats = in_processes->stats();
  in_processes->shutdown();

  std::size_t findings = 0;
  for (std::size_t i = 0; i < input.size(); ++i) {
    INFO("transaction " << i);
    CHECK(result.answers[i] == 1);
    const auto& got = result.reports[i];
    const auto& want = expected.reports[i];
    CHECK(got.failures.size() == want.failures.size());
    REQUIRE(got.findings.size() == want.findings.size());
    for (std::size_t f = 0; f < got.findings.size(); ++f) {
      CHECK(same_finding(got.findings[f], want.findings[f]));
    }
    findings += got.findings.size();
  }
  CHECK(findings > 20);  // the comparison compared something
  REQUIRE(stats.size() == thread_stats.size());
  for (std::size_t p = 0; p < stats.size(); ++p) {
    INFO(stats[p].plugin_id);
    CHECK(stats[p].plugin_id == thread_stats[p].plugin_id);
    CHECK(stats[p].restarts_by_reason.empty());
    CHECK(stats[p].errors_by_kind == thread_stats[p].errors_by_kind);
    CHECK(stats[p].findings == thread_stats[p].findings);
  }
}

TEST_CASE(
    "a plugin that crashes V8 on one transaction costs only its own scans of it: the good "
    "plugin's findings are exact, the crash is answered crashed and the host lives on",
    "[actors]") {
  TempDir dir;
  EventLog log;
  WardenConfig config = process_config();
  config.plugins = {{dir.write("good.js", header_plugin("good"))},
                    {dir.write("crasher.js", crashing_plugin("crasher"))}};
  config.workers_per_plugin = 1;
  config.max_workers_per_plugin = 1;  // one fixed slot: each replacement follows a down
  config.warm_spare = false;
  config.max_batch = 4;
  config.restart_backoff = 1ms;
  config.on_worker_event = log.hook();
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);
  REQUIRE(warden->load_errors().empty());

  auto input = transactions(12);
  input[5] = make_transaction_with_url("5", "https://example.com/crash?secret=1");
  const auto started = std::chrono::steady_clock::now();
  const auto result = stream_all(*warden, input);
  CHECK(std::chrono::steady_clock::now() - started < 60s);

  WardenConfig alone_config;
  alone_config.plugins = {config.plugins[0]};
  auto alone = start_or_fail(system, alone_config);
  const auto expected = stream_all(*alone, input);
  alone->shutdown();

  for (std::size_t i = 0; i < input.size(); ++i) {
    INFO("transaction " << i);
    CHECK(result.answers[i] == 1);
    CHECK(titles_of(result.reports[i], "good") == titles_of(expected.reports[i], "good"));
    if (i == 5) {
      REQUIRE(result.reports[i].failures.size() == 1);
      const auto& failure = result.reports[i].failures[0];
      CHECK(failure.plugin_id == "crasher");
      CHECK(failure.error.code == ErrorCode::crashed);
      CHECK_THAT(failure.error.message, Catch::Contains("crasher") && Catch::Contains("died"));
      CHECK(titles_of(result.reports[i], "crasher").empty());
    } else {
      CHECK(result.reports[i].failures.empty());
      CHECK(titles_of(result.reports[i], "crasher").size() == 1);
    }
  }
  CHECK_FALSE(expected.reports[5].findings.empty());

  const auto stats = warden->stats();
  const auto& s = stats_of(stats, "crasher");
  // Crashed twice: once, then once more on a fresh child (the retry), then answered.
  CHECK(count_of(s.restarts_by_reason, "crashed") == 2);
  CHECK(s.retries == 1);
  CHECK(count_of(s.errors_by_kind, "crashed") == 1);
  CHECK_FALSE(s.quarantined);
  CHECK(stats_of(stats, "good").restarts_by_reason.empty());
  // Every replacement came after its predecessor's down message.
  std::map<uint64_t, std::size_t> down_at;
  const auto events = log.snapshot();
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].plugin_id == "crasher" && events[i].kind == Kind::down) {
      CHECK(events[i].reason == "crashed");
      down_at[events[i].generation] = i;
    }
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (e.plugin_id == "crasher" && e.kind == Kind::spawned && e.generation > 1) {
      REQUIRE(down_at.count(e.generation - 1));
      CHECK(down_at[e.generation - 1] < i);
    }
    if (e.kind == Kind::ready) {
      CHECK(e.pid > 0);
    }
  }
  const auto later = warden->scan(make_transaction(3));
  CHECK(later.failures.empty());
  warden->shutdown();
}

TEST_CASE(
    "a worker process stuck in a built-in that ignores the time limit is killed at its "
    "deadline and the run finishes in bounded time",
    "[actors]") {
  TempDir dir;
  EventLog log;
  WardenConfig config = process_config();
  config.plugins = {{dir.write("good.js", header_plugin("good"))},
                    {dir.write("hang.js", hanging_plugin("hang"))}};
  config.workers_per_plugin = 1;
  config.max_workers_per_plugin = 1;  // a fixed pool: the counts below are per slot
  config.warm_spare = false;
  config.limits.scan_timeout = 200ms;
  config.restart_backoff = 1ms;
  config.on_worker_event = log.hook();
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);

  auto input = transactions(6);
  input[2] = make_transaction_with_url("2", "https://example.com/hang?secret=1");
  const auto reference = reference_findings({config.plugins[0].path}, input);
  const auto started = std::chrono::steady_clock::now();
  const auto result = stream_all(*warden, input);
  CHECK(std::chrono::steady_clock::now() - started < 60s);
  for (std::size_t i = 0; i < input.size(); ++i) {
    INFO("transaction " << i);
    CHECK(result.answers[i] == 1);
    CHECK(titles_of(result.reports[i], "good") ==
          titles_of(ScanReport{"", reference[i], {}}, "good"));
    if (i == 2) {
      REQUIRE(result.reports[i].failures.size() == 1);
      const auto& failure = result.reports[i].failures[0];
      CHECK(failure.plugin_id == "hang");
      CHECK(failure.error.code == ErrorCode::timeout);
      CHECK_THAT(failure.error.message, Catch::Contains("hang") && Catch::Contains("killed"));
    } else {
      CHECK(result.reports[i].failures.empty());
    }
  }
  REQUIRE(went_down(log, "hang", "killed", 2));
  const auto stats = warden->stats();
  const auto& s = stats_of(stats, "hang");
  CHECK(count_of(s.restarts_by_reason, "killed") == 2);  // the scan, then its retry
  CHECK(s.abandoned == 0);
  CHECK(warden->abandoned_threads() == 0);
  CHECK_FALSE(s.quarantined);
  warden->shutdown();
}

TEST_CASE(
    "a worker whose child is killed from outside while idle goes down crashed and its next "
    "scan is retried on a fresh child",
    "[actors]") {
  TempDir dir;
  EventLog log;
  WardenConfig config = process_config();
  config.plugins = {{dir.write("good.js", header_plugin("good"))}};
  config.workers_per_plugin = 1;
  config.max_workers_per_plugin = 1;  // a fixed pool: the counts below are per slot
  config.warm_spare = false;
  config.restart_backoff = 1ms;
  config.on_worker_event = log.hook();
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);
  int pid = 0;
  REQUIRE(log.wait_for([&](const auto& events) {
    for (const auto& e : events) {
      if (e.kind == Kind::ready && e.generation == 1) {
        pid = e.pid;
        return true;
      }
    }
    return false;
  }));
  REQUIRE(pid > 0);
  REQUIRE(::kill(pid, SIGKILL) == 0);
  const auto report = warden->scan(make_transaction(7));
  CHECK(report.failures.empty());
  CHECK(titles_of(report, "good") ==
        titles_of(
            ScanReport{
                "", reference_findings({config.plugins[0].path}, {make_transaction(7)})[0], {}},
            "good"));
  CHECK_FALSE(report.findings.empty());
  const auto stats = warden->stats();
  CHECK(count_of(stats_of(stats, "good").restarts_by_reason, "crashed") == 1);
  CHECK(stats_of(stats, "good").retries == 1);
  warden->shutdown();
}

TEST_CASE(
    "in process isolation a plugin that crashes V8 while loading is a load error naming its "
    "file, and the other plugins run",
    "[actors]") {
  TempDir dir;
  WardenConfig config = process_config();
  const auto bad =
      dir.write("bad.js", std::string{kLiar} +
                              "Array.prototype.sort.call(liar());\n"
                              "export default { id: 'bad', scan() { return []; } };\n");
  config.plugins = {{bad}, {dir.write("good.js", header_plugin("good"))}};
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);
  REQUIRE(warden->load_errors().size() == 1);
  const auto& error = warden->load_errors()[0];
  CHECK(error.code == ErrorCode::crashed);
  CHECK(error.file == bad);
  CHECK_THAT(error.message, Catch::StartsWith("crashed while loading: "));
  REQUIRE(warden->plugins().size() == 1);
  CHECK(warden->plugins()[0].id == "good");
  const auto report = warden->scan(make_transaction(3));
  CHECK(report.failures.empty());
  CHECK(titles_of(report, "good").size() == 3);  // one per X- header
  warden->shutdown();
}

TEST_CASE(
    "in process isolation a worker whose child reports another id or version than the "
    "validated one is a load failure and never serves",
    "[actors]") {
  TempDir dir;
  auto launcher = runtime::ProcessLauncher::start(runtime::ProcessOptions{});
  REQUIRE(launcher.ok());
  const auto good = runtime::PluginSource::read(dir.write("steady.js", header_plugin("steady")));
  REQUIRE(good.ok());
  const auto liar = runtime::PluginSource::read(dir.write("liar.js", header_plugin("steady")));
  REQUIRE(liar.ok());
  std::vector<SupervisedPlugin> plugins;
  plugins.push_back(SupervisedPlugin{*good, runtime::PluginInfo{"steady", "", "", ""}, "{}"});
  plugins.push_back(SupervisedPlugin{*liar, runtime::PluginInfo{"liar", "", "", ""}, "{}"});
  WardenConfig config = process_config();
  config.workers_per_plugin = 1;
  config.max_workers_per_plugin = 1;  // one fixed slot: no spare or extra worker loads too
  config.warm_spare = false;
  config.max_failure_restarts = 1;
  config.failure_window = 60s;
  config.restart_backoff = 1ms;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  const ShutdownAtEnd stop{
      spawn_supervisor(system, std::move(plugins), config, std::move(launcher).value())};
  const auto& supervisor = stop.supervisor;
  caf::scoped_actor self{system};
  ScanReport report;
  self->request(supervisor, 60s, scan_atom::value,
                make_transaction_with_url("0", "https://example.com/ok?secret"))
      .receive([&](ScanReport& answer) { report = std::move(answer); },
               [&](caf::error& error) { FAIL("no answer: " << caf::to_string(error)); });
  REQUIRE(report.findings.size() == 1);
  CHECK(report.findings[0].plugin_id == "steady");
  REQUIRE(report.failures.size() == 1);
  CHECK(report.failures[0].plugin_id == "liar");
  CHECK(report.failures[0].error.code == ErrorCode::quarantined);
  std::vector<PluginStats> all;
  self->request(supervisor, 60s, stats_atom::value)
      .receive([&](std::vector<PluginStats>& answer) { all = std::move(answer); },
               [&](caf::error& error) { FAIL(caf::to_string(error)); });
  CHECK(count_of(stats_of(all, "liar").restarts_by_reason, "load_failed") == 2);
  CHECK(stats_of(all, "liar").scans == 0);
}

namespace {

// On a URL with "stuck", calls console.log("hold stuck"), which the test's
// ConsoleGate holds on the process worker's own thread (console lines come
// back to it while it waits for the scan's answer): a worker that cannot
// enforce its per-scan deadline, so only the supervisor's batch deadline
// can act. With AfterHold::hang the child then hangs in a built-in that
// ignores the time limit. Otherwise one finding.
enum class AfterHold { go_on, hang };
std::string console_stuck_plugin(const std::string& id, AfterHold after = AfterHold::go_on) {
  const std::string hang =
      after == AfterHold::hang ? "Array.prototype.lastIndexOf.call(liar(), 1);" : "";
  return std::string{kLiar} + R"(export default {
  id: ")" +
         id + R"(",
  scan(txn) {
    if (txn.request.url.includes("stuck")) {
      console.log("hold stuck");
      )" +
         hang + R"(
    }
    return [{ title: "seen " + txn.id, severity: "info" }];
  },
};
)";
}

// Waits (bounded) until process `pid` no longer exists, polling: nothing
// tells the test when the fork server has reaped a child.
bool process_ends(int pid, std::chrono::seconds limit = 60s) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (::kill(pid, 0) != 0 && errno == ESRCH) {
      return true;
    }
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

// The pid the first worker of `id` reported when it was ready.
int first_pid(const EventLog& log, const std::string& id) {
  int pid = 0;
  log.wait_for([&](const auto& events) {
    for (const auto& e : events) {
      if (e.plugin_id == id && e.kind == Kind::ready && e.generation == 1) {
        pid = e.pid;
        return true;
      }
    }
    return false;
  });
  return pid;
}

}  // namespace

TEST_CASE(
    "a process worker past its batch deadline has its child killed by the supervisor and goes "
    "down killed, not abandoned",
    "[actors]") {
  TempDir dir;
  EventLog log;
  ConsoleGate gate;
  WardenConfig config = process_config();
  config.plugins = {{dir.write("stuck.js", console_stuck_plugin("stuck", AfterHold::hang))}};
  config.workers_per_plugin = 1;
  config.max_workers_per_plugin = 1;  // a fixed pool: the counts below are per slot
  config.warm_spare = false;
  config.max_batch = 1;
  config.limits.scan_timeout = 200ms;
  config.restart_backoff = 1ms;
  config.console = gate.sink();
  config.on_worker_event = log.hook();
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);
  const int pid = first_pid(log, "stuck");
  REQUIRE(pid > 0);

  caf::scoped_actor self{system};
  self->send(warden->supervisor(), scan_atom::value,
             make_transaction_with_url("0", "https://example.com/stuck"));
  REQUIRE(gate.wait_held("stuck"));
  // The batch deadline (1.2 s + 2 s) kills the child, stuck in the built-in,
  // while its worker is held; released then, the worker finds its child
  // killed, answers the scan and goes down.
  REQUIRE(process_ends(pid));
  gate.release("stuck");
  ScanReport report;
  self->receive([&](ScanReport& answer) { report = std::move(answer); },
                caf::after(60s) >> [&] { FAIL("no answer within 60 s"); });
  // Killed by the supervisor, then retried on a fresh child, which the
  // worker's own per-scan deadline kills: answered timeout.
  REQUIRE(report.failures.size() == 1);
  CHECK(report.failures[0].error.code == ErrorCode::timeout);
  CHECK_THAT(report.failures[0].error.message, Catch::Contains("killed"));
  CHECK(report.findings.empty());
  REQUIRE(went_down(log, "stuck", "killed", 2));
  const auto stats = warden->stats();
  const auto& s = stats_of(stats, "stuck");
  CHECK(count_of(s.restarts_by_reason, "killed") == 2);
  CHECK(s.retries == 1);
  CHECK(s.abandoned == 0);
  CHECK(warden->abandoned_threads() == 0);
  warden->shutdown();
}

TEST_CASE(
    "a process worker still holding its batch a margin after its child was killed is "
    "abandoned, and every request is answered",
    "[actors]") {
  TempDir dir;
  EventLog log;
  ConsoleGate gate;
  WardenConfig config = process_config();
  config.plugins = {{dir.write("good.js", header_plugin("good"))},
                    {dir.write("stuck.js", console_stuck_plugin("stuck"))}};
  config.workers_per_plugin = 1;
  config.max_workers_per_plugin = 1;  // a fixed pool: the counts below are per slot
  config.warm_spare = false;
  config.max_batch = 1;
  config.limits.scan_timeout = 200ms;
  config.restart_backoff = 1ms;
  config.console = gate.sink();
  config.on_worker_event = log.hook();
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);

  auto input = transactions(3);
  input[1] = make_transaction_with_url("1", "https://example.com/stuck");
  const auto result = stream_all(*warden, input);
  for (std::size_t i = 0; i < input.size(); ++i) {
    INFO("transaction " << i);
    CHECK(result.answers[i] == 1);
    CHECK(titles_of(result.reports[i], "good") ==
          titles_of(ScanReport{"", reference_findings({config.plugins[0].path}, {input[i]})[0], {}},
                    "good"));
    if (i == 1) {
      REQUIRE(result.reports[i].failures.size() == 1);
      CHECK(result.reports[i].failures[0].error.code == ErrorCode::timeout);
      CHECK_THAT(result.reports[i].failures[0].error.message, Catch::Contains("abandoned"));
    } else {
      CHECK(result.reports[i].failures.empty());
    }
  }
  const auto stats = warden->stats();
  CHECK(stats_of(stats, "stuck").abandoned == 1);
  CHECK(count_of(stats_of(stats, "stuck").restarts_by_reason, "abandoned") == 1);
  // Released, the abandoned worker returns and its late down message is ignored.
  gate.open();
  REQUIRE(log.wait_for([](const auto& all) {
    return std::any_of(all.begin(), all.end(), [](const WorkerEvent& e) {
      return e.plugin_id == "stuck" && e.kind == Kind::thread_exited && e.generation == 1;
    });
  }));
  const auto limit = std::chrono::steady_clock::now() + 60s;
  while (warden->abandoned_threads() != 0 && std::chrono::steady_clock::now() < limit) {
    warden->stats();
  }
  CHECK(warden->abandoned_threads() == 0);
  warden->shutdown();
}
