// Stand-ins for to_string and connect_node until netcore's actors/network.cpp is merged.
#if !__has_include("actors/network.cpp")
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
#endif
