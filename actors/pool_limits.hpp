#pragma once
// What a plugin's pool may hold and when its workers retire: the limits, the
// slot states, and the two rules (retire_reason, batch_size) the pool and its
// tests share. Plain data and functions; defined in actors/worker_pool.cpp.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <thread>

namespace warden::actors {

enum class SlotStatus : uint8_t { empty, starting, ready, stopping, backoff };

// Why an idle worker is retired (a planned recycle); `requested`: a host's recycle.
enum class RetireReason : uint8_t { recycle_threshold, heap_soft_limit, requested };

struct PoolLimits {
  std::size_t workers = 1;                // serving slots
  bool warm_spare = false;                // plus one slot for a loaded, idle spare
  uint64_t recycle_after_scans = 0;       // per worker; 0: never
  std::size_t heap_soft_limit_bytes = 0;  // retire above this; 0: never
  std::size_t max_batch = 1;              // jobs per batch, at least 1
};

// Batches a worker may hold unanswered. With two, the next batch already
// waits in its mailbox when it answers one: it goes on scanning instead of
// sleeping until the supervisor has read its answer and sent more (a thread
// wake-up and a switch between isolates per batch, ~1/3 of the scans' CPU on
// 2 cores with 16 plugins).
inline constexpr std::size_t kBatchesInFlight = 2;

// The thread a worker reported when its engine loaded (and its child
// process, in process isolation).
struct WorkerThread {
  std::thread::id id;
  uint64_t os_id = 0;
  int pid = 0;
};

// Whether a worker that ran `executions` scans and uses `heap_used_bytes` is
// due to retire, and why.
std::optional<RetireReason> retire_reason(const PoolLimits& limits, uint64_t executions,
                                          uint64_t heap_used_bytes);

// How many jobs a worker gets when `waiting` jobs are queued and `takers`
// workers (itself included) share them: an even share, at least 1, at most
// `max_batch`, and never past `recycle_after_scans` counting the `held_jobs`
// it was sent and has not answered. 0: none, it holds what it may run before
// retiring. A worker at its threshold holding nothing gets a batch anyway:
// it may not retire while no sibling serves, and serves past it meanwhile.
std::size_t batch_size(const PoolLimits& limits, std::size_t waiting, std::size_t takers,
                       uint64_t executions, uint64_t held_jobs);

}  // namespace warden::actors
