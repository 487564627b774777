// The checks of a node's answer: count, transaction ids, plugin ids.
#include "actors/node_answer_check.hpp"

#include <algorithm>

#include "runtime/inert_text.hpp"

namespace warden::actors {

namespace {

bool agreed(const std::vector<runtime::PluginInfo>& plugins, const std::string& id) {
  return std::any_of(plugins.begin(), plugins.end(),
                     [&](const runtime::PluginInfo& plugin) { return plugin.id == id; });
}

// The first plugin id in `report` outside the agreed set, if any.
std::optional<std::string> stranger_in(const ScanReport& report,
                                       const std::vector<runtime::PluginInfo>& plugins) {
  for (const auto& finding : report.findings) {
    if (!agreed(plugins, finding.plugin_id)) {
      return finding.plugin_id;
    }
  }
  for (const auto& failure : report.failures) {
    if (!agreed(plugins, failure.plugin_id)) {
      return failure.plugin_id;
    }
  }
  for (const auto& revision : report.revisions) {
    if (!agreed(plugins, revision.plugin_id)) {
      return revision.plugin_id;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> refuse_node_answer(const std::vector<ScanReport>& reports,
                                              const std::vector<std::optional<std::string>>& sent,
                                              const std::vector<runtime::PluginInfo>& plugins) {
  if (reports.size() != sent.size()) {
    return "answered " + std::to_string(reports.size()) + " reports for " +
           std::to_string(sent.size()) + " transactions";
  }
  for (std::size_t i = 0; i < reports.size(); ++i) {
    if (!sent[i]) {
      continue;  // answered already: dropped whatever it says
    }
    if (reports[i].transaction_id != *sent[i]) {
      return "answered a report for transaction '" + printable(reports[i].transaction_id) +
             "' where '" + printable(*sent[i]) + "' was sent";
    }
    if (const auto stranger = stranger_in(reports[i], plugins)) {
      return "answered for plugin '" + printable(*stranger) +
             "', which is not one of the plugins it serves";
    }
  }
  return std::nullopt;
}

}  // namespace warden::actors
