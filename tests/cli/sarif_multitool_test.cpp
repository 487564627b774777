// tests/cli: warden's SARIF passes Microsoft's SARIF Multitool (`validate`)
// with no error, on the demo HAR and on a corpus-like run (findings, a plugin
// load error, an input error, a path with a space and non-ASCII bytes). The
// tool comes from npm (tests/sarif/install.sh); when it cannot run, the case
// fails rather than skips.
#include <catch2/catch.hpp>

#include "cli/cli_test_support.hpp"

using namespace warden::cli_test;

namespace {

std::string multitool_path() {
  return source_path("tests/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
}

// Installs tests/sarif's npm packages once; the Multitool binary must exist after.
void require_multitool() {
  static const RunResult install = run_program("bash", {source_path("tests/sarif/install.sh")});
  INFO("tests/sarif/install.sh: " << install.err);
  REQUIRE(install.exit_code == 0);
  REQUIRE(std::filesystem::exists(multitool_path()));
}

// Runs `Sarif.Multitool validate FILE`; the tool exits 0 even when it reports
// errors, so the verdict is read from its output.
RunResult multitool_validate(const std::string& file) {
  // Without ICU, .NET refuses to start unless told to run culture-invariant.
  return run_program(
      "env", {"DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1", multitool_path(), "validate", file});
}

void require_no_multitool_error(const std::string& file) {
  auto valid = multitool_validate(file);
  INFO(valid.out << valid.err);
  REQUIRE(valid.exit_code == 0);
  CHECK_THAT(valid.out, Catch::Contains("Analysis completed successfully"));
  CHECK_THAT(valid.out, !Catch::Contains(": error "));
}

}  // namespace

TEST_CASE("sarif: the demo HAR's SARIF passes the SARIF Multitool with no error", "[cli]") {
  require_multitool();
  TempDir dir;
  const std::string out = dir / "demo.sarif";
  auto run = run_warden(
      {"scan", "--quiet", "--format", "sarif", "--output", out, source_path("examples/demo.har")});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto log = nlohmann::json::parse(read_file(out));
  const std::string uri = log["runs"][0]["artifacts"][0]["location"]["uri"];
  CHECK(uri.rfind("file:///", 0) == 0);
  CHECK_THAT(uri, Catch::EndsWith("/examples/demo.har"));
  require_no_multitool_error(out);
}

TEST_CASE("sarif: a corpus-like run's SARIF passes the SARIF Multitool with no error", "[cli]") {
  require_multitool();
  TempDir dir;
  const fs::path odd = dir.path() / "captures with space" / "d\xC3\xA9mo #1.har";
  fs::create_directories(odd.parent_path());
  fs::copy_file(source_path("examples/demo.har"), odd);
  // A URL .NET's URI check rejects although RFC 3986 allows it (an escaped
  // non-ASCII byte next to %20), as in a real news-site HAR of the corpus.
  const std::string quirk = dir / "quirk.har";
  std::ofstream(quirk)
      << R"({"log":{"entries":[{"request":{"method":"GET","url":)"
      << R"("https://news.test/admin?md=b%C3%A4sta%20nyheter&p=https%3A%2F%2F"}}]}})";
  const std::string out = dir / "corpus.sarif";
  auto run = run_warden({"scan", "--quiet", "--format", "sarif", "--output", out, "--plugins",
                         fixture("plugins/mixed"), "--plugins", fixture("plugins/good"),
                         "--plugins", source_path("plugins"), odd.string(),
                         fixture("har/malformed.har"), fixture("har/small.har"), quirk});
  INFO(run.err);
  REQUIRE(run.exit_code == 2);  // the malformed input
  auto log = nlohmann::json::parse(read_file(out));
  const auto& artifacts = log["runs"][0]["artifacts"];
  REQUIRE(artifacts.size() == 4);
  CHECK_THAT(artifacts[0]["location"]["uri"].get<std::string>(),
             Catch::EndsWith("/captures%20with%20space/d%C3%A9mo%20%231.har"));
  bool quirk_reported = false;
  for (const auto& result : log["runs"][0]["results"]) {
    if (result["properties"]["url"] ==
        "https://news.test/admin?md=b%C3%A4sta%20nyheter&p=https%3A%2F%2F") {
      quirk_reported = true;
      CHECK_FALSE(result["locations"][0].contains("physicalLocation"));
      CHECK(result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "quirk.har#0");
    }
  }
  CHECK(quirk_reported);
  require_no_multitool_error(out);
}

TEST_CASE("sarif: the SARIF Multitool really reports errors (a bare absolute path)", "[cli]") {
  require_multitool();
  TempDir dir;
  const std::string bad = dir / "bad.sarif";
  std::ofstream(bad)
      << R"({"version":"2.1.0","$schema":"https://json.schemastore.org/sarif-2.1.0.json",)"
      << R"("runs":[{"tool":{"driver":{"name":"x"}},)"
      << R"("artifacts":[{"location":{"uri":"/abs/path.har"}}],"results":[]}]})";
  auto valid = multitool_validate(bad);
  INFO(valid.out << valid.err);
  CHECK_THAT(valid.out, Catch::Contains("error SARIF1004"));
}
