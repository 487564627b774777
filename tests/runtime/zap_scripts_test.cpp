// ZAP passive scripts written for these tests (tests/fixtures/zap/*.js, both
// API generations) run unmodified in the real engine: each raises exactly the
// findings tests/fixtures/zap/zap-traffic.expected.json lists; a script is told
// from a module by content; bad scripts fail the load clearly; the sandbox's
// limits and code cache apply to them as to modules.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "zap_test_support.hpp"

namespace {

namespace fs = std::filesystem;
using namespace warden::test;
using warden::ErrorCode;
using warden::runtime::PluginKind;

const fs::path zap_dir = fs::path{WARDEN_FIXTURES} / "zap";

std::vector<fs::path> zap_scripts() {
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(zap_dir)) {
    if (entry.path().extension() == ".js")
      paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

Engine load_file(const fs::path& path) {
  auto source = PluginSource::read(path.string());
  REQUIRE(source.ok());
  auto engine = Engine::load(std::move(source).value(), small_options());
  INFO(path.string() << ": " << (engine.ok() ? "" : engine.error().describe()));
  REQUIRE(engine.ok());
  return std::move(engine).value();
}

// Sorted dumps, so the comparison ignores the order within one entry.
std::vector<std::string> dumps(const nlohmann::json& findings) {
  std::vector<std::string> out;
  for (const auto& finding : findings)
    out.push_back(finding.dump());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("ZAP scripts of both styles load as zap-passive plugins with ZAP's ids and names",
          "[zap]") {
  REQUIRE(zap_scripts().size() == 4);
  auto current = load_file(zap_dir / "header-disclosure.js");
  CHECK(current.info().kind == PluginKind::zap_passive);
  CHECK(current.info().id == "990001");  // the metadata's id
  CHECK(current.info().name == "Version in a Server or X-Powered-By header");
  CHECK(current.info().help_uri == "https://example.org/help/990001");
  auto old = load_file(zap_dir / "legacy-checks.js");
  CHECK(old.info().kind == PluginKind::zap_passive);
  CHECK(old.info().id == "legacy-checks");  // no metadata: from the file name
  CHECK(old.info().name == "legacy-checks");
  CHECK(old.info().help_uri.empty());
  auto module = load_code(plugin_with_scan("return [];"));
  REQUIRE(module.ok());
  CHECK(module->info().kind == PluginKind::module);
}

TEST_CASE("each ZAP script raises exactly the expected alerts on the fixture HAR", "[zap]") {
  std::ifstream in(zap_dir / "zap-traffic.expected.json");
  const auto expected = nlohmann::json::parse(in).at("plugins");
  const auto transactions = read_har((zap_dir / "zap-traffic.har").string());
  REQUIRE(transactions.size() == 4);
  std::size_t total = 0;
  for (const auto& path : zap_scripts()) {
    auto engine = load_file(path);
    const std::string id = engine.info().id;
    SECTION(id) {
      REQUIRE(expected.contains(id));
      for (const auto& transaction : transactions) {
        INFO(id << " entry " << transaction->id);
        auto findings = engine.scan(transaction);
        INFO((findings.ok() ? "" : findings.error().describe()));
        REQUIRE(findings.ok());
        nlohmann::json actual = nlohmann::json::array();
        for (const auto& finding : findings.value()) {
          CHECK(finding.plugin_id == id);
          actual.push_back(finding_json(finding));
        }
        const auto& by_entry = expected.at(id);
        const auto want = by_entry.contains(transaction->id) ? by_entry.at(transaction->id)
                                                             : nlohmann::json::array();
        CHECK(dumps(actual) == dumps(want));
        total += actual.size();
      }
    }
  }
  CHECK(total <= 20);
}

TEST_CASE("a file is a ZAP script by content: a module with a scan(a, b) function stays a module",
          "[zap]") {
  auto module = load_code(
      "function scan(helper, msg) { return []; }\n"
      "export default { id: 'looks-like-zap', scan(txn) { return []; } };\n");
  REQUIRE(module.ok());
  CHECK(module->info().kind == PluginKind::module);
  auto indented =
      load_code("  function   scan ( helper , msg , src ) {}\n", small_options(), "indented.js");
  REQUIRE(indented.ok());
  CHECK(indented->info().kind == PluginKind::zap_passive);
  CHECK(indented->info().id == "indented");
  auto blanks = load_code(std::string(1'000'000, ' ') + "\nfunction scan(a, b) {}\n" +
                              std::string(1'000'000, '\t') + "x = 1;\n",
                          small_options(), "blanks.js");
  REQUIRE(blanks.ok());
  CHECK(blanks->info().kind == PluginKind::zap_passive);
  auto no_scan = load_code("function scanner(helper, msg) {}\n", small_options(), "nope.js");
  REQUIRE_FALSE(no_scan.ok());  // neither a ZAP script nor a module with a default export
  CHECK(no_scan.error().code == ErrorCode::no_default_export);
}

TEST_CASE("bad ZAP scripts fail the load with the file, line and reason", "[zap]") {
  SECTION("a syntax error") {
    auto engine = load_code("function scan(ps, msg, src) {\n  var x = ;\n}\n");
    REQUIRE_FALSE(engine.ok());
    CHECK(engine.error().code == ErrorCode::syntax_error);
    CHECK(engine.error().line == 2);
  }
  SECTION("metadata YAML that does not parse names its line") {
    auto engine = load_code(
        "var M = Java.type('org.zaproxy.addon.commonlib.scanrules.ScanRuleMetadata');\n"
        "function getMetadata() { return M.fromYaml('id: 1\\nname: [unclosed\\n'); }\n"
        "function scan(helper, msg, src) {}\n");
    REQUIRE_FALSE(engine.ok());
    CHECK(engine.error().code == ErrorCode::module_threw);
    CHECK_THAT(engine.error().message, Catch::Contains("YAML metadata: line"));
  }
  SECTION("metadata without a name, or with an unknown risk") {
    for (const std::string yaml : {"id: 5", "id: 5\\nname: x\\nrisk: severe", "id: x\\nname: y"}) {
      auto engine = load_code(
          "var M = Java.type('org.zaproxy.addon.commonlib.scanrules.ScanRuleMetadata');\n"
          "function getMetadata() { return M.fromYaml('" +
          yaml +
          "'); }\n"
          "function scan(helper, msg, src) {}\n");
      INFO(yaml);
      REQUIRE_FALSE(engine.ok());
      CHECK_THAT(engine.error().message, Catch::Contains("java.lang.IllegalArgumentException"));
    }
  }
  SECTION("getMetadata returning something else") {
    auto engine = load_code(
        "function getMetadata() { return { id: 1 }; }\n"
        "function scan(helper, msg, src) {}\n");
    REQUIRE_FALSE(engine.ok());
    CHECK_THAT(engine.error().message, Catch::Contains("ScanRuleMetadata.fromYaml"));
  }
  SECTION("a Java class Warden does not offer") {
    auto engine = load_code(
        "var F = Java.type('java.io.File');\n"
        "function scan(helper, msg, src) {}\n");
    REQUIRE_FALSE(engine.ok());
    CHECK(engine.error().line == 1);
    CHECK_THAT(engine.error().message, Catch::Contains("java.io.File is not available"));
  }
}

TEST_CASE("YAML metadata that expands without bound is refused, not parsed forever", "[zap]") {
  std::string yaml = "id: 1\\nname: bomb\\na: &a [x, x, x, x, x, x, x, x, x, x]\\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    yaml += std::string(1, c) + ": &" + c + " [*" + char(c - 1) + ", *" + char(c - 1) + ", *" +
            char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + "]\\n";
  }
  auto engine = load_code(
      "var M = Java.type('org.zaproxy.addon.commonlib.scanrules.ScanRuleMetadata');\n"
      "function getMetadata() { return M.fromYaml('" +
      yaml +
      "'); }\n"
      "function scan(helper, msg, src) {}\n");
  REQUIRE_FALSE(engine.ok());
  CHECK_THAT(engine.error().message, Catch::Contains("more than 10000 values"));
}

TEST_CASE("a ZAP script runs under the same limits and is recycled like a module", "[zap]") {
  auto engine = load_code("function scan(helper, msg, src) { for (;;) {} }\n");
  REQUIRE(engine.ok());
  auto result = engine->scan(sample_transaction());
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::timeout);
  CHECK_FALSE(engine->reusable());

  auto thrower = load_code("function scan(helper, msg, src) { throw new Error('boom'); }\n");
  REQUIRE(thrower.ok());
  auto thrown = thrower->scan(sample_transaction());
  REQUIRE_FALSE(thrown.ok());
  CHECK(thrown.error().code == ErrorCode::js_exception);
  CHECK_THAT(thrown.error().message, Catch::Contains("boom"));
  CHECK(thrower->reusable());
}

TEST_CASE("a ZAP script sees no host: no require, process, files or host properties", "[zap]") {
  const auto seen = probe(
      "say(typeof require); say(typeof process); say(typeof Packages);\n"
      "say(java.lang.System.getProperty('user.home'));\n"
      "say(java.lang.System.getProperty('java.version', 'none'));\n"
      "try { Java.type('java.lang.Runtime'); say('reachable'); } catch (e) { say(e.name); }");
  CHECK(seen == std::vector<std::string>{"undefined", "undefined", "undefined", "null", "none",
                                         "TypeError"});
}

TEST_CASE("a second load of a ZAP script compiles from its code cache", "[zap]") {
  auto source = PluginSource::read((zap_dir / "cookie-inspector.js").string());
  REQUIRE(source.ok());
  auto first = Engine::load(source.value(), small_options());
  REQUIRE(first.ok());
  CHECK_FALSE(first->stats().code_cache_consumed);
  REQUIRE(source.value()->code_cache() != nullptr);
  auto second = Engine::load(source.value(), small_options());
  REQUIRE(second.ok());
  CHECK(second->stats().code_cache_consumed);
  CHECK(second->info().id == "990002");
}
