// tests/cli: a folder of ZAP passive scripts (tests/fixtures/zap) through the
// warden binary: `warden scan --plugins DIR` yields exactly the expected
// alerts, `plugins list` shows each plugin's kind, and SARIF rules carry a
// script's id, name and help link.
#include <algorithm>

#include <catch2/catch.hpp>

#include "cli/cli_test_support.hpp"

using namespace warden::cli_test;

namespace {

std::string zap(const std::string& name) {
  return std::string(WARDEN_FIXTURES) + "/zap/" + name;
}

}  // namespace

TEST_CASE(
    "warden scan --plugins runs a folder of ZAP scripts and yields exactly the expected "
    "alerts",
    "[cli][zap]") {
  auto run = run_warden(
      {"scan", "--strict", "--format", "jsonl", "--plugins", zap(""), zap("zap-traffic.har")});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto expected = nlohmann::json::parse(read_file(zap("zap-traffic.expected.json")));
  std::vector<std::string> want;
  for (const auto& [plugin, entries] : expected.at("plugins").items()) {
    for (const auto& [entry, findings] : entries.items()) {
      for (const auto& finding : findings) {
        nlohmann::json record = finding;
        record["plugin"] = plugin;
        record["entry"] = std::stoi(entry);
        want.push_back(record.dump());
      }
    }
  }
  std::vector<std::string> got;
  for (const auto& record : parse_jsonl(run.out)) {
    REQUIRE(record["type"] == "finding");
    nlohmann::json finding;
    for (const auto& [key, value] : record.items()) {
      if (!value.is_null() && key != "type" && key != "transaction" && key != "input" &&
          key != "url") {
        finding[key] = value;
      }
    }
    got.push_back(finding.dump());
  }
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  CHECK(got == want);
  CHECK(got.size() == 12);
}

TEST_CASE("warden plugins list shows ZAP scripts as zap-passive and modules as module",
          "[cli][zap]") {
  auto run = run_warden({"plugins", "list", "--plugins", zap(""), "--plugins",
                         source_path("plugins/cookie-flags.js")});
  REQUIRE(run.exit_code == 0);
  const auto lines = run.out_lines();
  REQUIRE(lines.size() == 6);
  CHECK_THAT(lines[0], Catch::StartsWith("ID") && Catch::Contains("KIND"));
  CHECK_THAT(lines[1], Catch::StartsWith("990002") && Catch::Contains("zap-passive"));
  CHECK_THAT(lines[3], Catch::StartsWith("legacy-checks") && Catch::Contains("zap-passive"));
  CHECK_THAT(lines[5], Catch::StartsWith("cookie-flags") && Catch::Contains(" module "));
}

TEST_CASE("SARIF rules carry a ZAP script's id, name and help link", "[cli][zap]") {
  auto run = run_warden({"scan", "--format", "sarif", "--plugins", zap("header-disclosure.js"),
                         zap("zap-traffic.har")});
  REQUIRE(run.exit_code == 0);
  const auto sarif = nlohmann::json::parse(run.out);
  const auto& rules = sarif["runs"][0]["tool"]["driver"]["rules"];
  REQUIRE(rules.size() == 1);
  CHECK(rules[0]["id"] == "990001");
  CHECK(rules[0]["name"] == "Version in a Server or X-Powered-By header");
  CHECK(rules[0]["helpUri"] == "https://example.org/help/990001");
  CHECK(rules[0]["properties"]["kind"] == "zap-passive");
  const auto& results = sarif["runs"][0]["results"];
  REQUIRE(results.size() == 3);
  CHECK(results[0]["properties"]["param"] == "Server");
  CHECK(results[0]["properties"]["wasc"] == "WASC-13");
  CHECK(results[0]["properties"]["references"].size() == 2);
}
