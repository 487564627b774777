// RequestGroup: one host request's per-plugin outcomes merged into its one reply.
#include "actors/request_group.hpp"

#include <utility>

namespace warden::actors {

RequestGroup::RequestGroup(std::vector<TransactionPtr> transactions, std::size_t plugin_count,
                           std::size_t targets)
    : remaining_(transactions.size()) {
  transactions_.resize(transactions.size());
  for (std::size_t i = 0; i < transactions.size(); ++i) {
    auto& entry = transactions_[i];
    entry.transaction = std::move(transactions[i]);
    entry.by_plugin.resize(plugin_count);
    entry.remaining = targets;
  }
}

bool RequestGroup::settle(uint32_t index, uint32_t plugin, PluginOutcome outcome) {
  auto& entry = transactions_[index];
  entry.by_plugin[plugin] = std::move(outcome);
  return --entry.remaining == 0 && --remaining_ == 0 && sealed_;
}

void RequestGroup::seal(Reply reply) {
  reply_ = std::move(reply);
  sealed_ = true;
}

std::vector<ScanReport> RequestGroup::take_reports(const std::vector<std::string>& plugin_ids) {
  std::vector<ScanReport> reports;
  reports.reserve(transactions_.size());
  for (auto& entry : transactions_) {
    ScanReport& report = reports.emplace_back();
    report.transaction_id = entry.transaction ? entry.transaction->id : std::string{};
    for (std::size_t plugin = 0; plugin < entry.by_plugin.size(); ++plugin) {
      auto& outcome = entry.by_plugin[plugin];
      if (!outcome) {
        continue;
      }
      for (auto& finding : outcome->findings) {
        if (entry.transaction && !entry.transaction->metadata.empty()) {
          finding.metadata = entry.transaction->metadata;  // the host's, never a child's
        }
        report.findings.push_back(std::move(finding));
      }
      if (outcome->error) {
        report.failures.push_back(PluginFailure{plugin_ids[plugin], std::move(*outcome->error)});
      }
    }
  }
  return reports;
}

bool RequestGroup::answer(const std::vector<std::string>& plugin_ids) {
  // A second answer, or one before the last outcome, would break "every
  // request gets exactly one answer".
  if (answered_ || !sealed_ || !complete() || !reply_) {
    return false;
  }
  answered_ = true;
  reply_(take_reports(plugin_ids));
  return true;
}

}  // namespace warden::actors
