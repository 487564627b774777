#pragma once
// A client of several Warden nodes: scans a stream of transactions on them
// with a bounded window per node (a faster node gets more work), in input
// order, each transaction's report exactly once; a node that dies or stops
// answering has its requests sent to the others, and one that comes back is
// used again. What `warden scan --remote` runs on.
//
//   RemoteOptions options;
//   options.nodes = *parse_node_addresses("10.0.0.1:7000,10.0.0.2:7000");
//   auto remote = RemoteWarden::connect(system, options);   // every node, same plugins
//   if (!remote) ... remote.error().message names the node and why
//   auto lost = (*remote)->scan_stream(next, on_report);
//   if (lost) ... every node was gone: on_report had what was answered

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>

#include "warden/error.hpp"
#include "warden/network.hpp"
#include "warden/protocol.hpp"
#include "warden/result.hpp"
#include "warden/transaction.hpp"

namespace warden::actors {

struct RemoteOptions {
  std::vector<NodeAddress> nodes;
  // Transactions outstanding per node: a node that answers faster frees its
  // window sooner and so gets more of the work.
  std::size_t window_per_node = 64;
  // A request unanswered this long goes to another node, and its node counts
  // as unreachable until it answers again (a late answer is dropped if the
  // transaction was answered elsewhere).
  std::chrono::milliseconds answer_timeout = std::chrono::seconds(30);
  // How often a lost node is dialled again while the scan runs.
  std::chrono::milliseconds reconnect_interval = std::chrono::seconds(1);
  // With every node lost, how long to keep dialling before giving up.
  std::chrono::milliseconds give_up_after = std::chrono::seconds(10);
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);
  // How a node is reached: connect_node when empty. Tests and hosts with
  // their own discovery plug in another.
  std::function<Result<warden_actor>(const NodeAddress&)> connector;
};

// One node as the client saw it during the scans.
struct RemoteNodeStats {
  NodeAddress address;
  bool connected = false;
  uint64_t answered = 0;     // transactions whose report came from this node
  uint64_t resent = 0;       // transactions taken from it and sent elsewhere
  uint64_t late = 0;         // answers dropped: already answered elsewhere
  uint64_t disconnects = 0;  // times it was lost (down, or past answer_timeout)
  uint64_t reconnects = 0;   // times it came back
};

class RemoteWarden {
 public:
  // Connects to every node and asks each what it serves (describe_atom).
  // Fails, naming the node, when one cannot be reached (node_unreachable,
  // or the connector's own error), or when two serve different plugin sets
  // (node_mismatch), naming the difference (an id only one has, the same id
  // at two versions or revisions, the same plugins in another load order).
  // `system` must outlive the RemoteWarden.
  static Result<std::unique_ptr<RemoteWarden>> connect(caf::actor_system& system,
                                                       RemoteOptions options);

  ~RemoteWarden();
  RemoteWarden(const RemoteWarden&) = delete;
  RemoteWarden& operator=(const RemoteWarden&) = delete;

  // What every node serves (the first node's description).
  const NodeInfo& node_info() const;

  // Pulls transactions from `next` until it returns nullopt and hands each
  // report to `on_report` in input order, exactly once, on the calling
  // thread. Returns nullopt once every transaction was answered; an Error
  // (naming every node) when all nodes were gone for give_up_after: then
  // on_report has had every report answered before, in order, up to the
  // first transaction that got none, and nothing after it (node_unreachable).
  // A report with plugin failures (timeout, ...) is an answer, as locally;
  // a node answering shutting_down is stopping and counts as lost.
  // One scan at a time: a second caller waits for the first to end.
  std::optional<Error> scan_stream(const std::function<std::optional<TransactionPtr>()>& next,
                                   const std::function<void(ScanReport&&)>& on_report);

  std::vector<RemoteNodeStats> node_stats() const;

 private:
  struct Impl;
  explicit RemoteWarden(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace warden::actors
