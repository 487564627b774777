// tests/cli: `--isolation process`: the same report as thread isolation, a
// plugin that crashes V8 or hangs in a built-in beside good plugins, a plugin
// crashing V8 while loading, --stats and a fork server that cannot start.
#include <chrono>
#include <cstdlib>
#include <regex>

#include <catch2/catch.hpp>

#include "cli/cli_test_support.hpp"

using namespace warden::cli_test;

namespace {

// A report with its elapsed time masked: the text summary's "in 0.22 s",
// SARIF's "elapsedSeconds": 0.33.
std::string mask_elapsed(const std::string& text) {
  static const std::regex summary{R"( in [0-9]+\.[0-9]+ s:)"};
  static const std::regex sarif{R"("elapsedSeconds": [0-9.e+-]+)"};
  return std::regex_replace(std::regex_replace(text, summary, " in X s:"), sarif,
                            "\"elapsedSeconds\": X");
}

// The finding records of a JSONL report.
std::vector<nlohmann::json> findings_of(const std::string& jsonl) {
  std::vector<nlohmann::json> findings;
  for (const auto& record : parse_jsonl(jsonl)) {
    if (record["type"] == "finding") {
      findings.push_back(record);
    }
  }
  return findings;
}

// Sets an environment variable for the scope (the child inherits it).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

// Whether the fork server forks in this build: it refuses while its process
// has another thread, which ThreadSanitizer's runtime may keep (every launch
// then fails with "forks only with one ..."); the caller then says so and
// stops. Any other failure fails the calling test.
bool process_isolation_works() {
  static const bool works = [] {
    const auto run =
        run_warden({"plugins", "check", "--isolation", "process", fixture("plugins/good")});
    if (run.exit_code == 0) {
      return true;
    }
    INFO(run.out << run.err);
    REQUIRE_THAT(run.out + run.err, Catch::Contains("forks only with one"));
    return false;
  }();
  if (!works) {
    WARN("the fork server refuses to fork in this build (a sanitizer's thread): skipped");
  }
  return works;
}

}  // namespace

TEST_CASE(
    "warden scan --isolation process scans the demo with the bundled plugins into the same report",
    "[cli]") {
  if (!process_isolation_works()) {
    return;
  }
  const std::string demo = source_path("examples/demo.har");
  for (const char* format : {"text", "jsonl", "sarif"}) {
    INFO(format);
    const auto thread = run_warden({"scan", "--format", format, demo});
    const auto process = run_warden({"scan", "--isolation", "process", "--format", format, demo});
    INFO(process.err);
    REQUIRE(thread.exit_code == 0);
    CHECK(process.exit_code == 0);
    CHECK(mask_elapsed(process.out) == mask_elapsed(thread.out));
  }
  const auto text = run_warden({"scan", "--isolation", "process", demo});
  CHECK_THAT(text.out, Catch::Contains("14 findings"));
}

TEST_CASE("warden scan --stats names the isolation mode and, in process isolation, the confinement",
          "[cli]") {
  if (!process_isolation_works()) {
    return;
  }
  const std::string har = fixture("har/small.har");
  const auto thread =
      run_warden({"scan", "--quiet", "--stats", "--plugins", fixture("plugins/good"), har});
  auto stats = stats_from(thread.err);
  REQUIRE(stats.is_object());
  CHECK(stats["isolation"] == "thread");
  CHECK(stats["confinement"].is_null());
  const auto process = run_warden({"scan", "--quiet", "--stats", "--isolation", "process",
                                   "--plugins", fixture("plugins/good"), har});
  INFO(process.err);
  CHECK(process.exit_code == 0);
  stats = stats_from(process.err);
  REQUIRE(stats.is_object());
  CHECK(stats["isolation"] == "process");
  REQUIRE(stats["confinement"].is_string());
  CHECK_THAT(stats["confinement"].get<std::string>(), Catch::Contains("no inherited descriptors"));
  CHECK(stats["findings"] == 9);
}

TEST_CASE(
    "in process isolation a plugin that crashes V8 costs only its own scan of that transaction",
    "[cli]") {
  if (!process_isolation_works()) {
    return;
  }
  const std::string har = fixture("har/small.har");
  const auto alone =
      run_warden({"scan", "--plugins", fixture("plugins/good"), "--format", "jsonl", har});
  REQUIRE(alone.exit_code == 0);
  const auto run =
      run_warden({"scan", "--isolation", "process", "--plugins", fixture("plugins/good"),
                  "--plugins", fixture("plugins/crashing"), "--format", "jsonl", "--stats", har});
  INFO(run.err);
  CHECK(run.exit_code == 0);
  std::vector<nlohmann::json> good;
  std::size_t crash_findings = 0;
  for (const auto& record : findings_of(run.out)) {
    if (record["plugin"] == "cli-crash") {
      ++crash_findings;
    } else {
      good.push_back(record);
    }
  }
  CHECK(good == findings_of(alone.out));
  CHECK(crash_findings == 4);  // every transaction but /api/boom
  std::size_t crashes = 0;
  for (const auto& record : parse_jsonl(run.out)) {
    if (record["type"] != "finding") {
      CHECK(record.dump().find("cli-crash") != std::string::npos);
      CHECK(record.dump().find("crashed") != std::string::npos);
      ++crashes;
    }
  }
  CHECK(crashes == 1);
  const auto stats = stats_from(run.err);
  REQUIRE(stats.is_object());
  CHECK(stats["restarts"]["crashed"] == 2);  // the scan, then its retry
  CHECK(stats["errors"]["crashed"] == 1);
  CHECK(stats["abandoned"] == 0);
}

TEST_CASE(
    "in process isolation a plugin stuck in a built-in is killed, not abandoned, and the run "
    "finishes",
    "[cli]") {
  if (!process_isolation_works()) {
    return;
  }
  const std::string har = fixture("har/small.har");
  const auto alone =
      run_warden({"scan", "--plugins", fixture("plugins/good"), "--format", "jsonl", har});
  REQUIRE(alone.exit_code == 0);
  const auto started = std::chrono::steady_clock::now();
  const auto run = run_warden({"scan", "--isolation", "process", "--plugins",
                               fixture("plugins/good"), "--plugins", fixture("plugins/hanging"),
                               "--timeout-ms", "200", "--format", "jsonl", "--stats", har});
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(60));
  CHECK(findings_of(run.out) == findings_of(alone.out));
  std::size_t hang_errors = 0;
  for (const auto& record : parse_jsonl(run.out)) {
    if (record["type"] != "finding" && record.dump().find("cli-hang") != std::string::npos) {
      ++hang_errors;
    }
  }
  CHECK(hang_errors == 5);  // timeout, or quarantined once killed too often
  const auto stats = stats_from(run.err);
  REQUIRE(stats.is_object());
  CHECK(stats["restarts"]["killed"].get<int>() >= 2);
  CHECK(stats["errors"]["timeout"].get<int>() >= 1);
  CHECK(stats["abandoned"] == 0);
}

TEST_CASE("in process isolation a plugin that crashes V8 while loading is a load error", "[cli]") {
  if (!process_isolation_works()) {
    return;
  }
  const std::string har = fixture("har/small.har");
  const auto run =
      run_warden({"scan", "--isolation", "process", "--plugins", fixture("plugins/crashing-load"),
                  "--plugins", fixture("plugins/good"), "--format", "jsonl", har});
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK(findings_of(run.out).size() == 9);
  CHECK_THAT(run.err,
             Catch::Contains("cli-crash-load.js") && Catch::Contains("crashed while loading"));
  const auto check = run_warden({"plugins", "check", "--isolation", "process",
                                 fixture("plugins/crashing-load"), fixture("plugins/good")});
  CHECK(check.exit_code == 2);
  CHECK_THAT(check.out, Catch::Contains("FAIL  ") && Catch::Contains("crashed while loading") &&
                            Catch::Contains("2 of 3 plugin(s) loaded"));
}

TEST_CASE(
    "warden scan --isolation process fails with exit 2 when the worker executable cannot start",
    "[cli]") {
  const ScopedEnv missing{"WARDEN_WORKER", "/nonexistent/warden-worker"};
  const auto run = run_warden({"scan", "--isolation", "process", "--plugins",
                               fixture("plugins/good"), fixture("har/small.har")});
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.err, Catch::Contains("process isolation unavailable") &&
                          Catch::Contains("/nonexistent/warden-worker"));
  CHECK(run.out.empty());
}

TEST_CASE("scan --help explains both isolation modes", "[cli]") {
  const auto run = run_warden({"scan", "--help"});
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains("--isolation") &&
                          Catch::Contains("thread (in this process") &&
                          Catch::Contains("process (a confined child process"));
}
