#pragma once
// Who sends what to whom: the message types, atoms and typed actor interfaces
// of Warden's actor layer. The single place to learn the protocol.
//
//   host ----(scan_atom, TransactionPtr)-----------------> supervisor -> ScanReport
//   host ----(scan_atom, plugin_id, TransactionPtr)------> supervisor -> ScanReport
//   host ----(stats_atom)--------------------------------> supervisor -> vector<PluginStats>
//   host ----(quarantine_atom | enable_atom, plugin_id)--> supervisor -> bool
//   host ----(shutdown_atom)-----------------------------> supervisor -> ok (all answered)
//   supervisor --(...)-----------------------------------> plugin worker  (see below)

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "runtime/error.hpp"
#include "runtime/finding.hpp"
#include "runtime/transaction.hpp"

namespace warden::actors {

// One plugin that could not scan a transaction, and why.
struct PluginFailure {
  std::string plugin_id;
  Error error;
};

// The answer to a scan request: every finding, plus one failure per plugin
// that could not scan the transaction.
struct ScanReport {
  std::string transaction_id;
  std::vector<Finding> findings;
  std::vector<PluginFailure> failures;
};

struct PluginStats {
  std::string plugin_id;
  bool quarantined = false;
  uint64_t scans = 0;
  uint64_t findings = 0;
  std::map<std::string, uint64_t> errors_by_kind;     // to_string(ErrorCode) -> count
  std::map<std::string, uint64_t> restarts_by_reason; // exit reason -> count
  uint64_t workers = 0;
  uint64_t heap_used_bytes = 0;
  uint64_t queue_length = 0;
  double latency_p50_ms = 0;
  double latency_p99_ms = 0;
};

// (atoms, typed_actor aliases and inspect overloads: filled in by the actor layer)

}  // namespace warden::actors
