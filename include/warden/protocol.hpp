#pragma once
// What a host may send Warden and what it gets back: the answer types, the
// host atoms, the typed interfaces of the supervisor (`warden_actor`) and of
// one plugin (`plugin_actor`), and the project's type-ID block. Included by
// hosts through warden/warden.hpp; the messages between the supervisor and
// its workers are not here (they are internal, and refused from hosts).
//
//   host --(scan_atom, TransactionPtr)------------------------> warden -> ScanReport
//   host --(scan_atom, vector<TransactionPtr>)----------------> warden -> vector<ScanReport>
//   host --(scan_atom, plugin_id, TransactionPtr)-------------> warden -> ScanReport
//   host --(scan_atom, plugin_id, vector<TransactionPtr>)-----> warden -> vector<ScanReport>
//   host --(stats_atom)---------------------------------------> warden -> vector<PluginStats>
//   host --(stats_atom, plugin_id)----------------------------> warden -> PluginStats | error
//   host --(budget_atom)--------------------------------------> warden -> BudgetStats
//   host --(quarantine_atom | enable_atom, plugin_id)---------> warden -> bool
//   host --(plugin_atom, plugin_id)---------------------------> warden -> plugin_actor | error
//   host --(subscribe_atom | unsubscribe_atom, listener)------> warden -> bool
//   host --(shutdown_atom)------------------------------------> warden -> bool (all answered)
//   host --(add_atom, PluginSpec)-----------------------------> warden -> LifecycleResult
//   host --(remove_atom, plugin_id)---------------------------> warden -> LifecycleResult
//   host --(reload_atom, plugin_id, PluginSpec)---------------> warden -> LifecycleResult
//   host --(recycle_atom, plugin_id)--------------------------> warden -> LifecycleResult
//   host --(describe_atom)------------------------------------> warden -> NodeInfo
//
//   host --(scan_atom, TransactionPtr)------------------------> plugin -> ScanReport
//   host --(scan_atom, vector<TransactionPtr>)----------------> plugin -> vector<ScanReport>
//   host --(stats_atom)---------------------------------------> plugin -> PluginStats | error
//
//   warden --(event_atom, WardenEvent)------------------------> listener (warden/events.hpp)
//
// Errors are values. A scan is always answered with one ScanReport per
// transaction; a plugin that could not scan it is a PluginFailure in the
// report, its Error's code saying why (quarantined, overloaded, timeout,
// unknown_plugin, shutting_down, ...). A request whose answer is not a report
// (a plugin handle, one plugin's statistics) is answered with a caf::error of
// category "warden_api" whose code is an ErrorCode: request_error_of reads it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "warden/config.hpp"
#include "warden/error.hpp"
#include "warden/events.hpp"
#include "warden/finding.hpp"
#include "warden/transaction.hpp"

namespace warden::actors {

// One plugin that could not scan a transaction, and why.
struct PluginFailure {
  std::string plugin_id;
  Error error;
};

// -- plugin lifecycle (add, remove, reload, recycle) --------------------------

// Which version of a plugin produced (part of) an answer: its content
// revision, 16 hex digits of the 64-bit FNV-1a hash of its source and config.
struct PluginRevision {
  std::string plugin_id;
  std::string revision;
};

// The answer to add, remove, reload and recycle: the plugin and the revision
// that serves now (the removed one, for remove), or the error instead (a load
// error names file:line; errors are values, never a failed request).
struct LifecycleResult {
  std::string plugin_id;
  std::string revision;
  std::optional<Error> error;
};

using add_atom = caf::atom_constant<caf::atom("add")>;
using remove_atom = caf::atom_constant<caf::atom("remove")>;
using reload_atom = caf::atom_constant<caf::atom("reload")>;
using recycle_atom = caf::atom_constant<caf::atom("recycle")>;

// -- end of plugin lifecycle ---------------------------------------------------

// The answer to a scan request: every finding, plus one failure per plugin
// that could not scan the transaction. Findings are ordered by plugin load
// order, then by the plugin's own order; failures by plugin load order.
// `revisions`: one per plugin whose workers produced a part of it (findings
// or a scan's error), in plugin load order: which version answered.
struct ScanReport {
  std::string transaction_id;
  std::vector<Finding> findings;
  std::vector<PluginFailure> failures;
  std::vector<PluginRevision> revisions;
};

// What a Warden serves, asked by a client before it sends a node work
// (warden/remote_warden.hpp): nodes whose plugin sets differ are refused.
// `plugins` and `revisions` are the live plugins, in load order.
struct NodeInfo {
  std::vector<runtime::PluginInfo> plugins;
  std::vector<PluginRevision> revisions;
  std::vector<Error> load_errors;  // the plugins that failed to load at start
};

using describe_atom = caf::atom_constant<caf::atom("describe")>;

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
  std::string revision;  // the content revision serving new requests
  bool quarantined = false;
  uint64_t scans = 0;  // scans answered by a worker (ok or error)
  uint64_t findings = 0;
  std::map<std::string, uint64_t> errors_by_kind;  // to_string(ErrorCode) -> count
  // Why its workers were replaced -> count: "recycle_threshold", "heap_soft_limit",
  // "timeout", "out_of_memory", "fatal_error", "load_failed", "crashed", "killed",
  // "abandoned", ...
  std::map<std::string, uint64_t> restarts_by_reason;
  uint64_t workers = 0;          // workers starting or serving (not stopping)
  uint64_t heap_used_bytes = 0;  // sum over workers, last reported
  uint64_t queue_length = 0;     // requests waiting for a worker
  double latency_p50_ms = 0;     // queued -> answered, per scan
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

// The Error a "warden_api" caf::error carries (its ErrorCode and message);
// nullopt for any other error (CAF's own: a request timeout, a supervisor
// that is gone).
std::optional<Error> request_error_of(const caf::error& error);

// -- host atoms (CAF 0.17: values wrapped in a type, at most 10 characters) --

using scan_atom = caf::atom_constant<caf::atom("scan")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using budget_atom = caf::atom_constant<caf::atom("budget")>;
using quarantine_atom = caf::atom_constant<caf::atom("quarantine")>;
using enable_atom = caf::atom_constant<caf::atom("enable")>;
using plugin_atom = caf::atom_constant<caf::atom("plugin")>;
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
using unsubscribe_atom = caf::atom_constant<caf::atom("unsub")>;
using shutdown_atom = caf::atom_constant<caf::atom("shutdown")>;

// -- typed actor interfaces ---------------------------------------------------

// One plugin by name: scans go to that plugin alone, through the supervisor,
// whichever workers serve it at the time. Valid across every recycle,
// restart, quarantine and reload; once the plugin is removed, every request
// is answered with an unknown_plugin error saying "plugin X was removed".
using plugin_actor = caf::typed_actor<
    caf::replies_to<scan_atom, TransactionPtr>::with<ScanReport>,
    caf::replies_to<scan_atom, std::vector<TransactionPtr>>::with<std::vector<ScanReport>>,
    caf::replies_to<stats_atom>::with<PluginStats>>;

// The supervisor as a host sees it (Warden::supervisor()). Every request is
// answered, errors as values (see the top of this file).
using warden_actor = caf::typed_actor<
    caf::replies_to<scan_atom, TransactionPtr>::with<ScanReport>,
    caf::replies_to<scan_atom, std::vector<TransactionPtr>>::with<std::vector<ScanReport>>,
    caf::replies_to<scan_atom, std::string, TransactionPtr>::with<ScanReport>,
    caf::replies_to<scan_atom, std::string,
                    std::vector<TransactionPtr>>::with<std::vector<ScanReport>>,
    caf::replies_to<stats_atom>::with<std::vector<PluginStats>>,
    caf::replies_to<stats_atom, std::string>::with<PluginStats>,
    caf::replies_to<budget_atom>::with<BudgetStats>,
    caf::replies_to<quarantine_atom, std::string>::with<bool>,
    caf::replies_to<enable_atom, std::string>::with<bool>,
    caf::replies_to<plugin_atom, std::string>::with<plugin_actor>,
    caf::replies_to<subscribe_atom, event_listener_actor>::with<bool>,
    caf::replies_to<unsubscribe_atom, event_listener_actor>::with<bool>,
    caf::replies_to<shutdown_atom>::with<bool>,
    // plugin lifecycle
    caf::replies_to<add_atom, PluginSpec>::with<LifecycleResult>,
    caf::replies_to<remove_atom, std::string>::with<LifecycleResult>,
    caf::replies_to<reload_atom, std::string, PluginSpec>::with<LifecycleResult>,
    caf::replies_to<recycle_atom, std::string>::with<LifecycleResult>,
    caf::replies_to<describe_atom>::with<NodeInfo>>;

// -- inspection (host-facing types are serializable) ------------------------

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, PluginFailure& x) {
  return f(caf::meta::type_name("warden::actors::PluginFailure"), x.plugin_id, x.error);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ScanReport& x) {
  return f(caf::meta::type_name("warden::actors::ScanReport"), x.transaction_id, x.findings,
           x.failures, x.revisions);
}

// plugin lifecycle
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, PluginRevision& x) {
  return f(caf::meta::type_name("warden::actors::PluginRevision"), x.plugin_id, x.revision);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, LifecycleResult& x) {
  // CAF 0.17 does not inspect std::optional: a flag and the error, set back on load.
  bool has_error = x.error.has_value();
  Error error = x.error.value_or(Error{});
  return f(caf::meta::type_name("warden::actors::LifecycleResult"), x.plugin_id, x.revision,
           has_error, error, caf::meta::load_callback([&]() -> caf::error {
             x.error = has_error ? std::optional<Error>{std::move(error)} : std::nullopt;
             return caf::none;
           }));
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, PluginSpec& x) {
  return f(caf::meta::type_name("warden::actors::PluginSpec"), x.path, x.config_json, x.source,
           x.name);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, PluginStats& x) {
  return f(caf::meta::type_name("warden::actors::PluginStats"), x.plugin_id, x.revision,
           x.quarantined, x.scans, x.findings, x.errors_by_kind, x.restarts_by_reason, x.workers,
           x.heap_used_bytes, x.queue_length, x.latency_p50_ms, x.latency_p99_ms, x.retries,
           x.recycle_latency_p50_ms, x.recycle_latency_p99_ms, x.abandoned,
           x.heap_recycling_stopped, x.workers_peak, x.workers_grown, x.workers_released);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, NodeInfo& x) {
  return f(caf::meta::type_name("warden::actors::NodeInfo"), x.plugins, x.revisions, x.load_errors);
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

namespace runtime {
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, PluginInfo& x) {
  return f(caf::meta::type_name("warden::runtime::PluginInfo"), x.id, x.name, x.version, x.path,
           x.kind, x.help_uri);
}
}  // namespace runtime

// A transaction crosses the network as its fields; bodies travel as their
// bytes (NUL bytes and invalid UTF-8 included), never re-encoded. Inside one
// process CAF never serializes a message: the TransactionPtr is shared as is.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Header& x) {
  return f(caf::meta::type_name("warden::Header"), x.name, x.value);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Request& x) {
  // CAF 0.17 does not inspect std::optional: a flag and the body, set back on load.
  bool has_body = x.body.has_value();
  if constexpr (Inspector::writes_state) {
    std::string body;
    return f(caf::meta::type_name("warden::Request"), x.method, x.url, x.http_version, x.headers,
             has_body, body, caf::meta::load_callback([&]() -> caf::error {
               x.body = has_body ? std::optional<std::string>{std::move(body)} : std::nullopt;
               return caf::none;
             }));
  } else {
    std::string no_body;
    return f(caf::meta::type_name("warden::Request"), x.method, x.url, x.http_version, x.headers,
             has_body, has_body ? *x.body : no_body);
  }
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Response& x) {
  return f(caf::meta::type_name("warden::Response"), x.status, x.status_text, x.http_version,
           x.headers, x.mime_type, x.body, x.body_encoding);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Transaction& x) {
  return f(caf::meta::type_name("warden::Transaction"), x.id, x.started_date_time, x.request,
           x.response, x.metadata);
}

// The shared, immutable transaction: saved as the transaction it points to
// (a flag for a null pointer), loaded into a new Transaction.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TransactionPtr& x) {
  bool has_transaction = x != nullptr;
  if constexpr (Inspector::writes_state) {
    auto loaded = std::make_shared<Transaction>();
    return f(caf::meta::type_name("warden::TransactionPtr"), has_transaction, *loaded,
             caf::meta::load_callback([&]() -> caf::error {
               x = has_transaction ? TransactionPtr{std::move(loaded)} : nullptr;
               return caf::none;
             }));
  } else {
    // Saving only reads: CAF 0.17's inspectors take non-const references.
    Transaction none;
    return f(caf::meta::type_name("warden::TransactionPtr"), has_transaction,
             has_transaction ? const_cast<Transaction&>(*x) : none);
  }
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Finding& x) {
  return f(caf::meta::type_name("warden::Finding"), x.plugin_id, x.transaction_id, x.url, x.title,
           x.severity, x.description, x.evidence, x.cwe, x.confidence, x.param, x.other_info,
           x.solution, x.references, x.wasc, x.metadata);
}

}  // namespace warden

// Request errors: caf::make_error(ErrorCode::unknown_plugin, "why") has
// category "warden_api" (rendered by name once configure() registered it).
CAF_ERROR_CODE_ENUM(warden::ErrorCode, "warden_api")

// The project's one type-ID block: the host-facing types, registered by
// warden::actors::configure().
CAF_BEGIN_TYPE_ID_BLOCK(warden, caf::first_custom_type_id)
CAF_ADD_TYPE_ID(warden, (warden::actors::PluginFailure))
CAF_ADD_TYPE_ID(warden, (warden::actors::ScanReport))
CAF_ADD_TYPE_ID(warden, (warden::actors::PluginStats))
CAF_ADD_TYPE_ID(warden, (std::vector<warden::actors::ScanReport>))
CAF_ADD_TYPE_ID(warden, (std::vector<warden::actors::PluginStats>))
CAF_ADD_TYPE_ID(warden, (warden::actors::BudgetStats))
CAF_ADD_TYPE_ID(warden, (warden::actors::WardenEvent))
// plugin lifecycle
CAF_ADD_TYPE_ID(warden, (warden::actors::PluginRevision))
CAF_ADD_TYPE_ID(warden, (warden::actors::LifecycleResult))
CAF_ADD_TYPE_ID(warden, (warden::actors::PluginSpec))
// nodes
CAF_ADD_TYPE_ID(warden, (warden::actors::NodeInfo))
CAF_ADD_TYPE_ID(warden, (warden::TransactionPtr))
CAF_ADD_TYPE_ID(warden, (std::vector<warden::TransactionPtr>))
// handles a node hands out: a plugin's, and the listener a client subscribes
CAF_ADD_TYPE_ID(warden, (warden::actors::plugin_actor))
CAF_ADD_TYPE_ID(warden, (warden::actors::event_listener_actor))
CAF_END_TYPE_ID_BLOCK(warden)

namespace warden::actors {

// The first CAF type ID a host's own type-ID block may use: the end of
// Warden's block, which starts at caf::first_custom_type_id (a host block
// starting there too fails with "redefinition of caf::type_by_id<200>").
// Follows Warden's block as it grows. Spell it with the leading `::`: the
// macro expands inside namespace caf::id_block, where `warden` alone names
// caf::id_block::warden. A host registers both blocks:
//   CAF_BEGIN_TYPE_ID_BLOCK(my_host, ::warden::actors::first_host_type_id)
//   ...
//   warden::actors::configure(cfg);
//   cfg.add_message_types<caf::id_block::my_host>();
inline constexpr caf::type_id_t first_host_type_id = caf::id_block::warden::end;

}  // namespace warden::actors
