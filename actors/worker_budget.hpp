#pragma once
// The process-wide worker budget as a plain class: the limits on workers that
// scan, on the isolate heap all live workers may reach together and on
// abandoned threads, whether one more worker fits, and the use it reports.
// No actor inside: the supervisor counts what lives and asks.

#include <cstddef>
#include <cstdint>

#include "warden/protocol.hpp"

namespace warden::actors {

// The limits; 0 in WardenConfig means the machine's default (below).
struct BudgetLimits {
  std::size_t max_workers = 1;            // workers that scan (threads or processes)
  std::size_t max_heap_total_bytes = 0;   // sum of the heap limits of every live isolate
  std::size_t max_abandoned_threads = 0;  // across plugins
};

// What lives now. Every live isolate holds up to the heap limit: serving
// workers, warm spares and abandoned workers whose thread still runs.
struct BudgetUse {
  uint64_t workers = 0;           // starting or serving, spares not counted
  uint64_t spares = 0;            // loaded or loading, idle until a recycle promotes them
  uint64_t abandoned = 0;         // abandoned threads still running
  uint64_t heap_limit_bytes = 0;  // of one isolate

  uint64_t heap_bytes() const {
    return (workers + spares + abandoned) * heap_limit_bytes;
  }
};

// Workers that keep every hardware thread busy without more runnable threads
// than cores: one per plugin (the floor: every plugin needs one, and an idle
// one costs no core) plus hardware_threads - 1 more, so that one plugin alone
// can keep every core busy. At least hardware_threads; unknown (0): 2 cores.
std::size_t default_max_workers(std::size_t plugin_count, unsigned hardware_threads);

// Half the machine's physical memory (sysconf), or 4 GiB when unknown.
std::size_t default_max_heap_total_bytes();

// Abandoned threads each keep a core busy until they return: at most the
// core count, and at least 4, across plugins. Unknown (0): 4.
std::size_t default_max_abandoned_threads_total(unsigned hardware_threads);

class WorkerBudget {
 public:
  explicit WorkerBudget(BudgetLimits limits = {}) : limits_(limits) {}

  const BudgetLimits& limits() const {
    return limits_;
  }

  // Whether one more scanning worker fits beside `use`: under max_workers,
  // and its heap limit under max_heap_total_bytes. A plugin's starting
  // workers, its spare and every replacement are not asked: they are the
  // floor, granted always (and counted).
  bool allows_worker(const BudgetUse& use) const;

  // Whether one more thread may be abandoned beside `abandoned` running.
  bool allows_abandonment(uint64_t abandoned) const {
    return abandoned < limits_.max_abandoned_threads;
  }

  // Asks for one more worker for a pool with a backlog; counts the answer
  // and returns it.
  bool grow(const BudgetUse& use);

  // Records the use after a change (for the peaks).
  void observe(const BudgetUse& use);

  BudgetStats stats(const BudgetUse& now) const;

 private:
  BudgetLimits limits_;
  uint64_t peak_workers_ = 0;
  uint64_t peak_heap_bytes_ = 0;
  uint64_t grown_ = 0;
  uint64_t refused_ = 0;
};

}  // namespace warden::actors
