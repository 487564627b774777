// The `--stats` JSON line of `warden scan` (run_stats.hpp).
#include "apps/warden/run_stats.hpp"

#include <nlohmann/json.hpp>

#include "apps/warden/process_stats.hpp"

namespace warden::cli {

std::string run_stats_json(const RunSummary& summary,
                           const std::map<std::string, uint64_t>& errors_by_kind,
                           std::size_t inputs, std::size_t plugins,
                           const std::vector<actors::PluginStats>& plugin_stats,
                           const RunIsolation& isolation, const actors::BudgetStats& budget,
                           const std::vector<actors::RemoteNodeStats>& nodes) {
  const double elapsed = summary.elapsed_seconds;
  nlohmann::ordered_json restarts = nlohmann::ordered_json::object();
  nlohmann::ordered_json quarantined = nlohmann::ordered_json::array();
  nlohmann::ordered_json per_plugin = nlohmann::ordered_json::array();
  uint64_t scans = 0;
  uint64_t abandoned = 0;
  for (const auto& stat : plugin_stats) {
    for (const auto& [reason, count] : stat.restarts_by_reason) {
      restarts[reason] = restarts.value(reason, uint64_t{0}) + count;
    }
    if (stat.quarantined) {
      quarantined.push_back(stat.plugin_id);
    }
    scans += stat.scans;
    abandoned += stat.abandoned;
    per_plugin.push_back({{"id", stat.plugin_id},
                          {"scans", stat.scans},
                          {"findings", stat.findings},
                          {"errors", stat.errors_by_kind},
                          {"restarts", stat.restarts_by_reason},
                          {"workers", stat.workers},
                          {"workers_peak", stat.workers_peak},
                          {"workers_grown", stat.workers_grown},
                          {"workers_released", stat.workers_released},
                          {"abandoned", stat.abandoned},
                          {"heap_recycling_stopped", stat.heap_recycling_stopped},
                          {"latency_p50_ms", stat.latency_p50_ms},
                          {"latency_p99_ms", stat.latency_p99_ms}});
  }
  // Every (transaction, plugin) pair is answered once; the supervisor's
  // count is used when it has one (it also counts retried scans).
  const uint64_t requested = summary.transactions * plugins;
  if (scans == 0) {
    scans = requested;
  }
  nlohmann::ordered_json errors = nlohmann::ordered_json::object();
  for (const auto& [kind, count] : errors_by_kind) {
    errors[kind] = count;
  }
  nlohmann::ordered_json stats = {
      {"inputs", inputs},
      {"plugins", plugins},
      {"isolation", std::string{actors::to_string(isolation.mode)}},
      {"confinement", isolation.mode == actors::Isolation::process
                          ? nlohmann::ordered_json(isolation.confinement)
                          : nlohmann::ordered_json(nullptr)},
      {"transactions", summary.transactions},
      {"scans", scans},
      {"findings", summary.findings},
      {"errors", errors},
      {"input_errors", summary.input_errors},
      {"restarts", restarts},
      {"quarantined", quarantined},
      {"abandoned", abandoned},
      {"elapsed_seconds", elapsed},
      {"scans_per_second", elapsed > 0 ? static_cast<double>(requested) / elapsed : 0.0},
      {"peak_rss_bytes", peak_rss_bytes()},
      {"budget",
       {{"max_workers", budget.max_workers},
        {"peak_workers", budget.peak_workers},
        {"spares", budget.spares},
        {"max_heap_total_bytes", budget.max_heap_total_bytes},
        {"peak_heap_bytes", budget.peak_heap_bytes},
        {"max_abandoned_threads", budget.max_abandoned_threads},
        {"abandoned", budget.abandoned},
        {"grown", budget.grown},
        {"refused", budget.refused}}},
      {"per_plugin", per_plugin},
  };
  if (!nodes.empty()) {
    nlohmann::ordered_json per_node = nlohmann::ordered_json::array();
    for (const auto& node : nodes) {
      per_node.push_back({{"address", actors::to_string(node.address)},
                          {"connected", node.connected},
                          {"answered", node.answered},
                          {"resent", node.resent},
                          {"late", node.late},
                          {"disconnects", node.disconnects},
                          {"reconnects", node.reconnects}});
    }
    stats["nodes"] = per_node;
  }
  return stats.dump();
}

}  // namespace warden::cli
