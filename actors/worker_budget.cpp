// The worker budget's machine defaults and its decisions.
#include "actors/worker_budget.hpp"

#include <algorithm>
#include <unistd.h>

namespace warden::actors {

std::size_t default_max_workers(std::size_t plugin_count, unsigned hardware_threads) {
  const std::size_t cores = hardware_threads == 0 ? 2 : hardware_threads;
  return std::max(cores, std::max<std::size_t>(plugin_count, 1) + cores - 1);
}

std::size_t default_max_heap_total_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) {
    return std::size_t{4} << 30;
  }
  return static_cast<std::size_t>(pages) * static_cast<std::size_t>(page_size) / 2;
}

std::size_t default_max_abandoned_threads_total(unsigned hardware_threads) {
  return std::max<std::size_t>(4, hardware_threads);
}

bool WorkerBudget::allows_worker(const BudgetUse& use) const {
  if (use.workers + 1 > limits_.max_workers) {
    return false;
  }
  return use.heap_bytes() + use.heap_limit_bytes <= limits_.max_heap_total_bytes;
}

bool WorkerBudget::grow(const BudgetUse& use) {
  if (!allows_worker(use)) {
    ++refused_;
    return false;
  }
  ++grown_;
  return true;
}

void WorkerBudget::observe(const BudgetUse& use) {
  peak_workers_ = std::max(peak_workers_, use.workers);
  peak_heap_bytes_ = std::max(peak_heap_bytes_, use.heap_bytes());
}

BudgetStats WorkerBudget::stats(const BudgetUse& now) const {
  BudgetStats stats;
  stats.max_workers = limits_.max_workers;
  stats.max_heap_total_bytes = limits_.max_heap_total_bytes;
  stats.max_abandoned_threads = limits_.max_abandoned_threads;
  stats.workers = now.workers;
  stats.spares = now.spares;
  stats.abandoned = now.abandoned;
  stats.heap_bytes = now.heap_bytes();
  stats.peak_workers = std::max(peak_workers_, now.workers);
  stats.peak_heap_bytes = std::max(peak_heap_bytes_, now.heap_bytes());
  stats.grown = grown_;
  stats.refused = refused_;
  return stats;
}

}  // namespace warden::actors
