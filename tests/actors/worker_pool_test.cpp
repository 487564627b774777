// WorkerPool: the pool's decisions (retiring, takers, batch sizes, the warm
// spare, lost work, backoff), driven directly: no actor system, no V8; a
// worker is a number.
#include "actors/worker_pool.hpp"

#include <catch2/catch.hpp>

using namespace warden::actors;
using Pool = WorkerPool<int>;

namespace {

PoolLimits limits(std::size_t workers, uint64_t recycle_after_scans = 0, bool warm_spare = false) {
  PoolLimits result;
  result.workers = workers;
  result.recycle_after_scans = recycle_after_scans;
  result.warm_spare = warm_spare;
  result.heap_soft_limit_bytes = 1000;
  result.max_batch = 8;
  return result;
}

// Spawns worker `worker` into `slot` and reports it loaded.
void serve(Pool& pool, uint32_t slot, int worker) {
  const auto generation = pool.next_generation();
  pool.started(slot, worker, generation);
  pool.ready(slot, generation, 0, WorkerThread{});
}

// The worker in `slot` answers its oldest batch having run `executions` scans.
void answer(Pool& pool, uint32_t slot, uint64_t executions, uint64_t heap = 0) {
  const auto& s = pool.slot(slot);
  REQUIRE_FALSE(s.in_flight.empty());
  REQUIRE(pool.answered(slot, s.generation, s.in_flight.front().id, executions, heap));
}

}  // namespace

TEST_CASE("a worker is due to retire at its execution threshold or above the heap soft limit",
          "[actors][pure]") {
  const auto l = limits(1, 10);
  CHECK_FALSE(retire_reason(l, 9, 1000));
  CHECK(retire_reason(l, 10, 0) == RetireReason::recycle_threshold);
  CHECK(retire_reason(l, 10, 5000) == RetireReason::recycle_threshold);  // the count first
  CHECK(retire_reason(l, 0, 1001) == RetireReason::heap_soft_limit);
  auto unlimited = limits(1, 0);
  unlimited.heap_soft_limit_bytes = 0;
  CHECK_FALSE(retire_reason(unlimited, 1'000'000, 1'000'000));  // 0: never
}

TEST_CASE("an idle worker at its threshold retires only while a sibling serves", "[actors][pure]") {
  Pool pool{limits(2, 5)};
  serve(pool, 0, 100);
  pool.started(1, 101, pool.next_generation());  // still loading
  pool.sent(0, 1, {1, 2, 3, 4, 5});
  answer(pool, 0, 5);
  CHECK_FALSE(pool.retire_if_due(0));  // its sibling does not serve yet
  CHECK(pool.slot(0).status == SlotStatus::ready);
  pool.ready(1, pool.slot(1).generation, 0, WorkerThread{});
  CHECK(pool.retire_if_due(0) == RetireReason::recycle_threshold);
  CHECK(pool.slot(0).status == SlotStatus::stopping);
  CHECK_FALSE(pool.retire_if_due(1));  // not due
}

TEST_CASE("a lone worker retires at its threshold, once it answered what it holds",
          "[actors][pure]") {
  Pool pool{limits(1, 2)};
  serve(pool, 0, 7);
  pool.sent(0, 1, {1, 2});
  CHECK_FALSE(pool.retire_if_due(0));  // holds a batch
  answer(pool, 0, 2);
  CHECK(pool.retire_if_due(0) == RetireReason::recycle_threshold);
}

TEST_CASE("with a warm spare, a worker due to retire waits while the spare loads",
          "[actors][pure]") {
  Pool pool{limits(1, 1, true)};
  REQUIRE(pool.size() == 2);
  CHECK(pool.slot(1).spare);
  serve(pool, 0, 1);
  pool.started(1, 2, pool.next_generation());
  pool.sent(0, 1, {10});
  answer(pool, 0, 1);
  CHECK_FALSE(pool.retire_if_due(0));  // the spare is still loading
  const auto parked = pool.ready(1, pool.slot(1).generation, 0, WorkerThread{{}, 42});
  CHECK(parked.verdict == Pool::ReadyVerdict::parked);
  CHECK(pool.serving_workers() == std::vector<int>{1});  // a spare does not serve
  CHECK(pool.retire_if_due(0) == RetireReason::recycle_threshold);
}

TEST_CASE("a planned down promotes a loaded spare and makes the vacated slot the spare's place",
          "[actors][pure]") {
  Pool pool{limits(1, 1, true)};
  serve(pool, 0, 1);
  serve(pool, 1, 2);  // the spare, parked
  const auto since = Pool::Clock::now();
  pool.vacate(0);
  const auto takeover = pool.promote_spare(0, since);
  CHECK(takeover.kind == Pool::Takeover::Kind::promoted_loaded);
  CHECK(takeover.spare == 1);
  CHECK_FALSE(pool.slot(1).spare);
  CHECK(pool.slot(0).spare);
  CHECK(pool.serving_workers() == std::vector<int>{2});
  CHECK_FALSE(pool.slot(1).parked);
}

TEST_CASE("a loading spare is promoted and serves from its ready message on", "[actors][pure]") {
  Pool pool{limits(1, 1, true)};
  serve(pool, 0, 1);
  pool.started(1, 2, pool.next_generation());
  const auto since = Pool::Clock::now();
  pool.vacate(0);
  const auto takeover = pool.promote_spare(0, since);
  CHECK(takeover.kind == Pool::Takeover::Kind::promoted_loading);
  const auto ready = pool.ready(1, pool.slot(1).generation, 0, WorkerThread{});
  CHECK(ready.verdict == Pool::ReadyVerdict::serving);
  REQUIRE(ready.replacing_since);
  CHECK(*ready.replacing_since == since);  // the recycle latency counts from the down
}

TEST_CASE("with no spare loading, the vacated slot gets an ordinary replacement",
          "[actors][pure]") {
  Pool pool{limits(1, 1, true)};
  serve(pool, 0, 1);
  pool.vacate(0);
  const auto takeover = pool.promote_spare(0, Pool::Clock::now());
  CHECK(takeover.kind == Pool::Takeover::Kind::spare_not_loading);
  CHECK(takeover.spare == 1);
  CHECK_FALSE(pool.slot(0).spare);  // roles unchanged
  Pool without{limits(1, 1, false)};
  serve(without, 0, 1);
  without.vacate(0);
  CHECK(without.promote_spare(0, Pool::Clock::now()).kind == Pool::Takeover::Kind::no_spare);
}

TEST_CASE("idle workers take batches first, then those holding one, none holding two",
          "[actors][pure]") {
  Pool pool{limits(3)};
  serve(pool, 0, 1);
  serve(pool, 1, 2);
  serve(pool, 2, 3);
  pool.sent(0, 1, {1});
  pool.sent(1, 2, {2});
  pool.sent(1, 3, {3});
  const auto takers = pool.takers();
  CHECK(takers.slots == std::vector<uint32_t>{2, 0});
  CHECK(takers.retiring.empty());
}

TEST_CASE("an idle worker due to retire is retired instead of taking a batch", "[actors][pure]") {
  Pool pool{limits(2, 3)};
  serve(pool, 0, 1);
  serve(pool, 1, 2);
  pool.sent(0, 1, {1, 2, 3});
  answer(pool, 0, 3);
  const auto takers = pool.takers();
  CHECK(takers.slots == std::vector<uint32_t>{1});
  REQUIRE(takers.retiring.size() == 1);
  CHECK(takers.retiring[0].slot == 0);
  CHECK(takers.retiring[0].reason == RetireReason::recycle_threshold);
}

TEST_CASE("batch sizes share the queue, capped by max_batch and the recycle budget",
          "[actors][pure]") {
  const auto l = limits(2, 0);
  CHECK(batch_size(l, 10, 2, 0, 0) == 5);   // an even share
  CHECK(batch_size(l, 11, 2, 0, 0) == 6);   // rounded up
  CHECK(batch_size(l, 100, 2, 0, 0) == 8);  // max_batch
  CHECK(batch_size(l, 1, 3, 0, 0) == 1);    // at least one
  const auto budget = limits(2, 10);
  CHECK(batch_size(budget, 100, 1, 7, 0) == 3);   // never past the threshold
  CHECK(batch_size(budget, 100, 1, 5, 4) == 1);   // counting what it holds
  CHECK(batch_size(budget, 100, 1, 6, 4) == 0);   // holds what it may run
  CHECK(batch_size(budget, 100, 1, 12, 0) == 8);  // past it and idle: serves on
  Pool pool{budget};
  serve(pool, 0, 1);
  pool.sent(0, 1, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(pool.batch_size_for(0, 100, 1) == 1);
}

TEST_CASE("a down worker's oldest unanswered batch is lost, later ones never started",
          "[actors][pure]") {
  Pool pool{limits(1)};
  serve(pool, 0, 5);
  pool.sent(0, 1, {1, 2});
  pool.sent(0, 2, {3});
  REQUIRE(pool.find_worker(5) == 0u);
  const auto work = pool.vacate(0);
  CHECK(work.lost == std::vector<uint64_t>{1, 2});
  CHECK(work.never_started == std::vector<uint64_t>{3});
  CHECK(pool.slot(0).status == SlotStatus::empty);
  CHECK(pool.slot(0).worker == 0);  // the handle is dropped
  CHECK_FALSE(pool.find_worker(5));
}

TEST_CASE("answers out of order or from an earlier generation are ignored", "[actors][pure]") {
  Pool pool{limits(1)};
  serve(pool, 0, 5);
  pool.sent(0, 1, {1});
  pool.sent(0, 2, {2});
  const auto generation = pool.slot(0).generation;
  CHECK_FALSE(pool.answered(0, generation, 2, 1, 0));      // not its oldest batch
  CHECK_FALSE(pool.answered(0, generation + 1, 1, 1, 0));  // another worker
  const auto jobs = pool.answered(0, generation, 1, 1, 77);
  REQUIRE(jobs);
  CHECK(*jobs == std::vector<uint64_t>{1});
  CHECK(pool.slot(0).executions == 1);
  CHECK(pool.slot(0).heap_used_bytes == 77);
  CHECK(pool.take_unstarted(0) == std::vector<uint64_t>{2});
  CHECK(pool.slot(0).in_flight.empty());
}

TEST_CASE("a ready message from a replaced worker is ignored", "[actors][pure]") {
  Pool pool{limits(1)};
  const auto first = pool.next_generation();
  pool.started(0, 1, first);
  pool.vacate(0);
  const auto second = pool.next_generation();
  pool.started(0, 2, second);
  CHECK(pool.ready(0, first, 0, WorkerThread{}).verdict == Pool::ReadyVerdict::stale);
  CHECK(pool.slot(0).status == SlotStatus::starting);
  CHECK(pool.ready(0, second, 0, WorkerThread{}).verdict == Pool::ReadyVerdict::serving);
  CHECK(pool.ready(0, second, 0, WorkerThread{}).verdict == Pool::ReadyVerdict::stale);
}

TEST_CASE("only the latest backoff's respawn timer fills a slot", "[actors][pure]") {
  Pool pool{limits(1)};
  serve(pool, 0, 1);
  pool.vacate(0);
  const auto first = pool.back_off(0, Pool::Clock::now());
  CHECK(pool.backoff_due(0, first));
  CHECK(pool.stop_all().empty());  // a backoff just empties
  CHECK_FALSE(pool.backoff_due(0, first));
  const auto second = pool.back_off(0, Pool::Clock::now());
  CHECK(second != first);
  CHECK_FALSE(pool.backoff_due(0, first));
  CHECK(pool.backoff_due(0, second));
}

TEST_CASE("stop_all stops starting and serving workers and counts what is left", "[actors][pure]") {
  Pool pool{limits(3, 0, true)};
  serve(pool, 0, 1);
  pool.started(1, 2, pool.next_generation());
  serve(pool, 3, 4);  // the spare
  const auto before = pool.occupancy();
  CHECK(before.workers == 2);  // the spare is not counted
  CHECK(pool.empty_slots() == std::vector<uint32_t>{2});
  CHECK(pool.stop_all() == std::vector<uint32_t>{0, 1, 3});
  CHECK(pool.occupancy().workers == 0);
  CHECK_FALSE(pool.all_empty());  // stopping until their down messages
  for (uint32_t slot : {0u, 1u, 3u}) {
    pool.vacate(slot);
  }
  CHECK(pool.all_empty());
}
