#pragma once
// The Warden nodes of one RemoteWarden as they stand between and during its
// scans: each node's address and handle, whether it serves, the dial under
// way while it is lost, and its statistics; plus what every node must serve.
// Used by one scan at a time; only the statistics are read from other
// threads (node_stats), under `stats_mutex`.

#include <chrono>
#include <cstddef>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>

#include "warden/network.hpp"
#include "warden/protocol.hpp"
#include "warden/remote_warden.hpp"
#include "warden/result.hpp"

namespace warden::actors {

using NodeConnector = std::function<Result<warden_actor>(const NodeAddress&)>;

struct NodeLink {
  enum class State {
    serving,  // takes work
    lost,     // down, failed or silent: dialled again every reconnect_interval
    probing,  // dialled again, its describe answer not in yet
  };

  NodeAddress address;
  std::string name;  // to_string(address)
  warden_actor handle;
  State state = State::serving;
  std::string problem;  // why it was lost last ("" while it never was)
  std::chrono::steady_clock::time_point next_dial;
  // The dial under way (valid while it runs): the connector may block for
  // its connect timeout, so it runs on a thread of its own, never on the
  // scanning thread or CAF's.
  std::future<Result<warden_actor>> dial;
  RemoteNodeStats stats;  // under RemoteNodes::stats_mutex

  // Starts a dial unless one runs.
  void start_dial(const NodeConnector& connector);
  // The dial's outcome once it finished; nullopt while it runs or when none does.
  std::optional<Result<warden_actor>> dial_result();
};

struct RemoteNodes {
  RemoteNodes(caf::actor_system& system, RemoteOptions options)
      : system(system), options(std::move(options)) {}

  caf::actor_system& system;
  RemoteOptions options;  // options.connector is set (connect_node when the host gave none)
  NodeInfo info;          // what every node must serve: the first node's
  std::string info_node;  // the first node's name, for the differences
  std::vector<NodeLink> links;
  mutable std::mutex stats_mutex;

  // Applies `change` to the statistics of node `index` under the mutex.
  template <class Change>
  void count(std::size_t index, Change change) {
    std::lock_guard<std::mutex> guard{stats_mutex};
    change(links[index].stats);
  }
};

}  // namespace warden::actors
