// RequestGroup: merging per-plugin outcomes and the one reply per request,
// driven directly (no actor system, no V8).
#include "actors/request_group.hpp"

#include <memory>

#include <catch2/catch.hpp>

using namespace warden;
using namespace warden::actors;

namespace {

TransactionPtr transaction(const std::string& id) {
  auto result = std::make_shared<Transaction>();
  result->id = id;
  return result;
}

PluginOutcome found(const std::string& plugin, const std::string& title) {
  PluginOutcome outcome;
  Finding finding;
  finding.plugin_id = plugin;
  finding.title = title;
  outcome.findings.push_back(finding);
  return outcome;
}

PluginOutcome failed(ErrorCode code) {
  PluginOutcome outcome;
  outcome.error = Error{};
  outcome.error->code = code;
  return outcome;
}

const std::vector<std::string> kPlugins = {"alpha", "beta", "gamma"};

}  // namespace

TEST_CASE("a request group replies once, when sealed and complete, in plugin order",
          "[actors][pure]") {
  RequestGroup group{{transaction("t0"), transaction("t1")}, kPlugins.size(), 2};
  int replies = 0;
  std::vector<ScanReport> reports;
  group.seal([&](std::vector<ScanReport>&& answer) {
    ++replies;
    reports = std::move(answer);
  });
  CHECK_FALSE(group.settle(0, 2, found("gamma", "g0")));
  CHECK_FALSE(group.settle(1, 0, failed(ErrorCode::timeout)));
  CHECK_FALSE(group.settle(0, 0, found("alpha", "a0")));
  CHECK_FALSE(group.complete());
  CHECK(group.settle(1, 2, found("gamma", "g1")));  // the last outcome
  CHECK(group.complete());
  CHECK(replies == 0);  // the caller answers
  CHECK(group.answer(kPlugins));
  CHECK(replies == 1);
  REQUIRE(reports.size() == 2);
  CHECK(reports[0].transaction_id == "t0");
  REQUIRE(reports[0].findings.size() == 2);
  CHECK(reports[0].findings[0].title == "a0");  // plugin order, not arrival order
  CHECK(reports[0].findings[1].title == "g0");
  CHECK(reports[0].failures.empty());
  CHECK(reports[1].transaction_id == "t1");
  REQUIRE(reports[1].failures.size() == 1);
  CHECK(reports[1].failures[0].plugin_id == "alpha");
  CHECK(reports[1].failures[0].error.code == ErrorCode::timeout);
  CHECK(reports[1].findings.size() == 1);
  CHECK_FALSE(group.answer(kPlugins));  // never a second reply
  CHECK(replies == 1);
}

TEST_CASE("a request group completed before it is sealed is not answered by settling",
          "[actors][pure]") {
  RequestGroup group{{transaction("t0")}, kPlugins.size(), 1};
  CHECK_FALSE(group.settle(0, 1, failed(ErrorCode::overloaded)));  // refused while queueing
  CHECK(group.complete());
  CHECK_FALSE(group.answer(kPlugins));  // not sealed: the request answers at once instead
  const auto reports = group.take_reports(kPlugins);
  REQUIRE(reports.size() == 1);
  REQUIRE(reports[0].failures.size() == 1);
  CHECK(reports[0].failures[0].plugin_id == "beta");
  CHECK(reports[0].failures[0].error.code == ErrorCode::overloaded);
}

TEST_CASE("an empty request group is complete at once", "[actors][pure]") {
  RequestGroup group{{}, kPlugins.size(), 3};
  CHECK(group.complete());
  CHECK(group.take_reports(kPlugins).empty());
}
