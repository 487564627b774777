// ReorderBuffer: answers in any order come out in input order, each once
// (no actors, no V8).
#include "actors/reorder_buffer.hpp"

#include <catch2/catch.hpp>

using namespace warden;
using namespace warden::actors;

namespace {

TransactionPtr transaction(const std::string& id) {
  auto result = std::make_shared<Transaction>();
  result->id = id;
  return result;
}

ScanReport report(const std::string& id, const std::string& from) {
  ScanReport result;
  result.transaction_id = id;
  result.failures.push_back(PluginFailure{from, Error{}});
  return result;
}

}  // namespace

TEST_CASE("answers in any order are handed on in input order", "[actors][pure]") {
  ReorderBuffer buffer;
  for (const auto* id : {"a", "b", "c"}) {
    buffer.push(transaction(id));
  }
  CHECK(buffer.size() == 3);
  CHECK(buffer.transaction(1)->id == "b");
  REQUIRE(buffer.accept(2, report("c", "node")));
  CHECK_FALSE(buffer.pop_ready());  // "a" and "b" first
  REQUIRE(buffer.accept(0, report("a", "node")));
  auto first = buffer.pop_ready();
  REQUIRE(first);
  CHECK(first->transaction_id == "a");
  CHECK_FALSE(buffer.pop_ready());
  CHECK(buffer.first_held() == 1);
  REQUIRE(buffer.accept(1, report("b", "node")));
  CHECK(buffer.pop_ready()->transaction_id == "b");
  CHECK(buffer.pop_ready()->transaction_id == "c");
  CHECK(buffer.empty());
  CHECK(buffer.push(transaction("d")) == 3);  // numbering goes on
}

TEST_CASE("a second answer for a transaction is refused, before and after it was handed on",
          "[actors][pure]") {
  ReorderBuffer buffer;
  buffer.push(transaction("a"));
  buffer.push(transaction("b"));
  REQUIRE(buffer.accept(1, report("b", "first")));
  CHECK_FALSE(buffer.unanswered(1));
  CHECK_FALSE(buffer.accept(1, report("b", "late")));  // answered, waiting for "a"
  CHECK(buffer.unanswered(0));
  REQUIRE(buffer.accept(0, report("a", "first")));
  CHECK(buffer.pop_ready());
  CHECK_FALSE(buffer.accept(0, report("a", "late")));  // handed on
  auto second = buffer.pop_ready();
  REQUIRE(second);
  CHECK(second->failures[0].plugin_id == "first");       // the first answer stayed
  CHECK_FALSE(buffer.accept(7, report("x", "nobody")));  // never read
  CHECK_FALSE(buffer.unanswered(7));
}
