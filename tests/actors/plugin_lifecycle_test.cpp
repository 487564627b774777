// Plugin lifecycle at run time: add from source and from a file, load errors
// and duplicate ids, remove, hot reload under load from two host threads, a
// failed reload, recycle, and the content revision in stats and reports.
#include "actors/plugin_lifecycle.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <catch2/catch.hpp>

#include "actors/plugin_revision.hpp"
#include "actors/request_group.hpp"
#include "tests/actors/actors_test_support.hpp"

using namespace warden;
using namespace warden::actors;
using namespace warden::test;

namespace {

constexpr auto kBound = std::chrono::seconds(60);

// One finding per scan, naming the version of the code that produced it.
std::string versioned_plugin(const std::string& id, int version) {
  return "export default {\n  id: \"" + id + "\",\n  scan(txn) {\n    return [{ title: \"v" +
         std::to_string(version) + " \" + txn.id, severity: \"info\" }];\n  },\n};\n";
}

PluginSpec from_source(const std::string& name, std::string source) {
  PluginSpec spec;
  spec.name = name;
  spec.source = std::move(source);
  return spec;
}

// Waits (bounded) until `done` holds.
template <class Predicate>
bool eventually(Predicate done) {
  const auto until = std::chrono::steady_clock::now() + kBound;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

bool is_revision(const std::string& text) {
  return text.size() == 16 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// The revision `report` names for `plugin_id`, "" when none.
std::string revision_in(const ScanReport& report, const std::string& plugin_id) {
  for (const auto& revision : report.revisions) {
    if (revision.plugin_id == plugin_id) {
      return revision.revision;
    }
  }
  return {};
}

}  // namespace

TEST_CASE("a content revision is 16 hex digits of FNV-1a over source and config", "[pure]") {
  CHECK(content_revision("", "") == "af63bd4c8601b7df");  // FNV-1a of one NUL byte
  CHECK(content_revision("a", "{}") == "ab95f0820d88eaf0");
  CHECK(content_revision("a", "{}") != content_revision("a", "{\"x\":1}"));
  CHECK(content_revision("ab", "") != content_revision("a", "b"));  // the NUL separates them
}

TEST_CASE(
    "a request group keeps outcomes for its target versions only, in load order, with their "
    "revisions",
    "[pure]") {
  auto transaction = std::make_shared<Transaction>();
  transaction->id = "t";
  // Entries 0..9 exist (reloads made new ones); the request reached 2 and 7.
  const std::vector<std::string> ids = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
  RequestGroup group{{transaction}, std::vector<uint32_t>{2, 7}};
  std::vector<ScanReport> replies;
  group.seal([&](std::vector<ScanReport>&& reports) { replies = std::move(reports); });
  PluginOutcome late;
  late.findings.push_back(Finding{});
  late.findings.back().title = "from h";
  late.revision = "0000000000000007";
  CHECK_FALSE(group.settle(0, 7, std::move(late)));
  PluginOutcome refused;
  refused.error = Error(ErrorCode::overloaded, "full");  // no worker ran it: no revision
  CHECK(group.settle(0, 2, std::move(refused)));
  CHECK(group.answer(ids));
  REQUIRE(replies.size() == 1);
  REQUIRE(replies[0].findings.size() == 1);
  CHECK(replies[0].findings[0].title == "from h");
  REQUIRE(replies[0].failures.size() == 1);
  CHECK(replies[0].failures[0].plugin_id == "c");
  REQUIRE(replies[0].revisions.size() == 1);
  CHECK(replies[0].revisions[0].plugin_id == "h");
  CHECK(replies[0].revisions[0].revision == "0000000000000007");
}

TEST_CASE("plugins added from source and from a file serve, with their revisions", "[actors]") {
  TempDir dir;
  WardenConfig config;
  config.plugins = {{dir.write("base.js", header_plugin("base"))}};
  config.workers_per_plugin = 1;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);

  const auto inline_added = warden->add(from_source("inline.js", versioned_plugin("inline", 1)));
  REQUIRE_FALSE(inline_added.error);
  CHECK(inline_added.plugin_id == "inline");
  CHECK(inline_added.revision == content_revision(versioned_plugin("inline", 1), "{}"));
  PluginSpec file_spec;
  file_spec.path = dir.write("file.js", versioned_plugin("from-file", 7));
  const auto file_added = warden->add(file_spec);
  REQUIRE_FALSE(file_added.error);
  CHECK(file_added.plugin_id == "from-file");
  CHECK(is_revision(file_added.revision));
  CHECK(file_added.revision != inline_added.revision);

  const auto report = warden->scan(make_transaction(5));  // one X- header: one base finding
  CHECK(report.failures.empty());
  REQUIRE(report.findings.size() == 3);
  CHECK(report.findings[1].title == "v1 5");
  CHECK(report.findings[2].title == "v7 5");
  REQUIRE(report.revisions.size() == 3);
  CHECK(revision_in(report, "base") == content_revision(header_plugin("base"), "{}"));
  CHECK(revision_in(report, "inline") == inline_added.revision);
  CHECK(revision_in(report, "from-file") == file_added.revision);

  const auto stats = warden->stats();
  REQUIRE(stats.size() == 3);
  CHECK(stats_of(stats, "inline").revision == inline_added.revision);
  CHECK(stats_of(stats, "from-file").revision == file_added.revision);
  CHECK(stats_of(stats, "from-file").scans == 1);
  warden->shutdown();
}

TEST_CASE("describe lists the live plugins after add, reload and remove, plugins() the started",
          "[actors]") {
  TempDir dir;
  WardenConfig config;
  config.plugins = {{dir.write("base.js", header_plugin("base"))},
                    {dir.write("gone.js", header_plugin("gone"))}};
  config.workers_per_plugin = 1;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);
  REQUIRE_FALSE(warden->add(from_source("added.js", versioned_plugin("added", 1))).error);
  const auto reloaded = warden->reload("base", from_source("base.js", versioned_plugin("base", 2)));
  REQUIRE_FALSE(reloaded.error);
  REQUIRE_FALSE(warden->remove("gone").error);

  const auto live = warden->describe();
  REQUIRE(live.ok());
  std::vector<std::string> ids;
  for (const auto& plugin : live->plugins) {
    ids.push_back(plugin.id);
  }
  CHECK(ids == std::vector<std::string>{"added", "base"});  // load order: a reload loads last
  REQUIRE(live->revisions.size() == 2);
  CHECK(live->revisions[1].plugin_id == "base");
  CHECK(live->revisions[1].revision == reloaded.revision);
  CHECK(live->load_errors.empty());
  REQUIRE(warden->plugins().size() == 2);  // what start() loaded, unchanged
  CHECK(warden->plugins()[1].id == "gone");

  warden->shutdown();
  const auto after = warden->describe();
  REQUIRE_FALSE(after.ok());
  CHECK(after.error().code == ErrorCode::shutting_down);
}

TEST_CASE("add answers a load error with file and line, and refuses a duplicate id", "[actors]") {
  TempDir dir;
  WardenConfig config;
  config.plugins = {{dir.write("base.js", header_plugin("base"))}};
  config.workers_per_plugin = 1;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);

  const auto broken =
      warden->add(from_source("broken.js", "export default {\n  id: \"broken\",\n  scan( {\n"));
  REQUIRE(broken.error);
  CHECK(broken.error->code == ErrorCode::syntax_error);
  CHECK(broken.error->file == "broken.js");
  CHECK(broken.error->line >= 3);
  CHECK(broken.revision.empty());

  PluginSpec missing;
  missing.path = (dir.path() / "missing.js").string();
  const auto unreadable = warden->add(missing);
  REQUIRE(unreadable.error);
  CHECK(unreadable.error->code == ErrorCode::file_unreadable);

  const auto duplicate = warden->add(from_source("again.js", header_plugin("base")));
  REQUIRE(duplicate.error);
  CHECK(duplicate.error->code == ErrorCode::duplicate_id);
  CHECK(duplicate.plugin_id == "base");

  const auto stats = warden->stats();
  REQUIRE(stats.size() == 1);  // nothing was added
  CHECK(stats[0].revision == content_revision(header_plugin("base"), "{}"));
  CHECK(warden->scan(make_transaction(2)).failures.empty());
  warden->shutdown();
}

TEST_CASE("remove answers what is in flight first, then requests for the id get an error",
          "[actors]") {
  TempDir dir;
  WardenConfig config;
  config.plugins = {{dir.write("base.js", header_plugin("base"))},
                    {dir.write("slow.js", slow_plugin("slow", 40))}};
  config.workers_per_plugin = 1;
  config.max_workers_per_plugin = 1;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);
  const auto supervisor = warden->supervisor();

  constexpr int kInFlight = 6;
  caf::scoped_actor host{system};
  for (int i = 0; i < kInFlight; ++i) {
    host->send(supervisor, scan_atom::value, make_transaction(static_cast<std::size_t>(i)));
  }
  host->send(supervisor, remove_atom::value, std::string{"slow"});
  int scans = 0;
  int removed_after = -1;
  for (int received = 0; received < kInFlight + 1; ++received) {
    bool timed_out = false;
    host->receive(
        [&](ScanReport& report) {
          CHECK(report.failures.empty());  // answered by the slow plugin, not refused
          CHECK(revision_in(report, "slow") == content_revision(slow_plugin("slow", 40), "{}"));
          ++scans;
        },
        [&](LifecycleResult& result) {
          CHECK_FALSE(result.error);
          CHECK(result.plugin_id == "slow");
          removed_after = scans;
        },
        caf::after(kBound) >> [&] { timed_out = true; });
    REQUIRE_FALSE(timed_out);
  }
  CHECK(scans == kInFlight);
  CHECK(removed_after == kInFlight);  // remove answered after everything in flight

  auto transaction = make_transaction(3);
  ScanReport single;
  host->request(supervisor, kBound, scan_atom::value, std::string{"slow"}, transaction)
      .receive([&](ScanReport& report) { single = std::move(report); },
               [&](caf::error& error) { FAIL(system.render(error)); });
  REQUIRE(single.failures.size() == 1);
  CHECK(single.failures[0].error.code == ErrorCode::unknown_plugin);
  CHECK_THAT(single.failures[0].error.message, Catch::Contains("was removed"));
  const auto all = warden->scan(make_transaction(3));
  CHECK(all.failures.empty());
  CHECK(all.findings.size() == 3);  // base only
  CHECK(revision_in(all, "slow").empty());
  const auto again = warden->remove("slow");
  REQUIRE(again.error);
  CHECK(again.error->code == ErrorCode::unknown_plugin);
  CHECK(warden->stats().size() == 1);
  warden->shutdown();
}

TEST_CASE(
    "hot reload under load from two host threads answers every request once, each with the "
    "revision that produced it",
    "[actors]") {
  WardenConfig config;
  TempDir dir;
  config.plugins = {{dir.write("hot.js", versioned_plugin("hot", 1))}};
  config.workers_per_plugin = 2;
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);
  const auto supervisor = warden->supervisor();

  std::mutex mutex;
  std::map<std::string, std::string> revision_of_version;  // "v1" -> revision
  revision_of_version["v1"] = content_revision(versioned_plugin("hot", 1), "{}");
  std::map<std::string, int> answers;  // transaction id -> answers
  std::vector<std::string> mismatches;
  std::atomic<bool> stop{false};
  auto load = [&](int thread) {
    caf::scoped_actor host{system};
    for (int round = 0; !stop.load(); ++round) {
      constexpr int kWindow = 8;
      for (int i = 0; i < kWindow; ++i) {
        auto transaction = std::make_shared<Transaction>(*make_transaction(0));
        transaction->id = std::to_string(thread) + "-" + std::to_string(round * kWindow + i);
        host->send(supervisor, scan_atom::value, TransactionPtr{transaction});
      }
      for (int i = 0; i < kWindow; ++i) {
        host->receive(
            [&](ScanReport& report) {
              std::lock_guard<std::mutex> guard{mutex};
              ++answers[report.transaction_id];
              const std::string version =
                  report.findings.size() == 1 ? report.findings[0].title.substr(0, 2) : "none";
              const auto it = revision_of_version.find(version);
              if (!report.failures.empty() || it == revision_of_version.end() ||
                  revision_in(report, "hot") != it->second) {
                mismatches.push_back(report.transaction_id + " " + version);
              }
            },
            caf::after(kBound) >> [&] { mismatches.push_back("timed out"); });
      }
    }
  };
  // The revisions are recorded before any code that produces them can run.
  for (int version = 2; version <= 6; ++version) {
    revision_of_version["v" + std::to_string(version)] =
        content_revision(versioned_plugin("hot", version), "{}");
  }
  std::thread first{load, 1};
  std::thread second{load, 2};

  auto before = warden->scan(make_transaction(1));
  CHECK(revision_in(before, "hot") == revision_of_version["v1"]);
  for (int version = 2; version <= 6; ++version) {
    if (version == 4) {
      const auto failed = warden->reload(
          "hot", from_source("hot-v4.js", "export default {\n  id: \"hot\",\n  ,\n"));
      REQUIRE(failed.error);
      CHECK(failed.error->code == ErrorCode::syntax_error);
      CHECK(failed.error->file == "hot-v4.js");
      CHECK(failed.error->line == 3);
      CHECK(failed.revision == revision_of_version["v3"]);  // the old one keeps serving
      const auto still = warden->scan(make_transaction(1));
      CHECK(still.findings.at(0).title == "v3 1");
      CHECK(revision_in(still, "hot") == revision_of_version["v3"]);
      continue;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));  // let load build up
    const auto reloaded =
        warden->reload("hot", from_source("hot.js", versioned_plugin("hot", version)));
    REQUIRE_FALSE(reloaded.error);
    CHECK(reloaded.revision == revision_of_version["v" + std::to_string(version)]);
    const auto after = warden->scan(make_transaction(1));
    CHECK(after.findings.at(0).title == "v" + std::to_string(version) + " 1");
    CHECK(revision_in(after, "hot") == reloaded.revision);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  stop = true;
  first.join();
  second.join();

  const auto mismatched = mismatches.size();
  CHECK(mismatched == 0);
  if (!mismatches.empty()) {
    INFO("first mismatch: " << mismatches.front());
    CHECK(mismatches.empty());
  }
  std::size_t twice = 0;
  for (const auto& [id, count] : answers) {
    twice += count != 1 ? 1 : 0;
  }
  CHECK(twice == 0);
  CHECK(answers.size() > 16);  // both threads got answers
  const auto wrong_id =
      warden->reload("hot", from_source("other.js", versioned_plugin("other", 9)));
  REQUIRE(wrong_id.error);
  CHECK(wrong_id.error->code == ErrorCode::invalid_id);
  const auto stats = warden->stats();
  REQUIRE(stats.size() == 1);
  CHECK(stats[0].revision == revision_of_version["v6"]);
  CHECK(stats[0].workers == 2);
  // Counts go on across versions: every scan any version answered, the six
  // blocking ones above included.
  CHECK(stats[0].scans == answers.size() + 6);
  warden->shutdown();
}

TEST_CASE("recycle retires every worker of the plugin, one after another, as a planned recycle",
          "[actors]") {
  TempDir dir;
  WardenConfig config;
  config.plugins = {{dir.write("base.js", header_plugin("base"))}};
  config.workers_per_plugin = 2;
  config.max_workers_per_plugin = 2;
  config.warm_spare = true;  // two serving workers and a loaded spare: three isolates
  EventLog log;
  config.on_worker_event = log.hook();
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);
  using Kind = WorkerEvent::Kind;
  auto count = [](const std::vector<WorkerEvent>& events, Kind kind) {
    return std::count_if(events.begin(), events.end(),
                         [kind](const WorkerEvent& e) { return e.kind == kind; });
  };
  REQUIRE(log.wait_for([&](const auto& events) { return count(events, Kind::ready) == 2; }));
  REQUIRE(count(log.snapshot(), Kind::spawned) == 3);

  const auto recycled = warden->recycle("base");
  REQUIRE_FALSE(recycled.error);
  CHECK(recycled.revision == content_revision(header_plugin("base"), "{}"));
  CHECK(eventually([&] {
    return count_of(warden->stats().at(0).restarts_by_reason, "recycle_requested") == 3;
  }));
  CHECK(warden->scan(make_transaction(3)).findings.size() == 3);
  CHECK(eventually([&] { return warden->stats().at(0).workers == 2; }));
  const auto stats = warden->stats().at(0);
  CHECK(count_of(stats.restarts_by_reason, "recycle_requested") == 3);
  CHECK(stats.restarts_by_reason.size() == 1);

  // Each of the three first workers went down as a requested recycle, one at
  // a time, and each later worker was spawned after a down message.
  std::set<uint64_t> recycled_generations;
  std::size_t downs = 0;
  std::size_t spawns = 0;
  for (const auto& e : log.snapshot()) {
    if (e.kind == Kind::down) {
      ++downs;
      CHECK(e.reason == "recycle_requested");
      recycled_generations.insert(e.generation);
    } else if (e.kind == Kind::spawned && ++spawns > 3) {
      CHECK(downs >= spawns - 3);
    }
  }
  CHECK(recycled_generations == std::set<uint64_t>{1, 2, 3});

  const auto unknown = warden->recycle("nope");
  REQUIRE(unknown.error);
  CHECK(unknown.error->code == ErrorCode::unknown_plugin);
  warden->shutdown();
}

TEST_CASE(
    "in process isolation add and reload validate in a child and a failed reload keeps the old "
    "code serving",
    "[actors]") {
  WardenConfig config;
  config.isolation = Isolation::process;
  config.workers_per_plugin = 1;
  config.plugins = {from_source("proc.js", versioned_plugin("proc", 1))};
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = start_or_fail(system, config);
  CHECK(warden->scan(make_transaction(1)).findings.at(0).title == "v1 1");

  const auto broken = warden->reload(
      "proc", from_source("proc-v2.js", "export default {\n  id: \"proc\",\n  scan( {\n"));
  REQUIRE(broken.error);
  CHECK(broken.error->code == ErrorCode::syntax_error);
  CHECK(broken.error->file == "proc-v2.js");
  CHECK(broken.error->line >= 3);
  CHECK(broken.revision == content_revision(versioned_plugin("proc", 1), "{}"));
  CHECK(warden->scan(make_transaction(2)).findings.at(0).title == "v1 2");

  const auto reloaded = warden->reload("proc", from_source("proc.js", versioned_plugin("proc", 2)));
  REQUIRE_FALSE(reloaded.error);
  const auto after = warden->scan(make_transaction(3));
  CHECK(after.findings.at(0).title == "v2 3");
  CHECK(revision_in(after, "proc") == reloaded.revision);

  const auto added = warden->add(from_source("other.js", versioned_plugin("other", 5)));
  REQUIRE_FALSE(added.error);
  CHECK(warden->scan(make_transaction(4)).findings.size() == 2);
  warden->shutdown();
}

TEST_CASE("lifecycle answers, specs and revisions survive serialization", "[actors]") {
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto round_trip = [&](auto value) {
    std::vector<char> buffer;
    caf::binary_serializer sink{system, buffer};
    REQUIRE_FALSE(sink(value));
    decltype(value) copy;
    caf::binary_deserializer source{system, buffer};
    REQUIRE_FALSE(source(copy));
    return copy;
  };
  const LifecycleResult failed{"hot", "0123456789abcdef",
                               Error{ErrorCode::syntax_error, "Unexpected token", "hot.js", 3}};
  const auto failed_copy = round_trip(failed);
  CHECK(failed_copy.plugin_id == "hot");
  CHECK(failed_copy.revision == "0123456789abcdef");
  REQUIRE(failed_copy.error);
  CHECK(failed_copy.error->code == ErrorCode::syntax_error);
  CHECK(failed_copy.error->file == "hot.js");
  CHECK(failed_copy.error->line == 3);
  const LifecycleResult done{"hot", "fedcba9876543210", std::nullopt};
  CHECK_FALSE(round_trip(done).error);
  const auto spec_copy = round_trip(from_source("inline.js", "export default 1;"));
  CHECK(spec_copy.name == "inline.js");
  CHECK(spec_copy.source == "export default 1;");
  ScanReport report;
  report.revisions.push_back(PluginRevision{"hot", "fedcba9876543210"});
  const auto report_copy = round_trip(report);
  REQUIRE(report_copy.revisions.size() == 1);
  CHECK(report_copy.revisions[0].revision == "fedcba9876543210");
}
