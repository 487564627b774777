// tests/cli: a plugin author's workflow: `warden plugins test` over the
// bundled plugins and a broken fixture, `warden plugins new` whose skeleton
// passes once its one check is filled in, and load errors shown with the
// offending line and a caret.
#include <catch2/catch.hpp>

#include "cli/cli_test_support.hpp"

using namespace warden::cli_test;

namespace {

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("warden plugins test passes on the bundled plugins and their fixtures", "[cli]") {
  auto run = run_warden({"plugins", "test", source_path("plugins")});
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains("16 of 16 plugin(s) match their fixtures"));
  CHECK_THAT(run.out, Catch::Contains("PASS  cookie-flags"));
}

TEST_CASE("warden plugins test prints a diff and exits 1 when findings differ", "[cli]") {
  TempDir dir;
  fs::copy_file(source_path("plugins/hsts-header.js"), dir / "hsts-header.js");
  fs::copy_file(fixture("../plugins/hsts-header.har"), dir / "hsts-header.har");
  auto expected = nlohmann::json::parse(read_file(fixture("../plugins/hsts-header.expected.json")));
  auto& first = *expected.begin();
  REQUIRE_FALSE(first.empty());
  const std::string title = first[0]["title"];
  first[0]["title"] = "A title the plugin never reports";
  write_file(dir / "hsts-header.expected.json", expected.dump(2));
  auto run = run_warden({"plugins", "test", dir.path().string()});
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.out, Catch::Contains("FAIL  hsts-header"));
  CHECK_THAT(run.out, Catch::Contains("\"title\":\"A title the plugin never reports\""));
  CHECK_THAT(run.out, Catch::Contains("      - {"));
  CHECK_THAT(run.out, Catch::Contains("+ {\"title\":\"" + title + "\""));
  CHECK_THAT(run.out, Catch::Contains("0 of 1 plugin(s) match their fixtures"));

  fs::remove(dir / "hsts-header.har");
  auto missing = run_warden({"plugins", "test", dir.path().string()});
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.out, Catch::Contains("no fixture"));
}

TEST_CASE("warden plugins new writes a skeleton that passes once its check is filled in", "[cli]") {
  TempDir dir;
  auto made = run_warden({"plugins", "new", "debug-mode", "--dir", dir.path().string()});
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  for (const char* file : {"debug-mode.js", "debug-mode.har", "debug-mode.expected.json"})
    CHECK(fs::exists(dir / file));
  CHECK_THAT(read_file(dir / "debug-mode.js"), Catch::Contains("from \"warden:std\""));

  auto before = run_warden({"plugins", "test", dir.path().string()});
  CHECK(before.exit_code == 1);  // the check is not written yet
  CHECK_THAT(before.out, Catch::Contains("- {\"title\":\"Debug mode announced\""));

  const std::string check =
      "if (debug !== null && debug.trim().toLowerCase() === \"on\") {\n"
      "      findings.push({ title: \"Debug mode announced\", severity: \"low\",\n"
      "                      evidence: clip(`X-Debug: ${debug}`) });\n"
      "    }\n";
  write_file(dir / "debug-mode.js",
             replaced(read_file(dir / "debug-mode.js"), "// TODO: report when", check + "    //"));
  auto after = run_warden({"plugins", "test", dir.path().string()});
  INFO(after.out);
  CHECK(after.exit_code == 0);
  CHECK_THAT(after.out, Catch::Contains("PASS  debug-mode"));

  auto again = run_warden({"plugins", "new", "debug-mode", "--dir", dir.path().string()});
  CHECK(again.exit_code == 2);  // never overwrites
  CHECK(run_warden({"plugins", "new", "Bad_Name", "--dir", dir.path().string()}).exit_code == 2);
}

TEST_CASE("load errors show the offending source line with a caret under the column", "[cli]") {
  TempDir dir;
  write_file(dir / "broken.js",
             "export default {\n  id: \"broken\",\n  scan(txn) { return [ 1 +; },\n};\n");
  auto check = run_warden({"plugins", "check", dir / "broken.js"});
  CHECK(check.exit_code == 2);
  CHECK_THAT(check.out, Catch::Contains("broken.js:3:27: syntax_error"));
  CHECK_THAT(check.out, Catch::Contains("3 |   scan(txn) { return [ 1 +; },\n"));
  CHECK_THAT(check.out, Catch::Contains("  |                           ^\n"));

  auto scan = run_warden({"scan", "--plugins", dir / "broken.js", "--plugins",
                          source_path("plugins/cookie-flags.js"), fixture("har/small.har")});
  CHECK_THAT(scan.out, Catch::Contains("3 |   scan(txn) { return [ 1 +; },"));
}
