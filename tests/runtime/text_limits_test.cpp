// Text a plugin makes the host copy is bounded (EngineLimits::max_text_bytes,
// max_findings_bytes): finding fields, error messages, console lines and ids
// are cut on a UTF-8 boundary with a marker saying how much was cut.
#include <catch2/catch.hpp>

#include "runtime/inert_text.hpp"
#include "tests/runtime/engine_test_support.hpp"
#include "warden/engine.hpp"

using namespace warden;
using namespace warden::runtime;
using namespace warden::test;

namespace {

EngineOptions text_options(std::size_t max_text, std::size_t max_total = 1u << 20) {
  auto options = small_options();
  options.limits.max_text_bytes = max_text;
  options.limits.max_findings_bytes = max_total;
  return options;
}

// plugin_with_scan with an id short enough for the tiny limits used here.
std::string short_id_plugin(const std::string& body) {
  return "export default {\n  id: 'p',\n  scan(txn) {\n" + body + "\n  },\n};\n";
}

}  // namespace

TEST_CASE("printable escapes control characters and is a fixed point", "[runtime]") {
  const std::string forged = "\x1b[2K\rwarden: info: all plugins loaded\n\a\x7f\xc2\x9b";
  const std::string shown = printable(forged);
  CHECK(shown == "\\x1b[2K\\rwarden: info: all plugins loaded\\n\\x07\\x7f\\u009b");
  CHECK(printable(shown) == shown);
  CHECK(printable("caf\xc3\xa9 \xe2\x9c\x93") == "caf\xc3\xa9 \xe2\x9c\x93");  // text stays text
}

TEST_CASE("cut_to cuts on a UTF-8 boundary and says how much it cut", "[runtime]") {
  std::string text = "ab\xc3\xa9z";  // "abéz": é is two bytes at 2..3
  CHECK(cut_to(text, 3));
  CHECK(text == "ab" + cut_marker(3));
  std::string short_text = "abc";
  CHECK_FALSE(cut_to(short_text, 3));
  CHECK(short_text == "abc");
  CHECK(cut_marker(1048576) == "\xe2\x80\xa6 [cut 1048576 bytes]");
  std::string twice = std::string(10, 'a') + cut_marker(90);  // cut before from 100 bytes
  CHECK(cut_to(twice, 4));
  CHECK(twice == "aaaa" + cut_marker(96));
  std::string within = std::string(10, 'a') + cut_marker(90);
  CHECK_FALSE(cut_to(within, 10));  // only the marker is past the limit
}

TEST_CASE("finding fields are cut to max_text_bytes with a marker", "[runtime]") {
  auto loaded = load_code(plugin_with_scan("const big = 'x'.repeat(9999) + 'é'.repeat(10);\n"
                                           "return [{ title: 'é' + big, severity: 'info',"
                                           " evidence: big, description: 'short' }];"),
                          text_options(100));
  REQUIRE(loaded.ok());
  auto findings = loaded->scan(sample_transaction());
  REQUIRE(findings.ok());
  REQUIRE(findings->size() == 1);
  const auto& finding = (*findings)[0];
  // 'é' (2 bytes) + 98 'x' = 100 bytes kept; 10019 + 2 - 100 cut.
  CHECK(finding.title == "\xc3\xa9" + std::string(98, 'x') + cut_marker(10021 - 100));
  CHECK(finding.evidence == std::string(100, 'x') + cut_marker(10019 - 100));
  CHECK(finding.description == "short");
}

TEST_CASE("a cut never splits a UTF-8 character", "[runtime]") {
  auto loaded =
      load_code(short_id_plugin("return [{ title: 'a' + '€'.repeat(50), severity: 'info' }];"),
                text_options(5));  // 'a' + one 3-byte '€' fits, the second does not
  REQUIRE(loaded.ok());
  auto findings = loaded->scan(sample_transaction());
  REQUIRE(findings.ok());
  CHECK((*findings)[0].title == "a\xe2\x82\xac" + cut_marker(151 - 4));
}

TEST_CASE("one scan's findings are bounded in total: 999 findings sharing one big string fail",
          "[runtime]") {
  auto loaded = load_code(plugin_with_scan("const big = 'y'.repeat(512 * 1024);\n"
                                           "return Array.from({ length: 999 }, () =>"
                                           " ({ title: big, severity: 'low', evidence: big }));"),
                          text_options(4096, 1u << 20));
  REQUIRE(loaded.ok());
  auto findings = loaded->scan(sample_transaction());
  REQUIRE_FALSE(findings.ok());
  CHECK(findings.error().code == ErrorCode::invalid_result);
  CHECK_THAT(findings.error().message, Catch::Contains("1048576 bytes per scan"));
  CHECK(findings.error().message.size() < 200);
  // The same plugin within the budget is answered in full.
  auto small =
      load_code(plugin_with_scan("return Array.from({ length: 10 }, () =>"
                                 " ({ title: 'z'.repeat(512 * 1024), severity: 'low' }));"),
                text_options(4096, 1u << 20));
  REQUIRE(small.ok());
  auto ten = small->scan(sample_transaction());
  REQUIRE(ten.ok());
  CHECK(ten->size() == 10);
}

TEST_CASE("error messages and stacks are cut, at load and in scans", "[runtime]") {
  auto at_load =
      load_code("throw new Error('e'.repeat(1 << 20));\nexport default {};", text_options(64));
  REQUIRE_FALSE(at_load.ok());
  CHECK(at_load.error().code == ErrorCode::module_threw);
  CHECK(at_load.error().message.size() < 200);
  // Cut at the default limit while loading, then at this engine's: one exact count.
  CHECK_THAT(at_load.error().message, Catch::EndsWith(cut_marker((1 << 20) + 7 - 64)));
  CHECK(at_load.error().stack.size() < 200);

  auto loaded =
      load_code(plugin_with_scan("throw new Error('m'.repeat(1 << 20));"), text_options(64));
  REQUIRE(loaded.ok());
  auto failed = loaded->scan(sample_transaction());
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == ErrorCode::js_exception);
  CHECK(failed.error().message.size() < 200);
  CHECK_THAT(failed.error().message, Catch::Contains(cut_marker((1 << 20) + 7 - 64)));
}

TEST_CASE("console lines are cut with a marker", "[runtime]") {
  std::vector<std::string> lines;
  auto options = text_options(10);
  options.console = [&](LogLevel, std::string_view, std::string_view text) {
    lines.emplace_back(text);
  };
  auto loaded = load_code(short_id_plugin("console.log('abcdefgh', 'ijklmnop');"
                                          " console.log('ok'); return [];"),
                          options);
  REQUIRE(loaded.ok());
  REQUIRE(loaded->scan(sample_transaction()).ok());
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "abcdefgh i" + cut_marker(7));
  CHECK(lines[1] == "ok");
}

TEST_CASE("an id longer than max_text_bytes is a load error, itself cut", "[runtime]") {
  auto loaded = load_code("export default { id: 'a'.repeat(100000), scan() { return []; } };",
                          text_options(64));
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().code == ErrorCode::invalid_id);
  CHECK(loaded.error().message.size() < 200);
}
