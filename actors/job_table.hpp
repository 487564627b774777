#pragma once
// The supervisor's table of unsettled jobs (one transaction for one plugin),
// by generation-tagged id: plain data, no CAF and no V8, used by the
// supervisor alone (not thread-safe).

#include <chrono>
#include <cstdint>
#include <vector>

#include "warden/transaction.hpp"

namespace warden::actors {

// One (transaction, plugin) pair of a request group, from queueing until it
// is settled: answered by a worker, refused, or given up on.
struct Job {
  uint64_t group = 0;  // the request group that waits for it
  uint32_t index = 0;  // its transaction within the group
  uint32_t plugin = 0;
  TransactionPtr transaction;
  std::chrono::steady_clock::time_point enqueued;
  uint8_t fatal_attempts = 0;  // scans of it that left their engine unusable
  uint8_t losses = 0;          // workers that died holding it unanswered
  // The plugin entry the request group expects its outcome from: `plugin`
  // when queued; a hot reload moves a job not yet dispatched to the new
  // version's entry (`plugin`), and the group still expects `target`.
  uint32_t target = 0;
};

// The jobs not settled yet, by id, without a heap node per job: an id is a
// place in `places_` (low 32 bits) and that place's generation when the job
// was added (high 32 bits), so the id of a settled job never finds the job
// that reuses its place.
class JobTable {
 public:
  // Stores `job` and returns its id.
  uint64_t add(Job job);

  // The live job named by `job_id`, or null (settled, or never added).
  Job* find(uint64_t job_id);

  // Forgets the job named by `job_id` (find() returned it) and hands it back.
  Job take(uint64_t job_id);

 private:
  struct Place {
    Job job;
    uint32_t generation = 0;
    bool live = false;
  };
  std::vector<Place> places_;
  std::vector<uint32_t> free_;
};

}  // namespace warden::actors
