#pragma once
// One host request as the supervisor answers it: its transactions, every
// target plugin's outcome for each, and the one reply owed, given exactly once,
// when the request is sealed and every outcome is in. No actor inside: the
// reply is a callback (the supervisor's response promise) and the outcomes
// are plain data, so the merge is testable on its own.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "warden/error.hpp"
#include "warden/finding.hpp"
#include "warden/protocol.hpp"
#include "warden/transaction.hpp"

namespace warden::actors {

// What one plugin made of one transaction: findings, or the error instead.
struct PluginOutcome {
  std::vector<Finding> findings;
  std::optional<Error> error;
  std::string revision;  // the plugin version whose worker produced it; "" when none did
};

class RequestGroup {
 public:
  // Called once with one report per transaction, in the request's order.
  using Reply = std::function<void(std::vector<ScanReport>&&)>;

  // Each transaction waits for `targets` outcomes from plugins with an index
  // below `plugin_count`.
  RequestGroup(std::vector<TransactionPtr> transactions, std::size_t plugin_count,
               std::size_t targets);
  // Each transaction waits for one outcome from each of `plugins` (ascending
  // plugin indices): room for those only, however many indices a run made.
  RequestGroup(std::vector<TransactionPtr> transactions, std::vector<uint32_t> plugins);

  std::size_t size() const {
    return transactions_.size();
  }
  const TransactionPtr& transaction(uint32_t index) const {
    return transactions_[index].transaction;
  }

  // True once every transaction has all its outcomes.
  bool complete() const {
    return remaining_ == 0;
  }

  // Records the final outcome of one (transaction, plugin) pair. True when
  // that completed a sealed group: the caller answers it now (answer()).
  bool settle(uint32_t index, uint32_t plugin, PluginOutcome outcome);

  // Every job of the request exists; `reply` answers it once it is complete.
  // Until sealed, settling the last outcome answers nothing (the request
  // may still be queueing).
  void seal(Reply reply);

  // One report per transaction: findings in plugin order, then each
  // plugin's own order, each with a copy of its transaction's host metadata;
  // one failure per plugin that could not scan it; the revision of every
  // plugin whose worker produced an outcome. Moves the outcomes out: call once.
  std::vector<ScanReport> take_reports(const std::vector<std::string>& plugin_ids);

  // Gives the sealed, complete group its one reply; false (and nothing
  // sent) when it is not sealed, not complete, or answered already.
  bool answer(const std::vector<std::string>& plugin_ids);

 private:
  std::vector<uint32_t> plugins_;  // the plugin index of each outcome place, ascending
  struct TransactionOutcomes {
    TransactionPtr transaction;
    std::vector<std::optional<PluginOutcome>>
        by_plugin;  // per place; nullopt: not asked, or pending
    std::size_t remaining = 0;
  };
  std::vector<TransactionOutcomes> transactions_;
  std::size_t remaining_ = 0;  // transactions still waiting for an outcome
  Reply reply_;
  bool sealed_ = false;
  bool answered_ = false;
};

}  // namespace warden::actors
