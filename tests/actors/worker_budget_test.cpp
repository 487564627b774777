// WorkerBudget and PoolSizer: the process-wide budget's decisions and one
// pool's growth and release, driven directly: no actor system, no V8.
#include "actors/worker_budget.hpp"

#include <catch2/catch.hpp>

#include "actors/pool_sizer.hpp"

using namespace warden::actors;
using namespace std::chrono_literals;

namespace {

BudgetUse use(uint64_t workers, uint64_t spares = 0, uint64_t abandoned = 0) {
  BudgetUse result;
  result.workers = workers;
  result.spares = spares;
  result.abandoned = abandoned;
  result.heap_limit_bytes = 100;
  return result;
}

}  // namespace

TEST_CASE("the default budget keeps every core busy, one worker per plugin at least",
          "[actors][pure]") {
  CHECK(default_max_workers(8, 2) == 9);  // one per plugin, and one plugin may take both cores
  CHECK(default_max_workers(16, 2) == 17);
  CHECK(default_max_workers(1, 8) == 8);  // never fewer than the cores
  CHECK(default_max_workers(0, 4) == 4);
  CHECK(default_max_workers(3, 0) == 4);  // unknown: 2 cores
  CHECK(default_max_heap_total_bytes() > 0);
  CHECK(default_max_abandoned_threads_total(2) == 4);
  CHECK(default_max_abandoned_threads_total(16) == 16);
}

TEST_CASE("the budget allows a worker only under both the worker and the heap limits",
          "[actors][pure]") {
  WorkerBudget budget{BudgetLimits{4, 1000, 2}};
  CHECK(budget.allows_worker(use(3)));
  CHECK_FALSE(budget.allows_worker(use(4)));  // max_workers reached
  // Heap: every live isolate holds its limit, spares and abandoned ones too.
  CHECK(budget.allows_worker(use(3, 0, 0)));        // 400 + 100 <= 1000
  CHECK_FALSE(budget.allows_worker(use(3, 4, 3)));  // 1000 + 100 > 1000
  CHECK_FALSE(budget.allows_worker(use(1, 8, 1)));  // spares count for heap, not workers
  CHECK(budget.allows_worker(use(2, 5, 1)));        // 800 + 100 <= 1000
  CHECK(budget.allows_abandonment(1));
  CHECK_FALSE(budget.allows_abandonment(2));
}

TEST_CASE("the budget counts growths, refusals and peaks", "[actors][pure]") {
  WorkerBudget budget{BudgetLimits{3, 10'000, 4}};
  budget.observe(use(2, 1));
  CHECK(budget.grow(use(2, 1)));
  budget.observe(use(3, 1));
  CHECK_FALSE(budget.grow(use(3, 1)));
  CHECK_FALSE(budget.grow(use(3, 1)));
  const auto stats = budget.stats(use(1, 1, 1));
  CHECK(stats.max_workers == 3);
  CHECK(stats.max_heap_total_bytes == 10'000);
  CHECK(stats.max_abandoned_threads == 4);
  CHECK(stats.workers == 1);
  CHECK(stats.spares == 1);
  CHECK(stats.abandoned == 1);
  CHECK(stats.heap_bytes == 300);
  CHECK(stats.peak_workers == 3);
  CHECK(stats.peak_heap_bytes == 400);
  CHECK(stats.grown == 1);
  CHECK(stats.refused == 2);
}

TEST_CASE("a pool asks for a worker only after busy ticks in a row, and not while one loads",
          "[actors][pure]") {
  const auto start = PoolSizer::Clock::now();
  PoolSizer sizer{SizerLimits{1, 3, 3, 1000ms}, start};
  using V = PoolSizer::Verdict;
  CHECK(sizer.tick(true, 1, false, start + 25ms) == V::keep);
  CHECK(sizer.tick(true, 1, false, start + 50ms) == V::keep);
  CHECK(sizer.tick(false, 1, false, start + 75ms) == V::keep);  // a quiet tick: the streak restarts
  CHECK(sizer.tick(true, 1, false, start + 100ms) == V::keep);
  CHECK(sizer.tick(true, 1, false, start + 125ms) == V::keep);
  CHECK(sizer.tick(true, 1, true, start + 150ms) == V::keep);  // loading: waits for it
  CHECK(sizer.tick(true, 1, false, start + 175ms) == V::grow);
  sizer.grew();
  CHECK(sizer.busy_ticks() == 0);
  for (int i = 0; i < 2; ++i) {
    CHECK(sizer.tick(true, 2, false, start + 200ms) == V::keep);
  }
  CHECK(sizer.tick(true, 2, false, start + 250ms) == V::grow);
  sizer.grew();
  for (int i = 0; i < 5; ++i) {
    CHECK(sizer.tick(true, 3, false, start + 300ms) != V::grow);  // at its own maximum
  }
}

TEST_CASE("a pool gives a worker back only after a quiet release period, one at a time",
          "[actors][pure]") {
  const auto start = PoolSizer::Clock::now();
  PoolSizer sizer{SizerLimits{1, 4, 3, 1000ms}, start};
  using V = PoolSizer::Verdict;
  CHECK(sizer.tick(true, 3, false, start) == V::keep);
  CHECK(sizer.tick(false, 3, false, start + 500ms) == V::keep);
  CHECK(sizer.tick(false, 3, false, start + 999ms) == V::keep);
  CHECK(sizer.tick(false, 3, false, start + 1000ms) == V::release);
  sizer.released(start + 1000ms);
  CHECK(sizer.tick(false, 2, false, start + 1500ms) == V::keep);  // hysteresis: no flapping
  CHECK(sizer.tick(false, 2, false, start + 2000ms) == V::release);
  sizer.released(start + 2000ms);
  CHECK(sizer.tick(false, 1, false, start + 9000ms) == V::keep);  // never below the start
}

TEST_CASE("a busy pool holds work in every serving worker and has more waiting", "[actors][pure]") {
  PoolLimits limits;
  limits.workers = 2;
  limits.max_batch = 4;
  WorkerPool<int> pool{limits};
  for (uint32_t slot = 0; slot < 2; ++slot) {
    const auto generation = pool.next_generation();
    pool.started(slot, static_cast<int>(slot) + 1, generation);
    CHECK(pool_loading(pool));
    pool.ready(slot, generation, 0, WorkerThread{});
  }
  CHECK_FALSE(pool_loading(pool));
  CHECK_FALSE(busy_pool(pool, 10));  // idle workers: not busy, whatever waits
  CHECK(idle_serving_slot(pool) == 1u);
  pool.sent(0, 1, {1});
  CHECK_FALSE(busy_pool(pool, 10));
  pool.sent(1, 2, {2});
  CHECK_FALSE(idle_serving_slot(pool));
  CHECK_FALSE(busy_pool(pool, 0));  // each scans its one job, nothing waits
  CHECK(busy_pool(pool, 1));
  pool.sent(1, 3, {3, 4});
  CHECK(busy_pool(pool, 0));  // a second batch waits in a worker
}

TEST_CASE("an elastic pool's released place is not refilled until added again", "[actors][pure]") {
  PoolLimits limits;
  limits.workers = 1;
  limits.warm_spare = true;
  WorkerPool<int> pool{limits};
  CHECK(pool.size() == 2);  // the serving place and the spare's
  CHECK(pool.serving_places() == 1);
  const auto added = pool.add_slot();
  CHECK(added == 2);
  CHECK(pool.serving_places() == 2);
  const auto generation = pool.next_generation();
  pool.started(added, 7, generation);
  pool.ready(added, generation, 0, WorkerThread{});
  CHECK(pool.occupancy().workers == 1);
  pool.release(added);
  CHECK(pool.slot(added).status == SlotStatus::stopping);
  CHECK(pool.serving_places() == 1);
  CHECK(pool.add_slot() == 3);  // its down message has not come: a new place
  pool.vacate(added);
  CHECK(pool.slot(added).released);
  const auto empties = pool.empty_slots();
  CHECK(std::find(empties.begin(), empties.end(), added) == empties.end());
  CHECK(pool.add_slot() == added);  // after its down message the place is taken again
  CHECK_FALSE(pool.slot(added).released);
}
