// The plugin handle actor: requests for one plugin, delegated to the supervisor by id.
#include "actors/plugin_handle.hpp"

#include <utility>
#include <vector>

namespace warden::actors {
namespace {

using RemovedFlag = std::shared_ptr<const std::atomic<bool>>;

ScanReport removed_report(const TransactionPtr& transaction, const std::string& plugin_id) {
  ScanReport report;
  report.transaction_id = transaction ? transaction->id : std::string{};
  report.failures.push_back(PluginFailure{plugin_id, removed_plugin_error(plugin_id)});
  return report;
}

plugin_actor::behavior_type plugin_handle(plugin_actor::pointer self, warden_actor supervisor,
                                          std::string plugin_id, RemovedFlag removed) {
  // Delegation keeps the host as the requester: the supervisor answers it
  // directly, in the order the handle received its requests.
  return {
      [self, supervisor, plugin_id, removed](
          scan_atom, TransactionPtr& transaction) -> caf::result<ScanReport> {
        if (removed->load()) {
          return removed_report(transaction, plugin_id);
        }
        return self->delegate(supervisor, scan_atom::value, plugin_id, std::move(transaction));
      },
      [self, supervisor, plugin_id, removed](scan_atom, std::vector<TransactionPtr>& transactions)
          -> caf::result<std::vector<ScanReport>> {
        if (removed->load()) {
          std::vector<ScanReport> reports;
          for (const auto& transaction : transactions) {
            reports.push_back(removed_report(transaction, plugin_id));
          }
          return reports;
        }
        return self->delegate(supervisor, scan_atom::value, plugin_id, std::move(transactions));
      },
      [self, supervisor, plugin_id, removed](stats_atom) -> caf::result<PluginStats> {
        if (removed->load()) {
          const auto error = removed_plugin_error(plugin_id);
          return caf::make_error(error.code, error.message);
        }
        return self->delegate(supervisor, stats_atom::value, plugin_id);
      },
  };
}

}  // namespace

PluginHandle spawn_plugin_handle(caf::actor_system& system, warden_actor supervisor,
                                 std::string plugin_id) {
  auto removed = std::make_shared<std::atomic<bool>>(false);
  auto actor = system.spawn(plugin_handle, std::move(supervisor), std::move(plugin_id),
                            RemovedFlag{removed});
  return PluginHandle{std::move(actor), std::move(removed)};
}

Error removed_plugin_error(const std::string& plugin_id) {
  return Error(ErrorCode::unknown_plugin, "plugin " + plugin_id + " was removed");
}

}  // namespace warden::actors
