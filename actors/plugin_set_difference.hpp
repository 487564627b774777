#pragma once
// What differs between the plugin sets two Warden nodes serve (ids, versions,
// content revisions, load order): why a client refuses to use them together,
// since their reports would differ.

#include <string>

#include "warden/protocol.hpp"

namespace warden::actors {

// "" when `info` (served by the node named `name`) and `reference` (served
// by `reference_name`) hold the same plugins at the same versions and
// revisions in the same order; otherwise every difference, "; "-separated:
//   plugin 'y' only on node 127.0.0.1:7001
//   node 127.0.0.1:7001 serves plugin 'x' at revision abc..., node 127.0.0.1:7000 at def...
std::string plugin_set_difference(const std::string& reference_name, const NodeInfo& reference,
                                  const std::string& name, const NodeInfo& info);

}  // namespace warden::actors
