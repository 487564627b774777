#pragma once
// When one plugin's pool grows by a worker or gives one back, as a plain
// class: it asks for a worker after its workers were all busy, with more work
// waiting, for several pool ticks in a row, and gives an idle one back after a
// longer time without such a tick (hysteresis: no flapping), within its own
// bounds. The process-wide budget (actors/worker_budget.hpp) says whether an
// asked-for worker is spawned.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "actors/worker_pool.hpp"

namespace warden::actors {

struct SizerLimits {
  std::size_t min_workers = 1;                     // the starting count: never fewer
  std::size_t max_workers = 1;                     // per plugin
  std::size_t grow_after_ticks = 3;                // busy ticks in a row before asking
  std::chrono::milliseconds release_after{1'000};  // without a busy tick before giving back
};

class PoolSizer {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Verdict : uint8_t { keep, grow, release };

  PoolSizer(SizerLimits limits, Clock::time_point now) : limits_(limits), last_busy_(now) {}

  const SizerLimits& limits() const {
    return limits_;
  }

  // One pool tick: `busy` (busy_pool), `serving` its serving places now,
  // `loading` whether one of its serving workers still loads (a new worker
  // must serve before the next is asked for). grow: ask the budget, then
  // call grew(); release: give back an idle worker, then call released().
  Verdict tick(bool busy, std::size_t serving, bool loading, Clock::time_point now);

  void grew() {
    busy_ticks_ = 0;
  }
  void released(Clock::time_point now) {
    last_busy_ = now;  // the next one goes only after another quiet release_after
  }

  // Busy ticks in a row: the longest-busy pool asks first.
  std::size_t busy_ticks() const {
    return busy_ticks_;
  }

 private:
  SizerLimits limits_;
  std::size_t busy_ticks_ = 0;
  Clock::time_point last_busy_;
};

// Whether every serving worker of `pool` holds a batch and more work waits
// than they are scanning now (`queued` jobs, or a second batch held).
template <class Worker>
bool busy_pool(const WorkerPool<Worker>& pool, std::size_t queued) {
  bool any = false;
  bool waiting = queued > 0;
  for (uint32_t i = 0; i < pool.size(); ++i) {
    const auto& s = pool.slot(i);
    if (s.spare || s.released || s.status != SlotStatus::ready) {
      continue;
    }
    if (s.in_flight.empty()) {
      return false;
    }
    any = true;
    waiting = waiting || s.in_flight.size() > 1 || s.in_flight.front().jobs.size() > 1;
  }
  return any && waiting;
}

// Whether a serving worker of `pool` is still loading.
template <class Worker>
bool pool_loading(const WorkerPool<Worker>& pool) {
  for (uint32_t i = 0; i < pool.size(); ++i) {
    const auto& s = pool.slot(i);
    if (!s.spare && !s.released && s.status != SlotStatus::ready) {
      return true;
    }
  }
  return false;
}

// A serving worker of `pool` that holds nothing, the last one first.
template <class Worker>
std::optional<uint32_t> idle_serving_slot(const WorkerPool<Worker>& pool) {
  for (uint32_t i = static_cast<uint32_t>(pool.size()); i-- > 0;) {
    const auto& s = pool.slot(i);
    if (!s.spare && !s.released && s.status == SlotStatus::ready && s.in_flight.empty()) {
      return i;
    }
  }
  return std::nullopt;
}

}  // namespace warden::actors
