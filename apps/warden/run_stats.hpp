#pragma once
// The `--stats` object of `warden scan` (docs/cli.md, "--stats"): one line of
// JSON with the run's totals, errors by kind, restarts, quarantined plugins
// and per-plugin figures. Built by the scan command after the run.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "apps/warden/report.hpp"
#include "warden/config.hpp"
#include "warden/protocol.hpp"
#include "warden/remote_warden.hpp"

namespace warden::cli {

// The --stats object as one line of JSON, without the line break: the scan
// command's own totals (`summary`, `errors_by_kind`: to_string(ErrorCode) ->
// count, the numbers of inputs and loaded plugins), the isolation mode and
// confinement, Warden's per-plugin statistics and the process's peak RSS,
// read when called; with --remote, what each node answered, resent and dropped.
// Where the run's isolates lived, and (process isolation) what confined them.
struct RunIsolation {
  actors::Isolation mode = actors::Isolation::thread;
  std::string confinement;  // ProcessLauncher::confinement(); "" in thread isolation
};

std::string run_stats_json(const RunSummary& summary,
                           const std::map<std::string, uint64_t>& errors_by_kind,
                           std::size_t inputs, std::size_t plugins,
                           const std::vector<actors::PluginStats>& plugin_stats,
                           const RunIsolation& isolation, const actors::BudgetStats& budget,
                           const std::vector<actors::RemoteNodeStats>& nodes = {});

}  // namespace warden::cli
