// RemoteWarden: connects to every node, checks they serve the same plugins,
// and runs scans on them (actors/remote_scan.hpp).
#include "warden/remote_warden.hpp"

#include <future>
#include <spdlog/spdlog.h>
#include <utility>

#include "actors/node_link.hpp"
#include "actors/plugin_set_difference.hpp"
#include "actors/remote_scan.hpp"
#include "runtime/inert_text.hpp"
#include "warden/logger.hpp"

namespace warden::actors {

struct RemoteWarden::Impl {
  Impl(caf::actor_system& system, RemoteOptions options) : nodes(system, std::move(options)) {}

  RemoteNodes nodes;
  std::mutex scan_mutex;  // one scan at a time: the nodes' state is the scan's
};

namespace {

// An error that names `name`: the connector's own when it does already.
Error naming(const std::string& name, Error error) {
  if (error.message.find(name) == std::string::npos) {
    error.message = "node " + name + ": " + error.message;
  }
  if (error.code == ErrorCode::none) {
    error.code = ErrorCode::node_unreachable;
  }
  return error;
}

}  // namespace

Result<std::unique_ptr<RemoteWarden>> RemoteWarden::connect(caf::actor_system& system,
                                                            RemoteOptions options) {
  if (options.nodes.empty()) {
    return Error(ErrorCode::node_unreachable, "no node given");
  }
  if (!options.connector) {
    options.connector = [&system, timeout = options.connect_timeout](const NodeAddress& address) {
      return connect_node(system, address, timeout);
    };
  }
  auto impl = std::make_unique<Impl>(system, std::move(options));
  auto& nodes = impl->nodes;
  for (const auto& address : nodes.options.nodes) {
    NodeLink link;
    link.address = address;
    link.name = to_string(address);
    link.stats.address = address;
    nodes.links.push_back(std::move(link));
  }
  // Every node dialled at once: a slow one costs its own timeout, not the sum.
  for (auto& link : nodes.links) {
    link.start_dial(nodes.options.connector);
  }
  std::optional<Error> failed;
  for (auto& link : nodes.links) {
    auto dialled = link.dial.get();
    if (!dialled.ok() && !failed) {
      failed = naming(link.name, std::move(dialled).error());
    } else if (dialled.ok()) {
      link.handle = std::move(dialled).value();
    }
  }
  if (failed) {
    return *failed;
  }
  // What each serves, asked of all before waiting for the first answer.
  caf::scoped_actor self{system};
  const auto wait = caf::duration{nodes.options.connect_timeout};
  using Handle = decltype(self->request(warden_actor{}, wait, describe_atom::value));
  std::vector<Handle> asked;
  for (auto& link : nodes.links) {
    asked.push_back(self->request(link.handle, wait, describe_atom::value));
  }
  std::vector<NodeInfo> infos(nodes.links.size());
  for (std::size_t node = 0; node < nodes.links.size(); ++node) {
    asked[node].receive([&](NodeInfo& info) { infos[node] = std::move(info); },
                        [&](caf::error& error) {
                          if (!failed) {
                            failed =
                                Error(ErrorCode::node_unreachable,
                                      "node " + nodes.links[node].name +
                                          " did not say what it serves: " + system.render(error));
                          }
                        });
  }
  if (failed) {
    return *failed;
  }
  std::string differences;
  for (std::size_t node = 1; node < nodes.links.size(); ++node) {
    const auto difference =
        plugin_set_difference(nodes.links[0].name, infos[0], nodes.links[node].name, infos[node]);
    if (!difference.empty()) {
      differences += (differences.empty() ? "" : "; ") + difference;
    }
  }
  if (!differences.empty()) {
    return Error(ErrorCode::node_mismatch, "the nodes serve different plugins: " + differences);
  }
  nodes.info = std::move(infos[0]);
  nodes.info_node = nodes.links[0].name;
  for (auto& link : nodes.links) {
    link.stats.connected = true;
  }
  return std::unique_ptr<RemoteWarden>(new RemoteWarden(std::move(impl)));
}

RemoteWarden::RemoteWarden(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

// Dials still running finish first (each waits at most its connect timeout).
RemoteWarden::~RemoteWarden() = default;

const NodeInfo& RemoteWarden::node_info() const {
  return impl_->nodes.info;
}

std::optional<Error> RemoteWarden::scan_stream(
    const std::function<std::optional<TransactionPtr>()>& next,
    const std::function<void(ScanReport&&)>& on_report) {
  std::lock_guard<std::mutex> guard{impl_->scan_mutex};
  RemoteScan scan{impl_->nodes, next, on_report};
  return scan.run();
}

std::vector<RemoteNodeStats> RemoteWarden::node_stats() const {
  std::lock_guard<std::mutex> guard{impl_->nodes.stats_mutex};
  std::vector<RemoteNodeStats> stats;
  for (const auto& link : impl_->nodes.links) {
    stats.push_back(link.stats);
  }
  return stats;
}

}  // namespace warden::actors
