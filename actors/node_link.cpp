// A node's dial on a thread of its own, polled by the scanning thread.
#include "actors/node_link.hpp"

#include <utility>

namespace warden::actors {

void NodeLink::start_dial(const NodeConnector& connector) {
  if (dial.valid()) {
    return;
  }
  dial = std::async(std::launch::async, [connector, address = address] {
    try {
      return connector(address);
    } catch (const std::exception& thrown) {
      return Result<warden_actor>(
          Error(ErrorCode::node_unreachable,
                "dialling " + to_string(address) + " threw: " + thrown.what()));
    }
  });
}

std::optional<Result<warden_actor>> NodeLink::dial_result() {
  if (!dial.valid() || dial.wait_for(std::chrono::seconds{0}) != std::future_status::ready) {
    return std::nullopt;
  }
  return dial.get();
}

}  // namespace warden::actors
