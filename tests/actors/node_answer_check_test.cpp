// The checks of a node's answer: one report per transaction sent, each for
// the transaction it was sent for, every plugin id one the nodes serve.
#include "actors/node_answer_check.hpp"

#include <catch2/catch.hpp>

using namespace warden;
using namespace warden::actors;

namespace {

std::vector<runtime::PluginInfo> served() {
  runtime::PluginInfo alpha;
  alpha.id = "alpha";
  runtime::PluginInfo beta;
  beta.id = "beta";
  return {alpha, beta};
}

ScanReport report_for(const std::string& transaction_id, const std::string& plugin_id = "alpha") {
  ScanReport report;
  report.transaction_id = transaction_id;
  Finding finding;
  finding.plugin_id = plugin_id;
  report.findings.push_back(finding);
  report.revisions.push_back(PluginRevision{plugin_id, "0123456789abcdef"});
  return report;
}

}  // namespace

TEST_CASE("a node's answer is taken when it answers each transaction sent", "[pure]") {
  CHECK_FALSE(refuse_node_answer({report_for("a"), report_for("b", "beta")},
                                 {std::string{"a"}, std::string{"b"}}, served()));
  // A transaction answered already elsewhere: its report is dropped, unchecked.
  CHECK_FALSE(refuse_node_answer({report_for("x", "gamma"), report_for("b")}, {std::nullopt, "b"},
                                 served()));
}

TEST_CASE("a node's answer is refused with a wrong count, transaction or plugin id", "[pure]") {
  const auto count = refuse_node_answer({report_for("a")}, {std::string{"a"}, "b"}, served());
  REQUIRE(count);
  CHECK(*count == "answered 1 reports for 2 transactions");

  const auto swapped = refuse_node_answer({report_for("b"), report_for("a")},
                                          {std::string{"a"}, std::string{"b"}}, served());
  REQUIRE(swapped);
  CHECK(*swapped == "answered a report for transaction 'b' where 'a' was sent");

  const auto finding = refuse_node_answer({report_for("a", "gamma")}, {std::string{"a"}}, served());
  REQUIRE(finding);
  CHECK(*finding == "answered for plugin 'gamma', which is not one of the plugins it serves");

  ScanReport failure = report_for("a");
  failure.failures.push_back(PluginFailure{"delta\n", Error(ErrorCode::timeout, "t")});
  const auto failed = refuse_node_answer({failure}, {std::string{"a"}}, served());
  REQUIRE(failed);
  CHECK(failed->find("plugin 'delta") != std::string::npos);
  CHECK(failed->find('\n') == std::string::npos);  // node text is made printable

  ScanReport revision = report_for("a");
  revision.revisions.push_back(PluginRevision{"epsilon", "0"});
  CHECK(refuse_node_answer({revision}, {std::string{"a"}}, served()));
}
