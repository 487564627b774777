// A plugin's PluginStats snapshot, built from the supervisor's counters.
#include "actors/plugin_stats.hpp"

namespace warden::actors {

PluginStats make_plugin_stats(const std::string& plugin_id, const PluginCounters& counters,
                              const PluginLoad& load) {
  PluginStats stats;
  stats.plugin_id = plugin_id;
  stats.quarantined = load.quarantined;
  stats.scans = counters.scans;
  stats.findings = counters.findings;
  stats.errors_by_kind = counters.errors_by_kind;
  stats.restarts_by_reason = counters.restarts_by_reason;
  stats.workers = load.workers;
  stats.heap_used_bytes = load.heap_used_bytes;
  stats.queue_length = load.queue_length;
  stats.latency_p50_ms = counters.latency.quantile_ms(0.50);
  stats.latency_p99_ms = counters.latency.quantile_ms(0.99);
  stats.retries = counters.retries;
  stats.abandoned = counters.abandoned;
  stats.heap_recycling_stopped = load.heap_recycling_stopped;
  stats.workers_peak = counters.workers_peak;
  stats.workers_grown = counters.workers_grown;
  stats.workers_released = counters.workers_released;
  stats.recycle_latency_p50_ms = counters.recycle_latency.quantile_ms(0.50);
  stats.recycle_latency_p99_ms = counters.recycle_latency.quantile_ms(0.99);
  return stats;
}

}  // namespace warden::actors
