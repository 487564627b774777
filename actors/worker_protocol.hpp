#pragma once
// The messages between the supervisor and its workers and timers: their
// types, atoms, the exit reasons (errc) and the supervisor's full interface.
// Internal to actors/ (never installed); a host sees warden/protocol.hpp only,
// and the supervisor refuses these messages from anyone but their one sender.
//
//   supervisor --(batch_atom, batch id, vector<ScanJob>)---> plugin worker
//   plugin worker --(ready_atom, WorkerReady)--------------> supervisor  (engine loaded)
//   plugin worker --(batch_done_atom, BatchDone)-----------> supervisor  (one per batch)
//   plugin worker ==(down_msg, errc exit reason)===========> supervisor  (monitor)
//   supervisor --(respawn_atom, plugin, slot, token)-------> itself      (backoff timer)
//   supervisor --(deadline_atom, plugin, slot, gen, batch)-> itself      (batch deadline)
//   supervisor --(pool_tick_atom)--------------------------> itself      (pools grow, shrink)
//   test ----(workers_atom)--------------------------------> supervisor -> vector<worker handle>
//                                    (answered only with WardenConfig::expose_workers_for_tests)
//
// A worker answers every batch with exactly one BatchDone, sent before it can
// exit, so its down message always arrives after its last answer (CAF keeps
// per-sender order): whatever a down worker had not answered was lost and is
// queued again.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include <caf/all.hpp>

#include "warden/error.hpp"
#include "warden/finding.hpp"
#include "warden/protocol.hpp"
#include "warden/transaction.hpp"

namespace warden::actors {

// Why a plugin worker exited: its exit reason (caf::error of category
// "warden"), read by the supervisor from the down message.
enum class errc : uint8_t {
  none = 0,
  recycle_threshold,  // planned: the isolate served recycle_after_scans scans
  heap_soft_limit,    // planned: the isolate's heap grew over the soft limit
  timeout,            // a scan was terminated for running too long
  out_of_memory,      // a scan hit the heap limit
  fatal_error,        // the engine became unusable for another reason
  shutdown,           // Warden is shutting down, or the plugin was quarantined
  load_failed,        // the worker could not load its engine
  crashed,            // process isolation: the worker's child process died by itself
  killed,             // process isolation: the worker's child was killed at its deadline
  recycle_requested,  // planned: a host asked for the plugin's workers to be recycled
};

// Stable snake_case name of every exit reason ("recycle_threshold", ...).
std::string_view to_string(errc reason);

// The warden exit reason carried by `error`, if it is one.
std::optional<errc> exit_reason_of(const caf::error& error);

// One transaction handed to a worker; `job_id` names it in the answer.
struct ScanJob {
  uint64_t job_id = 0;
  TransactionPtr transaction;
};

// A worker's answer for one job: findings, or the error of that scan.
struct JobOutcome {
  uint64_t job_id = 0;
  std::vector<Finding> findings;
  std::optional<Error> error;
};

// A worker's answer to one batch. `outcomes` covers a prefix of the batch:
// a worker stops after a scan that left its engine unusable, and the jobs
// after it are queued again by the supervisor.
struct BatchDone {
  uint32_t plugin = 0;
  uint32_t slot = 0;
  uint64_t generation = 0;
  uint64_t batch_id = 0;
  std::vector<JobOutcome> outcomes;
  uint64_t executions = 0;  // scans this engine ran so far
  uint64_t heap_used_bytes = 0;
  bool engine_unusable = false;  // the worker exits right after this message
  // Time spent in this batch's scans that broke their engine (timeout, out of
  // memory): failure time for the restart policy.
  std::chrono::nanoseconds failed_scan_time{0};
};

// Sent once by a worker after its engine loaded on its own thread.
struct WorkerReady {
  uint32_t plugin = 0;
  uint32_t slot = 0;
  uint64_t generation = 0;
  uint64_t heap_used_bytes = 0;
  std::thread::id thread;     // the worker's thread, which owns its isolate
  uint64_t os_thread_id = 0;  // same, as the kernel's thread id
  int pid = 0;                // process isolation: the child running the isolate; else 0
};

// -- internal atoms -------------------------------------------------------------

using workers_atom = caf::atom_constant<caf::atom("workers")>;
using batch_atom = caf::atom_constant<caf::atom("batch")>;
using batch_done_atom = caf::atom_constant<caf::atom("batch_done")>;
using ready_atom = caf::atom_constant<caf::atom("ready")>;
using respawn_atom = caf::atom_constant<caf::atom("respawn")>;
using deadline_atom = caf::atom_constant<caf::atom("deadline")>;
using pool_tick_atom = caf::atom_constant<caf::atom("pool_tick")>;

// -- typed actor interfaces ---------------------------------------------------

// A plugin worker: one detached actor, one thread, one Engine.
using plugin_worker_actor =
    caf::typed_actor<caf::reacts_to<batch_atom, uint64_t, std::vector<ScanJob>>>;

// The supervisor as its workers and its own timers see it: the host interface
// plus the internal messages, each accepted only from its expected sender.
using supervisor_actor =
    warden_actor::extend<caf::replies_to<workers_atom>::with<std::vector<plugin_worker_actor>>,
                         caf::reacts_to<pool_tick_atom>, caf::reacts_to<ready_atom, WorkerReady>,
                         caf::reacts_to<batch_done_atom, BatchDone>,
                         caf::reacts_to<respawn_atom, uint32_t, uint32_t, uint64_t>,
                         caf::reacts_to<deadline_atom, uint32_t, uint32_t, uint64_t, uint64_t>>;

}  // namespace warden::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(warden::actors::ScanJob)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<warden::actors::ScanJob>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(warden::actors::BatchDone)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(warden::actors::WorkerReady)

CAF_ERROR_CODE_ENUM(warden::actors::errc, "warden")
