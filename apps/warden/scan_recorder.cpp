// Warden's answers into report events and run totals (scan_recorder.hpp).
#include "apps/warden/scan_recorder.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>
#include <utility>

namespace warden::cli {

ScanRecorder::ScanRecorder(Report& report, InputReader& reader, Progress& progress,
                           const std::vector<runtime::PluginInfo>& plugins)
    : report_(report), reader_(reader), progress_(progress), plugin_count_(plugins.size()) {
  for (std::size_t i = 0; i < plugins.size(); ++i) {
    load_order_.emplace(plugins[i].id, i);
  }
}

void ScanRecorder::record_load_errors(const std::vector<Error>& errors) {
  for (const auto& error : errors) {
    // The facade logs it too; at debug here so it is not said twice.
    spdlog::debug("plugin not loaded: {}", error.describe());
    report_.plugin_load_error(error);
    ++summary_.plugin_load_errors;
    ++errors_by_kind_[std::string(to_string(error.code))];
  }
}

std::optional<TransactionPtr> ScanRecorder::next() {
  auto item = reader_.next();
  if (!item) {
    return std::nullopt;
  }
  std::lock_guard lock(in_flight_mutex_);
  in_flight_.push_back(std::move(item->ref));
  return std::move(item->transaction);
}

void ScanRecorder::record(actors::ScanReport&& scan) {
  TransactionRef ref;
  {
    std::lock_guard lock(in_flight_mutex_);
    if (!in_flight_.empty()) {
      ref = std::move(in_flight_.front());
      in_flight_.pop_front();
    }
  }
  if (ref.id != scan.transaction_id) {
    spdlog::warn("report for {} arrived where {} was expected", scan.transaction_id, ref.id);
    ref.id = scan.transaction_id;
  }
  report_input_errors(reader_.take_errors_until(summary_.transactions));
  ++summary_.transactions;
  // Plugin load order, then the plugin's own order (stable).
  std::stable_sort(scan.findings.begin(), scan.findings.end(),
                   [&](const Finding& a, const Finding& b) {
                     return load_order(a.plugin_id) < load_order(b.plugin_id);
                   });
  std::stable_sort(scan.failures.begin(), scan.failures.end(),
                   [&](const actors::PluginFailure& a, const actors::PluginFailure& b) {
                     return load_order(a.plugin_id) < load_order(b.plugin_id);
                   });
  for (const auto& finding : scan.findings) {
    ++summary_.findings;
    ++summary_.findings_by_severity[static_cast<std::size_t>(finding.severity)];
    report_.finding(finding, ref);
  }
  for (auto& failure : scan.failures) {
    ++summary_.scan_errors;
    ++errors_by_kind_[std::string(to_string(failure.error.code))];
    spdlog::debug("{} failed on {}: {}", failure.plugin_id, ref.id, failure.error.describe());
    report_.scan_error(ScanFailure{failure.plugin_id, ref, std::move(failure.error)});
  }
  progress_.update(reader_.bytes_read(), summary_.transactions, summary_.findings,
                   summary_.scan_errors);
}

void ScanRecorder::finish() {
  report_input_errors(reader_.take_all_errors());
  progress_.clear();
  summary_.input_errors = reader_.input_errors();
}

std::size_t ScanRecorder::load_order(const std::string& plugin_id) const {
  auto it = load_order_.find(plugin_id);
  return it == load_order_.end() ? plugin_count_ : it->second;
}

void ScanRecorder::report_input_errors(const std::vector<Error>& errors) {
  for (const auto& error : errors) {
    progress_.clear();
    spdlog::error("{}", describe(error));
    report_.input_error(error);
  }
}

}  // namespace warden::cli
