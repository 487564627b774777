// The differences between two nodes' plugin sets, named for the user.
#include "actors/plugin_set_difference.hpp"

#include <algorithm>
#include <vector>

namespace warden::actors {

namespace {

const runtime::PluginInfo* find_plugin(const NodeInfo& info, const std::string& id) {
  auto it = std::find_if(info.plugins.begin(), info.plugins.end(),
                         [&](const runtime::PluginInfo& plugin) { return plugin.id == id; });
  return it == info.plugins.end() ? nullptr : &*it;
}

std::string revision_of(const NodeInfo& info, const std::string& id) {
  for (const auto& revision : info.revisions) {
    if (revision.plugin_id == id) {
      return revision.revision;
    }
  }
  return "(none)";
}

std::string shown(const std::string& value) {
  return value.empty() ? std::string{"(none)"} : value;
}

std::vector<std::string> ids_of(const NodeInfo& info) {
  std::vector<std::string> ids;
  for (const auto& plugin : info.plugins) {
    ids.push_back(plugin.id);
  }
  return ids;
}

std::string joined(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (const auto& part : parts) {
    out += (out.empty() ? "" : separator) + part;
  }
  return out;
}

}  // namespace

std::string plugin_set_difference(const std::string& reference_name, const NodeInfo& reference,
                                  const std::string& name, const NodeInfo& info) {
  std::vector<std::string> differences;
  for (const auto& plugin : reference.plugins) {
    if (find_plugin(info, plugin.id) == nullptr) {
      differences.push_back("plugin '" + plugin.id + "' only on node " + reference_name);
    }
  }
  for (const auto& plugin : info.plugins) {
    const auto* other = find_plugin(reference, plugin.id);
    if (other == nullptr) {
      differences.push_back("plugin '" + plugin.id + "' only on node " + name);
      continue;
    }
    if (plugin.version != other->version) {
      differences.push_back("node " + name + " serves plugin '" + plugin.id + "' at version " +
                            shown(plugin.version) + ", node " + reference_name + " at " +
                            shown(other->version));
    }
    const auto revision = revision_of(info, plugin.id);
    const auto other_revision = revision_of(reference, plugin.id);
    if (revision != other_revision) {
      differences.push_back("node " + name + " serves plugin '" + plugin.id + "' at revision " +
                            revision + ", node " + reference_name + " at " + other_revision);
    }
  }
  // Findings come in plugin load order: the same plugins in another order
  // would give the same findings in another order.
  const auto ids = ids_of(info);
  const auto reference_ids = ids_of(reference);
  if (differences.empty() && ids != reference_ids) {
    differences.push_back("node " + name + " loads the plugins in another order (" +
                          joined(ids, ", ") + "), node " + reference_name + " (" +
                          joined(reference_ids, ", ") + ")");
  }
  return joined(differences, "; ");
}

}  // namespace warden::actors
