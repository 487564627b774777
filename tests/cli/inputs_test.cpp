// tests/cli: what `warden scan` accepts as input: "-" for standard input,
// folders (their *.har files, recursively, sorted by path), and real-world
// HAR deviations from 1.2 (non-string values, missing sizes, nulls), which
// are warnings naming file and entry, never a rejected file.
#include <catch2/catch.hpp>

#include "cli/cli_test_support.hpp"

using namespace warden::cli_test;

namespace {

std::vector<nlohmann::json> findings_of(const RunResult& run) {
  std::vector<nlohmann::json> findings;
  for (auto& record : parse_jsonl(run.out)) {
    if (record["type"] == "finding") {
      findings.push_back(record);
    }
  }
  return findings;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

}  // namespace

TEST_CASE("scan - reads the HAR from standard input", "[cli]") {
  auto run = run_program(warden_bin(),
                         {"scan", "--format", "jsonl", "--plugins",
                          fixture("plugins/good/cli-marker.js"), "--stats", "-"},
                         fixture("har/small.har"));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto findings = findings_of(run);
  REQUIRE(!findings.empty());
  CHECK(findings[0]["input"] == "-");
  CHECK(findings[0]["transaction"].get<std::string>().rfind("-#", 0) == 0);
  CHECK(stats_from(run.err)["transactions"] == 5);

  // The same findings as from the file itself.
  auto direct = run_warden({"scan", "--format", "jsonl", "--plugins",
                            fixture("plugins/good/cli-marker.js"), fixture("har/small.har")});
  auto expected = findings_of(direct);
  REQUIRE(expected.size() == findings.size());
  for (std::size_t i = 0; i < findings.size(); ++i) {
    CHECK(findings[i]["title"] == expected[i]["title"]);
    CHECK(findings[i]["entry"] == expected[i]["entry"]);
  }
}

TEST_CASE("scan - with malformed input on stdin names stdin and exits 2", "[cli]") {
  auto run = run_program(
      warden_bin(),
      {"scan", "--format", "jsonl", "--plugins", fixture("plugins/good/cli-marker.js"), "-"},
      fixture("har/truncated.har"));
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.out, Catch::Contains("stdin: "));
}

TEST_CASE("scan of a folder reads its *.har files recursively and sorted by path", "[cli]") {
  TempDir dir;
  fs::create_directories(dir.path() / "b" / "nested");
  fs::create_directories(dir.path() / "a");
  fs::copy_file(fixture("har/small.har"), dir.path() / "b" / "nested" / "z.har");
  fs::copy_file(fixture("har/small.har"), dir.path() / "b" / "c.har");
  fs::copy_file(fixture("har/small.har"), dir.path() / "a" / "y.har");
  std::ofstream(dir / "notes.txt") << "not a HAR";
  std::ofstream(dir.path() / "a" / "skipped.json") << "{}";

  auto run = run_warden({"scan", "--format", "sarif", "--stats", "--plugins",
                         fixture("plugins/good/cli-marker.js"), dir.path().string()});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto log = nlohmann::json::parse(run.out);
  const auto& artifacts = log["runs"][0]["artifacts"];
  REQUIRE(artifacts.size() == 3);
  CHECK_THAT(artifacts[0]["location"]["uri"].get<std::string>(), Catch::EndsWith("/a/y.har"));
  CHECK_THAT(artifacts[1]["location"]["uri"].get<std::string>(), Catch::EndsWith("/b/c.har"));
  CHECK_THAT(artifacts[2]["location"]["uri"].get<std::string>(),
             Catch::EndsWith("/b/nested/z.har"));
  CHECK(stats_from(run.err)["transactions"] == 15);

  auto empty = run_warden({"scan", "--plugins", fixture("plugins/good/cli-marker.js"),
                           (dir.path() / "a").string(), fixture("har/small.har")});
  CHECK(empty.exit_code == 0);
}

TEST_CASE("HAR deviations from 1.2 are warnings naming file and entry and the entries are scanned",
          "[cli]") {
  const std::string har = fixture("har/deviations/deviations.har");
  auto run = run_warden(
      {"scan", "--format", "jsonl", "--plugins", fixture("plugins/echo/cli-echo.js"), har});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);  // never a whole-file rejection
  auto findings = findings_of(run);
  REQUIRE(findings.size() == 4);  // every entry scanned

  // A JSON object and a number in postData.params[].value: their JSON text, form-encoded.
  CHECK_THAT(findings[0]["evidence"].get<std::string>(),
             Catch::Contains("filter=%7B%22k%22%3A%5B1%2C%22two%22%5D%7D&n=7"));
  CHECK_THAT(run.err,
             Catch::Contains(har + ": entry 0: request.postData.params[0].value: expected a "
                                   "string, got object; read as its JSON text"));
  CHECK_THAT(run.err, Catch::Contains(har + ": entry 0: request.postData.params[1].value"));
  // Missing sizes are fine; a number and a boolean header value read as "3" and "true".
  CHECK_THAT(findings[1]["evidence"].get<std::string>(),
             Catch::Contains(R"({"name":"X-Count","value":"3"})"));
  CHECK_THAT(findings[1]["evidence"].get<std::string>(),
             Catch::Contains(R"({"name":"X-Flag","value":"true"})"));
  CHECK_THAT(run.err, Catch::Contains(har + ": entry 1: request.headers[0].value: expected a "
                                            "string, got number"));
  CHECK_THAT(run.err, Catch::Contains(har + ": entry 1: response.headers[0].value"));
  // nulls where objects are expected read as absent, without a warning.
  CHECK_THAT(findings[2]["evidence"].get<std::string>(), Catch::Contains(R"("status":0)"));
  CHECK_THAT(run.err, !Catch::Contains("entry 2:"));
  // An array as response.content.text: its JSON text.
  CHECK_THAT(findings[3]["evidence"].get<std::string>(), Catch::Contains(R"([\"a\",null])"));
  CHECK_THAT(run.err, Catch::Contains(har + ": entry 3: response.content.text"));
}

TEST_CASE("a HAR with thousands of deviations prints 20 warnings and a count", "[cli]") {
  TempDir dir;
  const std::string har = dir / "noisy.har";
  {
    std::ofstream out(har);
    out << R"({"log":{"entries":[)";
    for (int i = 0; i < 3000; ++i) {
      out << (i ? "," : "")
          << R"({"request":{"method":"GET","url":"https://noisy.test/","headers":[{"name":"n","value":)"
          << i << "}]}}";
    }
    out << "]}}";
  }
  auto run = run_warden({"scan", "--format", "jsonl", "--stats", "--plugins",
                         fixture("plugins/good/cli-marker.js"), har});
  INFO(run.err.substr(0, 3000));
  REQUIRE(run.exit_code == 0);
  CHECK(count_of(run.err, "expected a string, got number") == 20);
  CHECK_THAT(run.err, Catch::Contains(har + ": 2980 more warning(s) not shown (3000 in all)"));
  CHECK(stats_from(run.err)["transactions"] == 3000);
}
