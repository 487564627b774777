// tests/cli: help, version, usage errors and the plugins commands.
#include <fstream>

#include <catch2/catch.hpp>

#include "cli/cli_test_support.hpp"
#include "warden/config.hpp"
#include "warden/engine.hpp"

using namespace warden::cli_test;

TEST_CASE("warden --help describes the commands, exit codes and examples", "[cli]") {
  auto run = run_warden({"--help"});
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains("scan"));
  CHECK_THAT(run.out, Catch::Contains("plugins"));
  CHECK_THAT(run.out, Catch::Contains("Exit codes"));
  CHECK_THAT(run.out, Catch::Contains("warden scan examples/demo.har"));

  auto scan_help = run_warden({"scan", "--help"});
  CHECK(scan_help.exit_code == 0);
  for (const char* option :
       {"--plugins", "--format", "--output", "--fail-on", "--workers-per-plugin", "--recycle-after",
        "--warm-spare", "--no-warm-spare", "--max-workers", "--max-heap-total-mb", "--timeout-ms",
        "--heap-mb", "--max-failure-share", "--stats", "--strict"}) {
    CHECK_THAT(scan_help.out, Catch::Contains(option));
  }
  CHECK_THAT(scan_help.out, Catch::Contains("1000"));  // --timeout-ms default shown
}

TEST_CASE("scan --help shows the library's own defaults for limits and recycling", "[cli]") {
  const warden::runtime::EngineLimits limits;
  const warden::actors::WardenConfig config;
  auto run = run_warden({"scan", "--help"});
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains("--timeout-ms N:INT in [1 - 3600000]=" +
                                      std::to_string(limits.scan_timeout.count()) + "\n"));
  CHECK_THAT(run.out, Catch::Contains("--heap-mb N:INT in [16 - 65536]=" +
                                      std::to_string(limits.heap_limit_bytes >> 20) + "\n"));
  CHECK_THAT(run.out, Catch::Contains(
                          "--recycle-after N=" + std::to_string(config.recycle_after_scans) + " "));
  CHECK_THAT(run.out,
             Catch::Contains(
                 "--max-failure-share PERCENT:INT in [0 - 100]=" +
                 std::to_string(static_cast<int>(config.max_failure_share * 100 + 0.5)) + "\n"));
}

TEST_CASE("warden --version names warden, V8 and CAF", "[cli]") {
  auto run = run_warden({"--version"});
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::StartsWith("warden "));
  CHECK_THAT(run.out, Catch::Contains("V8 "));
  CHECK_THAT(run.out, Catch::Contains("CAF "));
}

TEST_CASE("usage errors exit 2 with a message on stderr", "[cli]") {
  SECTION("no command") {
    auto run = run_warden({});
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::Contains("scan"));
  }
  SECTION("unknown command") {
    auto run = run_warden({"frobnicate"});
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::Contains("warden --help"));
  }
  SECTION("scan without files") {
    CHECK(run_warden({"scan"}).exit_code == 2);
  }
  SECTION("unknown format") {
    auto run = run_warden({"scan", "--format", "xml", fixture("har/small.har")});
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::Contains("xml"));
  }
  SECTION("unknown severity for --fail-on") {
    CHECK(run_warden({"scan", "--fail-on", "severe", fixture("har/small.har")}).exit_code == 2);
  }
  SECTION("a HAR file that does not exist") {
    auto run = run_warden({"scan", fixture("har/no-such-file.har")});
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::Contains("no-such-file.har"));
    CHECK(run.out.empty());
  }
  SECTION("an unwritable --output") {
    auto run = run_warden({"scan", "--plugins", fixture("plugins/good"), "--output",
                           "/nonexistent-dir/report.txt", fixture("har/small.har")});
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::Contains("/nonexistent-dir/report.txt"));
  }
}

TEST_CASE("plugins list prints id, name, version and file of the bundled plugins", "[cli]") {
  auto run = run_warden({"plugins", "list"});
  REQUIRE(run.exit_code == 0);
  auto lines = run.out_lines();
  REQUIRE(lines.size() >= 2);
  CHECK_THAT(lines[0], Catch::Contains("ID") && Catch::Contains("NAME") &&
                           Catch::Contains("VERSION") && Catch::Contains("FILE"));
  CHECK_THAT(run.out, Catch::Contains(".js"));

  auto fixture_list = run_warden({"plugins", "list", "--plugins", fixture("plugins/good")});
  CHECK(fixture_list.exit_code == 0);
  CHECK_THAT(fixture_list.out, Catch::Contains("cli-marker") &&
                                   Catch::Contains("CLI test marker") && Catch::Contains("1.2.3") &&
                                   Catch::Contains("cli-marker.js"));
}

TEST_CASE("plugins check reports OK for good plugins and file:line:col for a broken one", "[cli]") {
  auto good = run_warden({"plugins", "check", fixture("plugins/good")});
  CHECK(good.exit_code == 0);
  CHECK_THAT(good.out, Catch::Contains("OK    cli-marker  CLI test marker  1.2.3"));
  CHECK_THAT(good.out, Catch::Contains("OK    cli-status"));

  auto mixed = run_warden({"plugins", "check", fixture("plugins/mixed")});
  CHECK(mixed.exit_code == 2);
  CHECK_THAT(mixed.out, Catch::Contains("OK    cli-ok"));
  CHECK_THAT(mixed.out, Catch::Contains("FAIL  " + fixture("plugins/mixed/broken.js") + ":5:"));
  CHECK_THAT(mixed.out, Catch::Contains("syntax_error"));
}

TEST_CASE("the bundled plugins all load", "[cli]") {
  auto run = run_warden({"plugins", "check", WARDEN_PLUGINS_DIR});
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, !Catch::Contains("FAIL"));
}

TEST_CASE("scan and plugins check give the same verdict on a duplicate plugin id", "[cli]") {
  // Both commands judge plugins with the same validator: the second file with
  // an id is rejected, naming the first; check fails it, scan reports it as a
  // load error and goes on with the rest.
  TempDir dir;
  std::filesystem::copy_file(fixture("plugins/good/cli-marker.js"), dir / "a.js");
  std::filesystem::copy_file(fixture("plugins/good/cli-marker.js"), dir / "b.js");
  const std::string verdict = dir / "b.js" + ": duplicate_id: plugin id \"cli-marker\"" +
                              " is also used by " + dir / "a.js";

  auto check = run_warden({"plugins", "check", dir.path().string()});
  CHECK(check.exit_code == 2);
  CHECK_THAT(check.out, Catch::Contains("OK    cli-marker"));
  CHECK_THAT(check.out, Catch::Contains("FAIL  " + verdict + "\n"));
  CHECK_THAT(check.out, Catch::Contains("1 of 2 plugin(s) loaded"));

  auto scan = run_warden(
      {"scan", "--format", "jsonl", "--plugins", dir.path().string(), fixture("har/small.har")});
  INFO(scan.err);
  CHECK(scan.exit_code == 0);
  CHECK_THAT(scan.err, Catch::Contains("plugin not loaded: " + verdict + "\n"));
  // a.js's findings are exactly those of a run with a.js alone.
  TempDir alone;
  std::filesystem::copy_file(fixture("plugins/good/cli-marker.js"), alone / "a.js");
  auto reference = run_warden(
      {"scan", "--format", "jsonl", "--plugins", alone.path().string(), fixture("har/small.har")});
  REQUIRE(reference.exit_code == 0);
  auto findings_of = [](const std::string& out) {
    std::vector<nlohmann::json> findings;
    for (const auto& record : parse_jsonl(out)) {
      if (record.value("type", "") == "finding") {
        findings.push_back(record);
      }
    }
    return findings;
  };
  const auto found = findings_of(scan.out);
  CHECK_FALSE(found.empty());
  CHECK(found == findings_of(reference.out));
}

TEST_CASE("text from a plugin reaches stderr and the text report escaped, never raw", "[cli]") {
  // A plugin that tries to erase the line and forge one of warden's own.
  TempDir dir;
  const std::string forged = "\\x1b[2K\\rwarden: info: all plugins loaded\\n";
  auto write_file = [](const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
  };
  write_file(dir / "forger.js", "export default { id: 'forger', init() { throw new Error('" +
                                    forged + "'); }, scan() { return []; } };");
  write_file(dir / "teller.js",
             "export default { id: 'teller', scan(txn) { console.warn('\\x07\\x1b]0;owned\\x07');"
             " return [{ title: 'bell\\x07' + '\\x1b[31m', severity: 'high' }]; } };");
  auto scan = run_warden({"scan", "--plugins", dir.path().string(), fixture("har/small.har")});
  INFO(scan.err);
  CHECK(scan.err.find('\x1b') == std::string::npos);
  CHECK(scan.err.find('\a') == std::string::npos);
  CHECK(scan.err.find('\r') == std::string::npos);
  CHECK(scan.err.find("\nwarden: info: all plugins loaded") == std::string::npos);
  CHECK(scan.out.find("bell\a") == std::string::npos);  // the report's own colours aside
  CHECK_THAT(scan.err, Catch::Contains("\\x1b[2K\\rwarden: info: all plugins loaded\\n"));
  CHECK_THAT(scan.out, Catch::Contains("bell\\x07\\x1b[31m"));

  auto check = run_warden({"plugins", "check", dir.path().string()});
  CHECK(check.exit_code == 2);
  CHECK(check.out.find('\x1b') == std::string::npos);
  CHECK(check.out.find('\r') == std::string::npos);
  CHECK_THAT(check.out, Catch::Contains("\\x1b[2K\\rwarden: info: all plugins loaded\\n\n"));
}
