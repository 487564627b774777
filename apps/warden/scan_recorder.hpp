#pragma once
// Between Warden's answers and the report of `warden scan`: names each
// answered transaction (file, entry, URL), puts its findings and failures in
// plugin load order, counts them in the run's totals and hands them to the
// report, each input error at its place among them. Used on the thread that
// runs scan_stream.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "apps/warden/input_reader.hpp"
#include "apps/warden/progress.hpp"
#include "apps/warden/report.hpp"
#include "warden/engine.hpp"
#include "warden/error.hpp"
#include "warden/protocol.hpp"
#include "warden/transaction.hpp"

namespace warden::cli {

class ScanRecorder {
 public:
  // `plugins`: the loaded plugins in load order. Every reference must
  // outlive the recorder.
  ScanRecorder(Report& report, InputReader& reader, Progress& progress,
               const std::vector<runtime::PluginInfo>& plugins);
  ScanRecorder(const ScanRecorder&) = delete;
  ScanRecorder& operator=(const ScanRecorder&) = delete;

  // Reports and counts the plugins that did not load.
  void record_load_errors(const std::vector<Error>& errors);

  // scan_stream's `next`: the reader's next transaction, remembered (file,
  // entry, URL) until its answer arrives; nullopt at the end of the inputs.
  std::optional<TransactionPtr> next();

  // scan_stream's `on_report`: answers arrive in input order.
  void record(actors::ScanReport&& scan);

  // After the last answer and reader.stop(): the input errors not reported
  // yet, and their count in the summary.
  void finish();

  RunSummary& summary() {
    return summary_;
  }
  // to_string(ErrorCode) -> count, over load and scan errors.
  const std::map<std::string, uint64_t>& errors_by_kind() const {
    return errors_by_kind_;
  }

 private:
  std::size_t load_order(const std::string& plugin_id) const;
  void report_input_errors(const std::vector<Error>& errors);

  Report& report_;
  InputReader& reader_;
  Progress& progress_;
  std::map<std::string, std::size_t> load_order_;  // plugin id -> index in load order
  std::size_t plugin_count_ = 0;
  // Handed out and not yet answered (at most the in-flight window), in order.
  std::mutex in_flight_mutex_;
  std::deque<TransactionRef> in_flight_;
  RunSummary summary_;
  std::map<std::string, uint64_t> errors_by_kind_;
};

}  // namespace warden::cli
