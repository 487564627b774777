// The supervisor's scan and statistics requests: request groups opened, answered once.
#include "actors/host_requests.hpp"

#include <algorithm>
#include <type_traits>
#include <utility>

#include "actors/pool_growth.hpp"

namespace warden::actors::detail {
namespace {

// Opens a request group over `transactions` for the plugins in `targets` and
// queues its jobs.
uint64_t open_group(Self self, std::vector<TransactionPtr> transactions,
                    const std::vector<uint32_t>& targets) {
  auto& state = self->state;
  const uint64_t group_id = state.next_group++;
  const auto& group =
      state.groups.emplace(group_id, RequestGroup{std::move(transactions), targets}).first->second;
  const auto now = Clock::now();
  for (uint32_t index = 0; index < group.size(); ++index) {
    for (const auto plugin : targets) {
      if (!group.transaction(index)) {
        PluginOutcome outcome;
        outcome.error = Error(ErrorCode::malformed_input, "null transaction");
        settle(self, group_id, index, plugin, std::move(outcome));
      } else {
        enqueue(self, group_id, index, plugin, now);
      }
    }
  }
  for (const auto plugin : targets) {
    dispatch(self, plugin);
  }
  arm_pool_tick(self);
  return group_id;
}

// The answer a request of type `Answer` gets from its group's reports.
template <class Answer>
Answer to_answer(std::vector<ScanReport>&& reports) {
  if constexpr (std::is_same_v<Answer, ScanReport>) {
    return std::move(reports.front());
  } else {
    return std::move(reports);
  }
}

// The one way a scan request is answered.
template <class Answer>
caf::result<Answer> answer_request(Self self, std::vector<TransactionPtr> transactions,
                                   const std::vector<uint32_t>& targets) {
  auto& state = self->state;
  const auto group_id = open_group(self, std::move(transactions), targets);
  auto& group = state.groups.at(group_id);
  if (group.complete()) {
    auto reports = group.take_reports(state.plugin_ids);
    state.groups.erase(group_id);
    return to_answer<Answer>(std::move(reports));
  }
  auto promise = self->make_response_promise<Answer>();
  group.seal([promise](std::vector<ScanReport>&& reports) mutable {
    promise.deliver(to_answer<Answer>(std::move(reports)));
  });
  return promise;
}

}  // namespace

caf::result<ScanReport> answer_scan(Self self, TransactionPtr transaction,
                                    const std::vector<uint32_t>& targets) {
  return answer_request<ScanReport>(self, {std::move(transaction)}, targets);
}

caf::result<std::vector<ScanReport>> answer_scans(Self self,
                                                  std::vector<TransactionPtr> transactions,
                                                  const std::vector<uint32_t>& targets) {
  return answer_request<std::vector<ScanReport>>(self, std::move(transactions), targets);
}

caf::result<std::vector<ScanReport>> answer_plugin_scans(Self self, const std::string& plugin_id,
                                                         std::vector<TransactionPtr> transactions) {
  const auto plugin = find_plugin(self->state, plugin_id);
  if (plugin) {
    return answer_scans(self, std::move(transactions), {*plugin});
  }
  std::vector<ScanReport> reports;
  for (const auto& transaction : transactions) {
    ScanReport report;
    report.transaction_id = transaction ? transaction->id : std::string{};
    report.failures.push_back(PluginFailure{plugin_id, unknown_plugin(self->state, plugin_id)});
    reports.push_back(std::move(report));
  }
  return reports;
}

PluginStats stats_of(Self self, uint32_t plugin) {
  const auto& entry = self->state.plugins[plugin];
  const auto occupancy = entry.pool.occupancy();
  auto stats =
      make_plugin_stats(entry.spec.info.id, *entry.counters,
                        PluginLoad{entry.quarantined, occupancy.workers, occupancy.heap_used_bytes,
                                   entry.queue.size(), entry.heap_recycling_stopped});
  stats.revision = entry.revision;
  return stats;
}

caf::error unknown_plugin_error(const SupervisorState& state, const std::string& plugin_id) {
  return caf::make_error(ErrorCode::unknown_plugin, unknown_plugin(state, plugin_id).message);
}

}  // namespace warden::actors::detail
