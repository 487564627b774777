// RequestGroup: one host request's per-plugin outcomes merged into its one reply.
#include "actors/request_group.hpp"

#include <algorithm>
#include <utility>

namespace warden::actors {

RequestGroup::RequestGroup(std::vector<TransactionPtr> transactions, std::size_t plugin_count,
                           std::size_t targets)
    : remaining_(transactions.size()) {
  plugins_.resize(plugin_count);
  for (std::size_t plugin = 0; plugin < plugin_count; ++plugin) {
    plugins_[plugin] = static_cast<uint32_t>(plugin);
  }
  transactions_.resize(transactions.size());
  for (std::size_t i = 0; i < transactions.size(); ++i) {
    auto& entry = transactions_[i];
    entry.transaction = std::move(transactions[i]);
    entry.by_plugin.resize(plugin_count);
    entry.remaining = targets;
  }
}

RequestGroup::RequestGroup(std::vector<TransactionPtr> transactions, std::vector<uint32_t> plugins)
    : RequestGroup(std::move(transactions), 0, plugins.size()) {
  for (auto& entry : transactions_) {
    entry.by_plugin.resize(plugins.size());
  }
  plugins_ = std::move(plugins);
}

bool RequestGroup::settle(uint32_t index, uint32_t plugin, PluginOutcome outcome) {
  auto& entry = transactions_[index];
  const auto place = std::lower_bound(plugins_.begin(), plugins_.end(), plugin) - plugins_.begin();
  entry.by_plugin[static_cast<std::size_t>(place)] = std::move(outcome);
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
    for (std::size_t place = 0; place < entry.by_plugin.size(); ++place) {
      const uint32_t plugin = plugins_[place];
      auto& outcome = entry.by_plugin[place];
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
      if (!outcome->revision.empty()) {
        report.revisions.push_back(PluginRevision{plugin_ids[plugin], outcome->revision});
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
