#pragma once
// What a remote scan checks in a node's answer before it takes it: one
// report per transaction sent, each for the transaction it was sent for, and
// every plugin id in it one of the plugins the nodes agreed to serve. A node
// that answers otherwise (a bug, a node of another build, a compromised
// node) is treated as lost: its transactions go to the others.

#include <optional>
#include <string>
#include <vector>

#include "warden/protocol.hpp"

namespace warden::actors {

// `sent`: per report, the id of the transaction it answers, or nullopt when
// that transaction was answered already (a late answer, dropped unchecked).
// `plugins`: the agreed plugin set. Returns why the answer is refused, or
// nullopt when it can be taken.
std::optional<std::string> refuse_node_answer(const std::vector<ScanReport>& reports,
                                              const std::vector<std::optional<std::string>>& sent,
                                              const std::vector<runtime::PluginInfo>& plugins);

}  // namespace warden::actors
