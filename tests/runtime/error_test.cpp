#include "warden/error.hpp"

#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "warden/finding.hpp"

using warden::ErrorCode;

TEST_CASE("every error code has a distinct snake_case name", "[runtime]") {
  std::set<std::string> names;
  for (int i = 0; i <= static_cast<int>(ErrorCode::node_mismatch); ++i) {
    auto name = std::string(to_string(static_cast<ErrorCode>(i)));
    CHECK(name != "unknown");
    CHECK(name.find(' ') == std::string::npos);
    names.insert(name);
  }
  CHECK(names.size() == static_cast<size_t>(ErrorCode::node_mismatch) + 1);
}

TEST_CASE("an error describes itself with file, line and column", "[runtime]") {
  warden::Error e{ErrorCode::syntax_error, "Unexpected token ';'", "bad.js", 2, 10};
  CHECK(e.describe() == "bad.js:2:10: syntax_error: Unexpected token ';'");
  warden::Error bare{ErrorCode::timeout, "scan ran past 100 ms"};
  CHECK(bare.describe() == "timeout: scan ran past 100 ms");
}

TEST_CASE("severities and confidences round-trip through their names", "[runtime]") {
  for (auto s : {warden::Severity::info, warden::Severity::low, warden::Severity::medium,
                 warden::Severity::high, warden::Severity::critical}) {
    CHECK(warden::parse_severity(to_string(s)) == s);
  }
  CHECK_FALSE(warden::parse_severity("severe"));
  CHECK(warden::parse_confidence("high") == warden::Confidence::high);
  CHECK_FALSE(warden::parse_confidence(""));
}
