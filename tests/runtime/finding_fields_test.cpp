// The optional finding fields ZAP alerts brought to the contract (param,
// otherInfo, solution, references, wasc): carried when well typed, ignored
// otherwise (older plugins may use these names), references capped at 100.
#include <string>

#include <catch2/catch.hpp>

#include "engine_test_support.hpp"

using namespace warden::test;

TEST_CASE("a module's finding carries param, otherInfo, solution, references and wasc",
          "[findings]") {
  auto engine = load_code(plugin_with_scan(
      "return [{ title: 't', severity: 'low', param: 'q', otherInfo: 'more', solution: 'fix',\n"
      "          references: ['https://a.example', 7, 'https://b.example'], wasc: 13 }];"));
  REQUIRE(engine.ok());
  auto findings = engine->scan(sample_transaction());
  REQUIRE(findings.ok());
  REQUIRE(findings->size() == 1);
  const auto& f = (*findings)[0];
  CHECK(f.param == "q");
  CHECK(f.other_info == "more");
  CHECK(f.solution == "fix");
  CHECK(f.references == std::vector<std::string>{"https://a.example", "https://b.example"});
  CHECK(f.wasc == 13);
}

TEST_CASE("optional ZAP fields of another type are ignored, like unknown fields", "[findings]") {
  auto engine = load_code(plugin_with_scan(
      "return [{ title: 't', severity: 'low', param: 5, otherInfo: {}, solution: null,\n"
      "          references: 'https://a.example', wasc: -2 }];"));
  REQUIRE(engine.ok());
  auto findings = engine->scan(sample_transaction());
  REQUIRE(findings.ok());
  REQUIRE(findings->size() == 1);
  const auto& f = (*findings)[0];
  CHECK(f.param.empty());
  CHECK(f.other_info.empty());
  CHECK(f.solution.empty());
  CHECK(f.references.empty());
  CHECK(f.wasc == 0);
}

TEST_CASE("a finding keeps at most 100 references", "[findings]") {
  auto engine = load_code(plugin_with_scan(
      "return [{ title: 't', severity: 'low', references: Array.from({length: 500}, (_, i) => "
      "'r' + i) }];"));
  REQUIRE(engine.ok());
  auto findings = engine->scan(sample_transaction());
  REQUIRE(findings.ok());
  CHECK((*findings)[0].references.size() == 100);
  CHECK((*findings)[0].references.back() == "r99");
}
