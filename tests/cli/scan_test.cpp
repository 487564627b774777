// tests/cli: `warden scan` exit codes, bad plugin directories and bad input.
#include <chrono>

#include <catch2/catch.hpp>

#include "cli/cli_test_support.hpp"

using namespace warden::cli_test;

namespace {

std::vector<std::string> scan_args(std::initializer_list<std::string> extra) {
  std::vector<std::string> args{"scan", "--plugins", fixture("plugins/good")};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

}  // namespace

TEST_CASE("a scan with findings exits 0 without --fail-on", "[cli]") {
  auto run = run_warden(scan_args({fixture("har/small.har")}));
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains("Scanned 5 transactions from 1 file with 2 plugins"));
}

TEST_CASE("warden --fail-on exits 1 when a finding is at or above the threshold", "[cli]") {
  // small.har yields one critical, one high, one medium, one low, five info.
  CHECK(run_warden(scan_args({"--fail-on", "critical", fixture("har/small.har")})).exit_code == 1);
  CHECK(run_warden(scan_args({"--fail-on", "info", fixture("har/small.har")})).exit_code == 1);
  // Only cli-status: a medium and a low finding, nothing high.
  auto below = run_warden({"scan", "--plugins", fixture("plugins/good/cli-status.js"), "--fail-on",
                           "high", fixture("har/small.har")});
  CHECK(below.exit_code == 0);
  auto at = run_warden({"scan", "--plugins", fixture("plugins/good/cli-status.js"), "--fail-on",
                        "medium", fixture("har/small.har")});
  CHECK(at.exit_code == 1);
}

TEST_CASE("the text report is a table grouped by severity, critical first", "[cli]") {
  auto run = run_warden(scan_args({fixture("har/small.har")}));
  REQUIRE(run.exit_code == 0);
  const auto critical = run.out.find("CRITICAL (1)");
  const auto high = run.out.find("HIGH (1)");
  const auto medium = run.out.find("MEDIUM (1)");
  const auto low = run.out.find("LOW (1)");
  const auto info = run.out.find("INFO (5)");
  REQUIRE(critical != std::string::npos);
  REQUIRE(high != std::string::npos);
  REQUIRE(medium != std::string::npos);
  REQUIRE(low != std::string::npos);
  REQUIRE(info != std::string::npos);
  CHECK(critical < high);
  CHECK(high < medium);
  CHECK(medium < low);
  CHECK(low < info);
  CHECK_THAT(run.out, Catch::Contains("TRANSACTION") && Catch::Contains("PLUGIN") &&
                          Catch::Contains("FINDING") && Catch::Contains("URL"));
  CHECK_THAT(run.out, Catch::Contains("small.har#2") && Catch::Contains("Secret in body"));
  CHECK_THAT(run.out, Catch::Contains("9 findings (1 critical, 1 high, 1 medium, 1 low, 5 info)"));
  CHECK(run.out.find("\x1b[") == std::string::npos);  // no colours in a pipe
}

TEST_CASE("an empty HAR scans 0 transactions and exits 0", "[cli]") {
  auto run = run_warden(scan_args({"--stats", fixture("har/empty.har")}));
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains("No findings."));
  auto stats = stats_from(run.err);
  REQUIRE(stats.is_object());
  CHECK(stats["transactions"] == 0);
  CHECK(stats["findings"] == 0);
}

TEST_CASE("a malformed HAR keeps the findings read before the bad entry and exits 2", "[cli]") {
  SECTION("text") {
    auto run = run_warden(scan_args({fixture("har/malformed.har")}));
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::Contains("malformed.har") && Catch::Contains("entry 2") &&
                            Catch::Contains("request"));
    CHECK_THAT(run.out,
               Catch::Contains("malformed.har#1") && Catch::Contains("Admin page reached"));
    CHECK_THAT(run.out, Catch::Contains("Input errors (1)"));
  }
  SECTION("jsonl: the error record follows the findings of entries 0 and 1") {
    auto run = run_warden(scan_args({"--format", "jsonl", fixture("har/malformed.har")}));
    CHECK(run.exit_code == 2);
    auto records = parse_jsonl(run.out);
    REQUIRE(records.size() == 4);  // Seen GET, Admin, Seen GET, input error
    CHECK(records[0]["transaction"] == "malformed.har#0");
    CHECK(records[2]["transaction"] == "malformed.har#1");
    CHECK(records[3]["type"] == "error");
    CHECK(records[3]["phase"] == "input");
    CHECK(records[3]["kind"] == "malformed_input");
    CHECK_THAT(records[3]["message"].get<std::string>(), Catch::Contains("entry 2"));
  }
}

TEST_CASE("a truncated HAR keeps the findings read before the cut and exits 2", "[cli]") {
  auto run = run_warden(scan_args({"--stats", "--format", "jsonl", fixture("har/truncated.har")}));
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.err, Catch::Contains("truncated.har") && Catch::Contains("entry 3"));
  auto stats = stats_from(run.err);
  REQUIRE(stats.is_object());
  CHECK(stats["transactions"] == 3);
  CHECK(stats["input_errors"] == 1);
  bool saw_secret = false;
  for (const auto& record : parse_jsonl(run.out)) {
    saw_secret = saw_secret || (record["type"] == "finding" && record["title"] == "Secret in body");
  }
  CHECK(saw_secret);
}

TEST_CASE("a file that is not JSON exits 2, and later files are still scanned", "[cli]") {
  auto run = run_warden(
      scan_args({"--format", "jsonl", fixture("har/not-json.har"), fixture("har/small.har")}));
  CHECK(run.exit_code == 2);
  auto records = parse_jsonl(run.out);
  REQUIRE(!records.empty());
  CHECK(records.front()["type"] == "error");
  CHECK(records.front()["kind"] == "malformed_input");
  CHECK(records.back()["transaction"] == "small.har#4");
}

TEST_CASE("an empty plugin directory or one without .js files exits 2", "[cli]") {
  TempDir empty;
  auto run = run_warden({"scan", "--plugins", empty.path().string(), fixture("har/small.har")});
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.err, Catch::Contains("no plugin"));

  auto no_js =
      run_warden({"scan", "--plugins", fixture("plugins/no-js"), fixture("har/small.har")});
  CHECK(no_js.exit_code == 2);
  auto missing = run_warden(
      {"scan", "--plugins", fixture("plugins/does-not-exist"), fixture("har/small.har")});
  CHECK(missing.exit_code == 2);
}

TEST_CASE("a directory whose only plugin is broken exits 2 naming it", "[cli]") {
  TempDir dir;
  std::filesystem::copy_file(fixture("plugins/mixed/broken.js"), dir / "broken.js");
  auto run = run_warden({"scan", "--plugins", dir.path().string(), fixture("har/small.har")});
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.err, Catch::Contains("broken.js"));
}

TEST_CASE("a syntax-error plugin next to good ones: the good ones run, the bad one is reported",
          "[cli]") {
  auto run = run_warden({"scan", "--plugins", fixture("plugins/mixed"), "--format", "jsonl",
                         fixture("har/small.har")});
  CHECK(run.exit_code == 0);  // plugin failures change the exit code only with --strict
  auto records = parse_jsonl(run.out);
  int ok_findings = 0;
  int load_errors = 0;
  for (const auto& record : records) {
    if (record["type"] == "finding" && record["plugin"] == "cli-ok") {
      ++ok_findings;
    }
    if (record["type"] == "error" && record["phase"] == "load") {
      ++load_errors;
      CHECK(record["kind"] == "syntax_error");
      CHECK_THAT(record["file"].get<std::string>(), Catch::EndsWith("broken.js"));
      CHECK(record["line"] == 5);
    }
  }
  CHECK(ok_findings == 5);
  CHECK(load_errors == 1);

  auto strict = run_warden(
      {"scan", "--strict", "--plugins", fixture("plugins/mixed"), fixture("har/small.har")});
  CHECK(strict.exit_code == 3);
  CHECK_THAT(strict.out, Catch::Contains("Plugin errors (1)"));
}

TEST_CASE("a plugin that throws is reported per transaction, and --strict turns it into exit 3",
          "[cli]") {
  auto run = run_warden({"scan", "--plugins", fixture("plugins/good"), "--plugins",
                         fixture("plugins/failing"), "--format", "jsonl", "--stats",
                         fixture("har/small.har")});
  CHECK(run.exit_code == 0);
  int errors = 0;
  for (const auto& record : parse_jsonl(run.out)) {
    if (record["type"] == "error") {
      ++errors;
      CHECK(record["phase"] == "scan");
      CHECK(record["plugin"] == "cli-thrower");
      CHECK(record["transaction"] == "small.har#2");
      CHECK(record["url"] == "https://example.test/api/boom");
      CHECK(record["kind"] == "js_exception");
    }
  }
  CHECK(errors == 1);
  auto stats = stats_from(run.err);
  REQUIRE(stats.is_object());
  CHECK(stats["errors"]["js_exception"] == 1);

  auto strict = run_warden(
      {"scan", "--strict", "--plugins", fixture("plugins/failing"), fixture("har/small.har")});
  CHECK(strict.exit_code == 3);
  CHECK_THAT(strict.out, Catch::Contains("cli-thrower") && Catch::Contains("js_exception"));
  // Exit 1 from --fail-on yields to 3 under --strict.
  auto both =
      run_warden({"scan", "--strict", "--fail-on", "info", "--plugins", fixture("plugins/good"),
                  "--plugins", fixture("plugins/failing"), fixture("har/small.har")});
  CHECK(both.exit_code == 3);
}

TEST_CASE("warden --output writes the report to a file and nothing to stdout", "[cli]") {
  TempDir dir;
  auto run = run_warden(
      scan_args({"--format", "jsonl", "--output", dir / "out.jsonl", fixture("har/small.har")}));
  CHECK(run.exit_code == 0);
  CHECK(run.out.empty());
  CHECK(parse_jsonl(read_file(dir / "out.jsonl")).size() == 9);
}

TEST_CASE("warden --stats prints one JSON object with the run's numbers", "[cli]") {
  auto run = run_warden(scan_args({"--quiet", "--stats", fixture("har/small.har")}));
  CHECK(run.exit_code == 0);
  auto stats = stats_from(run.err);
  REQUIRE(stats.is_object());
  CHECK(stats["transactions"] == 5);
  CHECK(stats["findings"] == 9);
  CHECK(stats["scans"].get<int>() >= 10);
  for (const char* key : {"errors", "restarts", "quarantined", "elapsed_seconds",
                          "scans_per_second", "peak_rss_bytes"}) {
    CHECK(stats.contains(key));
  }
  CHECK(stats["peak_rss_bytes"].get<uint64_t>() > 0);
}

TEST_CASE("the bundled demo scans with the bundled plugins", "[cli]") {
  const std::string demo = source_path("examples/demo.har");
  if (!std::filesystem::exists(demo)) {
    WARN("examples/demo.har not present: skipped");
    return;
  }
  auto run = run_warden({"scan", demo});
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains("demo.har#"));
  CHECK_THAT(run.out, Catch::Contains("Scanned"));
}

TEST_CASE("warden --warm-spare recycles through spares and reports the same findings", "[cli]") {
  const std::string demo = source_path("examples/demo.har");
  if (!std::filesystem::exists(demo)) {
    WARN("examples/demo.har not present: skipped");
    return;
  }
  auto plain =
      run_warden({"scan", "--format", "jsonl", "--recycle-after", "3", "--no-warm-spare", demo});
  auto warm = run_warden(
      {"scan", "--format", "jsonl", "--stats", "--recycle-after", "3", "--warm-spare", demo});
  INFO(warm.err.substr(0, 2000));
  REQUIRE(plain.exit_code == 0);
  REQUIRE(warm.exit_code == 0);
  CHECK(parse_jsonl(warm.out).size() == 14);
  CHECK(warm.out == plain.out);  // same findings, same order
  auto stats = stats_from(warm.err);
  REQUIRE(stats.is_object());
  CHECK(stats["restarts"]["recycle_threshold"].get<int>() > 0);
  CHECK(stats["errors"].empty());
}

TEST_CASE("the budget that --stats reports is the one --max-workers and --max-heap-total-mb set",
          "[cli]") {
  const std::string demo = source_path("examples/demo.har");
  if (!std::filesystem::exists(demo)) {
    WARN("examples/demo.har not present: skipped");
    return;
  }
  auto run = run_warden({"scan", "--format", "jsonl", "--stats", "--max-workers", "20",
                         "--max-heap-total-mb", "8192", "--heap-mb", "64", demo});
  INFO(run.err.substr(0, 2000));
  REQUIRE(run.exit_code == 0);
  CHECK(parse_jsonl(run.out).size() == 14);
  auto stats = stats_from(run.err);
  REQUIRE(stats.is_object());
  const auto& budget = stats["budget"];
  CHECK(budget["max_workers"].get<uint64_t>() == 20);
  CHECK(budget["max_heap_total_bytes"].get<uint64_t>() == uint64_t{8192} << 20);
  CHECK(budget["peak_workers"].get<uint64_t>() >= 16);  // one per bundled plugin at least
  CHECK(budget["peak_workers"].get<uint64_t>() <= 20);
  CHECK(budget["peak_heap_bytes"].get<uint64_t>() <= uint64_t{8192} << 20);
  CHECK(budget["spares"].get<uint64_t>() == 16);  // the default warm spare
  for (const auto& plugin : stats["per_plugin"]) {
    CHECK(plugin["workers_peak"].get<uint64_t>() >= 1);
  }
}

TEST_CASE("warden --plugins takes one path, so HAR files may follow it", "[cli]") {
  // Regression: CLI11 let `--plugins DIR a.har b.har` swallow the HAR files as
  // plugin paths (a HAR then "failed to load" as a plugin and was not scanned).
  auto run = run_warden({"scan", "--format", "jsonl", "--plugins", fixture("plugins/failing"),
                         fixture("har/malformed.har"), fixture("har/small.har")});
  CHECK(run.exit_code == 2);  // the malformed HAR was read as input
  auto records = parse_jsonl(run.out);
  REQUIRE(records.size() == 2);
  CHECK(records[0]["phase"] == "input");
  CHECK(records[1]["phase"] == "scan");
}

TEST_CASE(
    "a plugin stuck in a built-in that ignores the time limit is abandoned at its deadline: the "
    "scan finishes, keeps the other plugins' findings exactly and exits",
    "[cli]") {
  const auto alone = run_warden({"scan", "--plugins", fixture("plugins/good"), "--format", "jsonl",
                                 fixture("har/small.har")});
  REQUIRE(alone.exit_code == 0);
  const auto started = std::chrono::steady_clock::now();
  const auto run = run_warden({"scan", "--plugins", fixture("plugins/good"), "--plugins",
                               fixture("plugins/hanging"), "--timeout-ms", "200", "--format",
                               "jsonl", "--stats", fixture("har/small.har")});
  const auto elapsed = std::chrono::steady_clock::now() - started;
  INFO(run.err);
  CHECK(run.exit_code == 0);
  // One batch of 5 scans: 5 x 200 ms plus the deadline's margin, far from
  // the hours the stuck built-in would take.
  CHECK(elapsed < std::chrono::seconds(60));
  std::vector<nlohmann::json> good_expected;
  for (const auto& record : parse_jsonl(alone.out)) {
    if (record["type"] == "finding") {
      good_expected.push_back(record);
    }
  }
  std::vector<nlohmann::json> good_found;
  std::size_t hang_timeouts = 0;
  for (const auto& record : parse_jsonl(run.out)) {
    if (record["type"] == "finding") {
      CHECK(record["plugin"] != "cli-hang");
      good_found.push_back(record);
    } else if (record.dump().find("cli-hang") != std::string::npos &&
               record.dump().find("timeout") != std::string::npos) {
      ++hang_timeouts;
    }
  }
  REQUIRE(good_expected.size() == 9);
  CHECK(good_found == good_expected);
  CHECK(hang_timeouts == 5);
  const auto stats = stats_from(run.err);
  REQUIRE(stats.is_object());
  CHECK(stats["abandoned"] == 1);
  CHECK(stats["errors"]["timeout"] == 5);
  CHECK_THAT(run.err, Catch::Contains("abandoned"));
}
