#pragma once
// The supervisor's answers to host requests that read or scan: a scan of one
// or several transactions through all plugins or one, and the statistics.
// Each scan opens a request group and is answered exactly once, errors as
// values in the reports. Private to the supervisor; runs on its thread alone.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/plugin_lifecycle.hpp"
#include "actors/supervisor_state.hpp"

namespace warden::actors::detail {

// Scans through the plugins in `targets`: at once when every job was settled
// while queueing (refused, or a null transaction), otherwise through a
// promise its group delivers exactly once.
caf::result<ScanReport> answer_scan(Self self, TransactionPtr transaction,
                                    const std::vector<uint32_t>& targets);
caf::result<std::vector<ScanReport>> answer_scans(Self self,
                                                  std::vector<TransactionPtr> transactions,
                                                  const std::vector<uint32_t>& targets);

// The single-plugin path (plugin handles delegate here): like answer_scans
// with one target, and a report with an unknown_plugin failure for each
// transaction when no plugin has that id.
caf::result<std::vector<ScanReport>> answer_plugin_scans(Self self, const std::string& plugin_id,
                                                         std::vector<TransactionPtr> transactions);

PluginStats stats_of(Self self, uint32_t plugin);

// The error a request about `plugin_id` gets when no plugin has that id
// (or it was removed).
caf::error unknown_plugin_error(const SupervisorState& state, const std::string& plugin_id);

}  // namespace warden::actors::detail
