// warden:std, the one module a plugin may import: its functions, the refusal
// of every other import, and one module instance per plugin however often it
// is imported.
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "zap_test_support.hpp"

namespace {

using namespace warden::test;
using warden::ErrorCode;

// A plugin importing `names` from warden:std whose one finding's evidence is
// JSON.stringify(<expression>).
std::string evidence_of(const std::string& names, const std::string& expression,
                        warden::TransactionPtr transaction = sample_transaction()) {
  auto engine = load_code("import { " + names + " } from \"warden:std\";\n" +
                          plugin_with_scan("return [{ title: 't', severity: 'info', evidence: "
                                           "JSON.stringify(" +
                                           expression + ") }];"));
  INFO((engine.ok() ? "" : engine.error().describe()));
  REQUIRE(engine.ok());
  auto findings = engine->scan(std::move(transaction));
  INFO((findings.ok() ? "" : findings.error().describe()));
  REQUIRE(findings.ok());
  REQUIRE(findings->size() == 1);
  return (*findings)[0].evidence;
}

}  // namespace

TEST_CASE("warden:std header helpers read the view's header lists in any case", "[std]") {
  CHECK(evidence_of("header", "header(txn.response.headers, 'SET-cookie')") ==
        R"("sid=abc; Path=/")");
  CHECK(evidence_of("header", "header(txn.response.headers, 'x-missing')") == "null");
  CHECK(evidence_of("headerValues", "headerValues(txn.request.headers, 'host')") ==
        R"(["example.com"])");
  CHECK(evidence_of("headerValues", "headerValues(undefined, 'host')") == "[]");
  CHECK(evidence_of("mediaType", "mediaType(txn.response)") == R"("text/html")");
}

TEST_CASE("warden:std decodes base64, UTF-8 and URL components leniently", "[std]") {
  CHECK(evidence_of("base64Decode", "base64Decode('aGVs bG8=')") == R"("hello")");
  CHECK(evidence_of("base64Decode", "base64Decode('_-8')") == R"("ÿï")");
  CHECK(evidence_of("base64Decode, utf8Decode", "utf8Decode(base64Decode('w6kgZ+KCrA=='))") ==
        R"("é g€")");
  CHECK(evidence_of("utf8Decode", "utf8Decode('\\xe0\\x80a\\xc3')") == R"("��a�")");
  CHECK(evidence_of("decodeComponent", "[decodeComponent('a+b%20c'), decodeComponent('%zz+')]") ==
        R"(["a b c","%zz "])");
  CHECK(evidence_of("queryParams", "queryParams('https://e/?a=1&&b&=x&c=%41#frag')") ==
        R"([["a","1"],["b",""],["c","A"]])");
  CHECK(evidence_of("queryParams", "queryParams('https://e/?a=1&b=2&c=3', 2).length") == "2");
}

TEST_CASE("warden:std bodyText and clip bound what a plugin reads and reports", "[std]") {
  CHECK(evidence_of("bodyText", "bodyText(txn.response)") ==
        R"("<html><body>hello</body></html>")");
  CHECK(evidence_of("bodyText", "bodyText(txn.response, 6)") == R"("<html>")");
  CHECK(evidence_of("bodyText",
                    "bodyText({ body: 'aGVsbG8gd29ybGQ=', bodyEncoding: 'base64' }, 3)") ==
        R"("hel")");
  CHECK(evidence_of("bodyText", "bodyText(txn.request)") == R"("")");
  CHECK(evidence_of("clip", "[clip('abcdef', 4), clip('abc', 4), clip('x'.repeat(300)).length]") ==
        R"(["abc…","abc",200])");
  CHECK(evidence_of("version", "version") == R"("1.0.0")");
}

TEST_CASE("warden:std is one module instance, and it is frozen to the plugin only by convention",
          "[std]") {
  CHECK(evidence_of("header", "typeof header") == R"("function")");
  auto engine =
      load_code("import * as a from 'warden:std';\nimport * as b from 'warden:std';\n" +
                plugin_with_scan("return a === b ? [] : [{title: 'two', severity: 'info'}];"));
  REQUIRE(engine.ok());
  auto findings = engine->scan(sample_transaction());
  REQUIRE(findings.ok());
  CHECK(findings->empty());
}

TEST_CASE("every import but warden:std is refused at load time, naming the specifier", "[std]") {
  for (const std::string specifier : {"warden:fs", "./helpers.js", "node:fs", "warden:std/x"}) {
    auto engine =
        load_code("import { x } from '" + specifier + "';\n" + plugin_with_scan("return [];"));
    INFO(specifier);
    REQUIRE_FALSE(engine.ok());
    CHECK(engine.error().code == ErrorCode::static_import);
    CHECK_THAT(engine.error().message, Catch::Contains("'" + specifier + "'"));
    CHECK_THAT(engine.error().message, Catch::Contains("only warden:std"));
    CHECK(engine.error().line == 1);
  }
}

TEST_CASE("importing a name warden:std does not export fails the load", "[std]") {
  auto engine = load_code("import { nope } from 'warden:std';\n" + plugin_with_scan("return [];"));
  REQUIRE_FALSE(engine.ok());
  CHECK(engine.error().code == ErrorCode::module_threw);
  CHECK_THAT(engine.error().message, Catch::Contains("nope"));
}

TEST_CASE("a dynamic import of warden:std still rejects", "[std]") {
  auto engine = load_code(plugin_with_scan(
      "return import('warden:std').then(() => [{title: 'loaded', severity: 'info'}]);"));
  REQUIRE(engine.ok());
  auto findings = engine->scan(sample_transaction());
  REQUIRE_FALSE(findings.ok());
  CHECK_THAT(findings.error().message,
             Catch::Contains("dynamic import('warden:std') is not allowed"));
}

TEST_CASE("a plugin importing warden:std loads again from its code cache", "[std]") {
  auto source = inline_source(
      "std-user.js", "import { header } from 'warden:std';\n" + plugin_with_scan("return [];"));
  auto first = Engine::load(source, small_options());
  REQUIRE(first.ok());
  auto second = Engine::load(source, small_options());
  REQUIRE(second.ok());
  CHECK(second->stats().code_cache_consumed);
}
