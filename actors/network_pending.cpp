// Stand-ins for warden/network.hpp until branch netcore's network.cpp is merged (then deleted).
#include "warden/network.hpp"

namespace warden::actors {

std::string to_string(const NodeAddress& address) {
  const bool ipv6 = address.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + address.host + "]" : address.host) + ":" + std::to_string(address.port);
}

Result<warden_actor> connect_node(caf::actor_system&, const NodeAddress& address,
                                  std::chrono::milliseconds) {
  return Error(ErrorCode::node_unreachable,
               "cannot reach node " + to_string(address) + ": networking is not built in");
}

}  // namespace warden::actors
