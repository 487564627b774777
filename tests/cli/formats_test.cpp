// tests/cli: the jsonl schema, SARIF validity (checked by a real JSON Schema
// validator from npm) and deterministic output whatever the worker count.
#include <catch2/catch.hpp>

#include "cli/cli_test_support.hpp"

using namespace warden::cli_test;

namespace {

// Installs tests/sarif's npm packages (once) and reports whether the
// validator can run; false (with a WARN) when node or npm is missing.
bool sarif_validator_ready() {
  static const bool ready = [] {
    if (!have_program("node") || !have_program("npm")) {
      return false;
    }
    auto install = run_program("bash", {source_path("tests/sarif/install.sh")});
    if (install.exit_code != 0) {
      UNSCOPED_INFO("tests/sarif/install.sh failed: " << install.err);
      return false;
    }
    return std::filesystem::exists(source_path("tests/sarif/node_modules/ajv"));
  }();
  return ready;
}

RunResult validate_sarif(const std::string& file) {
  return run_program("node", {source_path("tests/sarif/sarif-validate.mjs"), file});
}

bool corpus_present() {
  return std::filesystem::is_directory(WARDEN_SHARED_CORPUS);
}

std::vector<std::string> corpus_files() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(WARDEN_SHARED_CORPUS)) {
    if (entry.path().extension() == ".har") {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("jsonl: one object per finding and per scan error, with the documented fields", "[cli]") {
  auto run = run_warden({"scan", "--format", "jsonl", "--plugins", fixture("plugins/good"),
                         "--plugins", fixture("plugins/failing"), fixture("har/small.har")});
  REQUIRE(run.exit_code == 0);
  auto records = parse_jsonl(run.out);
  REQUIRE(records.size() == 10);  // 9 findings + 1 scan error
  int findings = 0;
  for (const auto& record : records) {
    REQUIRE(record.is_object());
    if (record["type"] == "finding") {
      ++findings;
      for (const char* key : {"plugin", "transaction", "input", "entry", "url", "title", "severity",
                              "description", "evidence", "cwe", "confidence"}) {
        CHECK(record.contains(key));
      }
      CHECK(record["plugin"].is_string());
      CHECK(record["transaction"].is_string());
      CHECK(record["url"].is_string());
      CHECK(record["title"].is_string());
      CHECK(record["entry"].is_number_unsigned());
      const std::string severity = record["severity"];
      CHECK((severity == "info" || severity == "low" || severity == "medium" ||
             severity == "high" || severity == "critical"));
    } else {
      CHECK(record["type"] == "error");
      for (const char* key : {"phase", "kind", "plugin", "transaction", "input", "entry", "url",
                              "message", "file", "line", "column"}) {
        CHECK(record.contains(key));
      }
    }
  }
  CHECK(findings == 9);
  // The admin finding carries every optional field of the contract.
  const auto& admin = records[1];
  CHECK(admin["transaction"] == "small.har#1");
  CHECK(admin["input"] == fixture("har/small.har"));
  CHECK(admin["entry"] == 1);
  CHECK(admin["plugin"] == "cli-marker");
  CHECK(admin["title"] == "Admin page reached");
  CHECK(admin["severity"] == "high");
  CHECK(admin["cwe"] == 284);
  CHECK(admin["confidence"] == "medium");
  CHECK(admin["evidence"] == "https://example.test/admin/users");
  CHECK(admin["description"].is_null());
  // Order: input order, then plugin load order (cli-marker before cli-status).
  // Within one transaction its findings come first, then its scan errors.
  CHECK(records[3]["transaction"] == "small.har#2");
  CHECK(records[3]["plugin"] == "cli-marker");
  CHECK(records[5]["plugin"] == "cli-status");
  CHECK(records[6]["type"] == "error");
  CHECK(records[6]["transaction"] == "small.har#2");
}

TEST_CASE("sarif: valid SARIF 2.1.0 with one rule per plugin and levels from severities", "[cli]") {
  TempDir dir;
  const std::string out = dir / "small.sarif";
  auto run = run_warden({"scan", "--format", "sarif", "--output", out, "--plugins",
                         fixture("plugins/good"), "--plugins", fixture("plugins/mixed"),
                         "--plugins", fixture("plugins/failing"), fixture("har/small.har")});
  REQUIRE(run.exit_code == 0);
  auto log = nlohmann::json::parse(read_file(out));
  CHECK(log["version"] == "2.1.0");
  REQUIRE(log["runs"].size() == 1);
  const auto& sarif_run = log["runs"][0];
  const auto& rules = sarif_run["tool"]["driver"]["rules"];
  REQUIRE(rules.size() == 4);  // cli-marker, cli-status, cli-ok, cli-thrower
  CHECK(rules[0]["id"] == "cli-marker");
  CHECK(rules[0]["name"] == "CLI test marker");
  CHECK(rules[0]["properties"]["version"] == "1.2.3");
  std::map<std::string, std::string> level_of;
  for (const auto& result : sarif_run["results"]) {
    level_of[result["message"]["text"].get<std::string>().substr(0, 16)] = result["level"];
    CHECK(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
              .get<std::string>()
              .rfind("https://example.test/", 0) == 0);
  }
  CHECK(level_of["Secret in body"] == "error");    // critical
  CHECK(level_of["Admin page reach"] == "error");  // high
  CHECK(level_of["Server error 500"] == "warning");
  CHECK(level_of["Not found"] == "note");
  CHECK(level_of["Seen GET"] == "note");
  const auto& invocation = sarif_run["invocations"][0];
  CHECK(invocation["toolExecutionNotifications"].size() == 1);      // cli-thrower's scan error
  CHECK(invocation["toolConfigurationNotifications"].size() == 1);  // broken.js

  if (!sarif_validator_ready()) {
    WARN("node/npm or tests/sarif packages unavailable: SARIF schema validation skipped");
    return;
  }
  auto valid = validate_sarif(out);
  INFO(valid.out << valid.err);
  CHECK(valid.exit_code == 0);
}

TEST_CASE("sarif: the validator rejects an invalid log (it really validates)", "[cli]") {
  if (!sarif_validator_ready()) {
    WARN("node/npm or tests/sarif packages unavailable: skipped");
    return;
  }
  TempDir dir;
  std::ofstream(dir / "bad.sarif") << R"({"version":"2.1.0","runs":[{"tool":{"driver":{}}}]})";
  CHECK(validate_sarif(dir / "bad.sarif").exit_code == 1);
}

TEST_CASE("sarif: a malformed HAR still gives a valid log with an error notification", "[cli]") {
  TempDir dir;
  const std::string out = dir / "malformed.sarif";
  auto run = run_warden({"scan", "--format", "sarif", "--output", out, "--plugins",
                         fixture("plugins/good"), fixture("har/malformed.har")});
  CHECK(run.exit_code == 2);
  auto log = nlohmann::json::parse(read_file(out));
  const auto& invocation = log["runs"][0]["invocations"][0];
  CHECK(invocation["executionSuccessful"] == false);
  CHECK(log["runs"][0]["results"].size() == 3);
  if (!sarif_validator_ready()) {
    WARN("node/npm unavailable: SARIF schema validation skipped");
    return;
  }
  CHECK(validate_sarif(out).exit_code == 0);
}

TEST_CASE("sarif over the demo and the shared corpus validates", "[cli]") {
  if (!sarif_validator_ready()) {
    WARN("node/npm unavailable: SARIF schema validation skipped");
    return;
  }
  TempDir dir;
  std::vector<std::string> inputs;
  if (std::filesystem::exists(source_path("examples/demo.har"))) {
    inputs.push_back(source_path("examples/demo.har"));
  }
  if (corpus_present()) {
    for (const auto& file : corpus_files()) {
      inputs.push_back(file);
    }
  } else {
    WARN("shared corpus " WARDEN_SHARED_CORPUS " absent: only the demo is checked");
  }
  if (inputs.empty()) {
    WARN("no demo and no corpus: skipped");
    return;
  }
  std::vector<std::string> args{"scan",  "--quiet",  "--format",
                                "sarif", "--output", dir / "all.sarif"};
  args.insert(args.end(), inputs.begin(), inputs.end());
  auto run = run_warden(args);
  INFO(run.err);
  CHECK(run.exit_code == 0);
  auto valid = validate_sarif(dir / "all.sarif");
  INFO(valid.out << valid.err.substr(0, 4000));
  CHECK(valid.exit_code == 0);
}

TEST_CASE("output is identical with 1 and 3 workers per plugin", "[cli]") {
  std::vector<std::string> inputs{fixture("har/small.har")};
  if (std::filesystem::exists(source_path("examples/demo.har"))) {
    inputs.push_back(source_path("examples/demo.har"));
  }
  if (corpus_present()) {
    for (const auto& file : corpus_files()) {
      inputs.push_back(file);
    }
  } else {
    WARN("shared corpus " WARDEN_SHARED_CORPUS " absent: determinism checked on fixtures only");
  }
  for (const char* format : {"jsonl", "text"}) {
    auto scan = [&](const char* workers) {
      std::vector<std::string> args{"scan", "--quiet", "--format", format, "--workers-per-plugin",
                                    workers};
      args.insert(args.end(), inputs.begin(), inputs.end());
      return run_warden(args);
    };
    auto one = scan("1");
    auto three = scan("3");
    REQUIRE(one.exit_code == 0);
    REQUIRE(three.exit_code == 0);
    REQUIRE(!one.out.empty());
    if (std::string(format) == "text") {
      // The summary line holds the elapsed time; everything before it must match.
      auto strip = [](const std::string& text) { return text.substr(0, text.rfind("Scanned ")); };
      CHECK(strip(one.out) == strip(three.out));
    } else {
      CHECK(one.out == three.out);
    }
  }
}
