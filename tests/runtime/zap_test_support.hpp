#pragma once
// Helpers for the ZAP-script and warden:std tests: a finding as JSON with
// every field it has (as the fixtures' expected files write it), fixture HARs
// read into transactions, and an inline ZAP script's findings on the sample
// transaction.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine_test_support.hpp"
#include "warden/har_reader.hpp"

namespace warden::test {

inline nlohmann::json finding_json(const Finding& finding) {
  nlohmann::json out = {{"title", finding.title},
                        {"severity", std::string(to_string(finding.severity))}};
  if (!finding.description.empty())
    out["description"] = finding.description;
  if (!finding.evidence.empty())
    out["evidence"] = finding.evidence;
  if (finding.cwe > 0)
    out["cwe"] = finding.cwe;
  if (finding.confidence != Confidence::unspecified)
    out["confidence"] = std::string(to_string(finding.confidence));
  if (!finding.param.empty())
    out["param"] = finding.param;
  if (!finding.other_info.empty())
    out["otherInfo"] = finding.other_info;
  if (!finding.solution.empty())
    out["solution"] = finding.solution;
  if (!finding.references.empty())
    out["references"] = finding.references;
  if (finding.wasc > 0)
    out["wasc"] = finding.wasc;
  return out;
}

inline std::vector<TransactionPtr> read_har(const std::string& path) {
  std::vector<TransactionPtr> transactions;
  auto summary = runtime::read_har_file(path, [&](Transaction&& transaction) {
    transactions.push_back(std::make_shared<const Transaction>(std::move(transaction)));
    return true;
  });
  INFO("reading " << path << ": " << (summary.ok() ? "" : summary.error().describe()));
  REQUIRE(summary.ok());
  return transactions;
}

// Loads `code` (a ZAP script), scans `transaction` and returns the findings as JSON.
inline nlohmann::json zap_findings(const std::string& code,
                                   TransactionPtr transaction = sample_transaction()) {
  auto engine = load_code(code, small_options(), "probe.js");
  INFO((engine.ok() ? "" : engine.error().describe()));
  REQUIRE(engine.ok());
  auto findings = engine->scan(transaction);
  INFO((findings.ok() ? "" : findings.error().describe()));
  REQUIRE(findings.ok());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& finding : findings.value())
    out.push_back(finding_json(finding));
  return out;
}

// The evidence of each finding an inline script raises, in order: probes
// report what an API call returned as evidence.
inline std::vector<std::string> probe(const std::string& body,
                                      TransactionPtr transaction = sample_transaction()) {
  const std::string code =
      "function scan(ps, msg, src) {\n"
      "  function say(x) { ps.raiseAlert(0, 2, 'probe', '', '', '', '', '', "
      "'', String(x), 0, 0, msg); }\n" +
      body + "\n}\n";
  std::vector<std::string> out;
  for (const auto& finding : zap_findings(code, std::move(transaction)))
    out.push_back(finding.value("evidence", std::string("<none>")));
  return out;
}

}  // namespace warden::test
