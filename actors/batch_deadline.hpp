#pragma once
// The supervisor's watchdog above the engine: every batch sent to a worker
// gets a deadline, and a worker past it is abandoned (its jobs answered
// `timeout`, its slot vacated for a replacement, its thread counted until it
// returns), or in process isolation has its child killed. Private to the
// supervisor; runs on its thread alone.

#include <chrono>
#include <cstdint>

#include <caf/all.hpp>

#include "actors/supervisor_state.hpp"

namespace warden::actors::detail {

// Added to the scan time limits of a batch's jobs. The engine's own watchdog
// stops a scan at its time limit and a terminated scan unwinds in well under
// a second, even on a loaded machine; the margin covers that, a worker
// waiting for a core and the messages' round trip, so that only a worker
// whose engine could not stop itself (a V8 built-in that never checks for
// interrupts) is abandoned.
inline constexpr std::chrono::milliseconds kDeadlineMargin{2000};

// Starts the deadline of `batch_id`, just sent to the worker in `slot`: the
// scan time limit for every job the worker now holds (the batches before it
// run first; in Isolation::process each plus kProcessScanMargin, the process
// worker's own per-scan deadline), plus kDeadlineMargin.
void arm_deadline(Self self, uint32_t plugin, uint32_t slot, uint64_t batch_id);

// Isolation::process: the deadline of `batch_id` passed. A process worker
// enforces each scan's deadline itself, so this is the backstop: when the
// worker of `generation` still holds the batch, its child is killed through
// its ChildSwitch and the deadline armed once more (kDeadlineMargin); the
// worker then answers (the scan in progress `timeout`) and goes down
// `killed`. Returns true when that was done or nothing was overdue; false
// when its child was already killed at an earlier deadline and the worker
// still holds the batch: then the caller abandons it as a thread worker.
bool kill_child_if_overdue(Self self, uint32_t plugin, uint32_t slot, uint64_t generation,
                           uint64_t batch_id);

// The deadline of `batch_id` passed. When the worker of `generation` still
// holds it, the worker is abandoned: sent a kill, its scanned batch answered
// `timeout`, its later batches queued again, its slot vacated and its
// address remembered. Returns true when the slot then needs a replacement
// (a failure restart), false when nothing was overdue or the plugin was
// quarantined for having WardenConfig::max_abandoned_threads still running.
bool abandon_if_overdue(Self self, uint32_t plugin, uint32_t slot, uint64_t generation,
                        uint64_t batch_id);

// True when `worker` was abandoned: its down message is forgotten (it was
// answered and replaced when abandoned) and its thread no longer counted.
bool forget_abandoned(Self self, const caf::actor_addr& worker);

}  // namespace warden::actors::detail
