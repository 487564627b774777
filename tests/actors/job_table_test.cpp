// JobTable: generation-tagged ids, driven directly (no actors, no V8).
#include "actors/job_table.hpp"

#include <catch2/catch.hpp>

using namespace warden::actors;

TEST_CASE("a settled job's id never finds the job that reuses its place", "[actors][pure]") {
  JobTable table;
  const auto first = table.add(Job{1, 0, 0, nullptr, {}, 0, 0});
  REQUIRE(table.find(first) != nullptr);
  CHECK(table.find(first)->group == 1);
  const Job taken = table.take(first);
  CHECK(taken.group == 1);
  CHECK(table.find(first) == nullptr);
  const auto second = table.add(Job{2, 0, 0, nullptr, {}, 0, 0});
  CHECK(static_cast<uint32_t>(second) == static_cast<uint32_t>(first));  // the same place
  CHECK(second != first);
  CHECK(table.find(first) == nullptr);
  REQUIRE(table.find(second) != nullptr);
  CHECK(table.find(second)->group == 2);
}

TEST_CASE("ids the table never handed out find nothing", "[actors][pure]") {
  JobTable table;
  CHECK(table.find(0) == nullptr);
  const auto id = table.add(Job{});
  CHECK(table.find(id + 1) == nullptr);                    // another place
  CHECK(table.find(id + (uint64_t{1} << 32)) == nullptr);  // a later generation
  CHECK(table.find(id) != nullptr);
}
