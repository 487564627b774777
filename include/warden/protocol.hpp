#pragma once
// Who sends what to whom: the message types, atoms and typed actor interfaces
// of Warden's actor layer. The single place to learn the protocol. Included
// by every file in actors/ and by hosts through warden/warden.hpp.
//
//   host ----(scan_atom, TransactionPtr)-------------------> supervisor -> ScanReport
//   host ----(scan_atom, vector<TransactionPtr>)-----------> supervisor -> vector<ScanReport>
//   host ----(scan_atom, plugin_id, TransactionPtr)--------> supervisor -> ScanReport
//   host ----(stats_atom)----------------------------------> supervisor -> vector<PluginStats>
//   host ----(quarantine_atom | enable_atom, plugin_id)----> supervisor -> bool
//   host ----(shutdown_atom)-------------------------------> supervisor -> bool (all answered)
//   host ----(budget_atom)---------------------------------> supervisor -> BudgetStats
//   test ----(workers_atom)--------------------------------> supervisor -> vector<worker handle>
//
//   supervisor --(batch_atom, batch id, vector<ScanJob>)---> plugin worker
//   plugin worker --(ready_atom, WorkerReady)--------------> supervisor  (engine loaded)
//   plugin worker --(batch_done_atom, BatchDone)-----------> supervisor  (one per batch)
//   plugin worker ==(down_msg, errc exit reason)===========> supervisor  (monitor)
//   supervisor --(respawn_atom, plugin, slot, token)-------> itself      (backoff timer)
//   supervisor --(deadline_atom, plugin, slot, gen, batch)-> itself      (batch deadline)
//   supervisor --(pool_tick_atom)--------------------------> itself      (pools grow, shrink)
//
// A worker answers every batch with exactly one BatchDone, sent before it can
// exit, so its down message always arrives after its last answer (CAF keeps
// per-sender order): whatever a down worker had not answered was lost and is
// queued again.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <caf/all.hpp>

#include "warden/error.hpp"
#include "warden/finding.hpp"
#include "warden/transaction.hpp"

namespace warden::actors {

// One plugin that could not scan a transaction, and why.
struct PluginFailure {
  std::string plugin_id;
  Error error;
};

// The answer to a scan request: every finding, plus one failure per plugin
// that could not scan the transaction. Findings are ordered by plugin load
// order, then by the plugin's own order; failures by plugin load order.
struct ScanReport {
  std::string transaction_id;
  std::vector<Finding> findings;
  std::vector<PluginFailure> failures;
};

// The budget's use and limits, for a host's statistics.
struct BudgetStats {
  uint64_t max_workers = 0;
  uint64_t max_heap_total_bytes = 0;
  uint64_t max_abandoned_threads = 0;
  uint64_t workers = 0;  // now
  uint64_t spares = 0;
  uint64_t abandoned = 0;
  uint64_t heap_bytes = 0;  // sum of heap limits of the live isolates
  uint64_t peak_workers = 0;
  uint64_t peak_heap_bytes = 0;
  uint64_t grown = 0;    // workers added to a pool with a backlog
  uint64_t refused = 0;  // times a pool with a backlog got none: the budget was spent
};

struct PluginStats {
  std::string plugin_id;
  bool quarantined = false;
  uint64_t scans = 0;  // scans answered by a worker (ok or error)
  uint64_t findings = 0;
  std::map<std::string, uint64_t> errors_by_kind;      // to_string(ErrorCode) -> count
  std::map<std::string, uint64_t> restarts_by_reason;  // to_string(errc) -> count
  uint64_t workers = 0;                                // workers starting or serving (not stopping)
  uint64_t heap_used_bytes = 0;                        // sum over workers, last reported
  uint64_t queue_length = 0;                           // requests waiting for a worker
  double latency_p50_ms = 0;                           // queued -> answered, per scan
  double latency_p99_ms = 0;
  uint64_t retries = 0;               // scans retried on a fresh isolate
  double recycle_latency_p50_ms = 0;  // down message -> replacement serving
  double recycle_latency_p99_ms = 0;
  // Workers abandoned past their batch deadline (stuck in code that ignores
  // the engine's time limit), counted when abandoned; their threads may still run.
  uint64_t abandoned = 0;
  // A freshly loaded worker was over the heap soft limit already: recycling
  // for heap would free nothing, so the plugin's workers no longer are.
  bool heap_recycling_stopped = false;
  // Work-conserving pool: most workers at once, workers added for a backlog,
  // idle ones given back.
  uint64_t workers_peak = 0;
  uint64_t workers_grown = 0;
  uint64_t workers_released = 0;
};

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

// -- atoms (CAF 0.17: values wrapped in a type, at most 10 characters) ------

using scan_atom = caf::atom_constant<caf::atom("scan")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using quarantine_atom = caf::atom_constant<caf::atom("quarantine")>;
using enable_atom = caf::atom_constant<caf::atom("enable")>;
using shutdown_atom = caf::atom_constant<caf::atom("shutdown")>;
using workers_atom = caf::atom_constant<caf::atom("workers")>;
using batch_atom = caf::atom_constant<caf::atom("batch")>;
using batch_done_atom = caf::atom_constant<caf::atom("batch_done")>;
using ready_atom = caf::atom_constant<caf::atom("ready")>;
using respawn_atom = caf::atom_constant<caf::atom("respawn")>;
using deadline_atom = caf::atom_constant<caf::atom("deadline")>;
using budget_atom = caf::atom_constant<caf::atom("budget")>;
using pool_tick_atom = caf::atom_constant<caf::atom("pool_tick")>;

// -- typed actor interfaces ---------------------------------------------------

// A plugin worker: one detached actor, one thread, one Engine.
using plugin_worker_actor =
    caf::typed_actor<caf::reacts_to<batch_atom, uint64_t, std::vector<ScanJob>>>;

// The supervisor: the handle a host talks to (through Warden or directly).
using supervisor_actor = caf::typed_actor<
    caf::replies_to<scan_atom, TransactionPtr>::with<ScanReport>,
    caf::replies_to<scan_atom, std::vector<TransactionPtr>>::with<std::vector<ScanReport>>,
    caf::replies_to<scan_atom, std::string, TransactionPtr>::with<ScanReport>,
    caf::replies_to<stats_atom>::with<std::vector<PluginStats>>,
    caf::replies_to<quarantine_atom, std::string>::with<bool>,
    caf::replies_to<enable_atom, std::string>::with<bool>,
    caf::replies_to<shutdown_atom>::with<bool>,
    caf::replies_to<workers_atom>::with<std::vector<plugin_worker_actor>>,
    caf::replies_to<budget_atom>::with<BudgetStats>, caf::reacts_to<pool_tick_atom>,
    caf::reacts_to<ready_atom, WorkerReady>, caf::reacts_to<batch_done_atom, BatchDone>,
    caf::reacts_to<respawn_atom, uint32_t, uint32_t, uint64_t>,
    caf::reacts_to<deadline_atom, uint32_t, uint32_t, uint64_t, uint64_t>>;

// -- inspection (host-facing types are serializable) ------------------------

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, PluginFailure& x) {
  return f(caf::meta::type_name("warden::actors::PluginFailure"), x.plugin_id, x.error);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ScanReport& x) {
  return f(caf::meta::type_name("warden::actors::ScanReport"), x.transaction_id, x.findings,
           x.failures);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, PluginStats& x) {
  return f(caf::meta::type_name("warden::actors::PluginStats"), x.plugin_id, x.quarantined, x.scans,
           x.findings, x.errors_by_kind, x.restarts_by_reason, x.workers, x.heap_used_bytes,
           x.queue_length, x.latency_p50_ms, x.latency_p99_ms, x.retries, x.recycle_latency_p50_ms,
           x.recycle_latency_p99_ms, x.abandoned, x.heap_recycling_stopped, x.workers_peak,
           x.workers_grown, x.workers_released);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, BudgetStats& x) {
  return f(caf::meta::type_name("warden::actors::BudgetStats"), x.max_workers,
           x.max_heap_total_bytes, x.max_abandoned_threads, x.workers, x.spares, x.abandoned,
           x.heap_bytes, x.peak_workers, x.peak_heap_bytes, x.grown, x.refused);
}

}  // namespace warden::actors

namespace warden {

// Plain data from runtime/ inspected here, so runtime/ stays free of CAF.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Error& x) {
  return f(caf::meta::type_name("warden::Error"), x.code, x.message, x.file, x.line, x.column,
           x.stack);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Finding& x) {
  return f(caf::meta::type_name("warden::Finding"), x.plugin_id, x.transaction_id, x.url, x.title,
           x.severity, x.description, x.evidence, x.cwe, x.confidence, x.param, x.other_info,
           x.solution, x.references, x.wasc, x.metadata);
}

}  // namespace warden

// Process-local messages: they carry shared pointers to immutable
// transactions and never cross the network, so they are whitelisted instead
// of inspected.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(warden::TransactionPtr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<warden::TransactionPtr>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(warden::actors::ScanJob)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<warden::actors::ScanJob>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(warden::actors::BatchDone)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(warden::actors::WorkerReady)

CAF_ERROR_CODE_ENUM(warden::actors::errc, "warden")

// The project's one type-ID block: the host-facing types, registered by
// warden::actors::configure().
CAF_BEGIN_TYPE_ID_BLOCK(warden, caf::first_custom_type_id)
CAF_ADD_TYPE_ID(warden, (warden::actors::PluginFailure))
CAF_ADD_TYPE_ID(warden, (warden::actors::ScanReport))
CAF_ADD_TYPE_ID(warden, (warden::actors::PluginStats))
CAF_ADD_TYPE_ID(warden, (std::vector<warden::actors::ScanReport>))
CAF_ADD_TYPE_ID(warden, (std::vector<warden::actors::PluginStats>))
CAF_ADD_TYPE_ID(warden, (warden::actors::BudgetStats))
CAF_END_TYPE_ID_BLOCK(warden)
