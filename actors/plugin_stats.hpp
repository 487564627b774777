#pragma once
// A plugin's statistics: the counters the supervisor keeps for it, and the
// PluginStats snapshot built from them when a host asks (stats_atom).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "actors/latency_histogram.hpp"
#include "warden/error.hpp"
#include "warden/protocol.hpp"

namespace warden::actors {

// Counted by the supervisor, on its thread only.
struct PluginCounters {
  // A worker answered a scan (findings or an error) `latency` after it was queued.
  void count_answer(std::size_t findings_found, std::chrono::nanoseconds latency) {
    ++scans;
    findings += findings_found;
    this->latency.record(latency);
  }
  // A scan was settled with `code` (by a worker or by the supervisor).
  void count_error(ErrorCode code) {
    ++errors_by_kind[std::string{to_string(code)}];
  }
  // A worker went down for `reason` (not counted: a clean shutdown).
  void count_restart(const std::string& reason) {
    ++restarts_by_reason[reason];
  }

  uint64_t scans = 0;
  uint64_t findings = 0;
  uint64_t retries = 0;           // scans retried on a fresh isolate
  uint64_t abandoned = 0;         // workers abandoned past their batch deadline
  uint64_t workers_peak = 0;      // most serving workers at once
  uint64_t workers_grown = 0;     // added to the pool for a backlog
  uint64_t workers_released = 0;  // idle ones given back
  std::map<std::string, uint64_t> errors_by_kind;
  std::map<std::string, uint64_t> restarts_by_reason;
  LatencyHistogram latency;          // queued -> answered
  LatencyHistogram recycle_latency;  // down message -> replacement serving
};

// The plugin's state when the snapshot is taken.
struct PluginLoad {
  bool quarantined = false;
  uint64_t workers = 0;  // starting or serving, a spare not counted
  uint64_t heap_used_bytes = 0;
  uint64_t queue_length = 0;
  bool heap_recycling_stopped = false;
};

PluginStats make_plugin_stats(const std::string& plugin_id, const PluginCounters& counters,
                              const PluginLoad& load);

}  // namespace warden::actors
