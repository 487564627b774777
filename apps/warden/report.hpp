#pragma once
// The output formats of `warden scan` behind one small interface: the scan
// command feeds findings and errors in their deterministic order (input file,
// entry index, plugin load order, the plugin's own order) and each format
// decides how to write them. Included by the scan command and the formats.

#include <array>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "warden/engine.hpp"
#include "warden/error.hpp"
#include "warden/finding.hpp"

namespace warden::cli {

enum class Format : uint8_t { text, jsonl, sarif };

std::string_view to_string(Format format);

// What is known before the first transaction is scanned.
struct RunInfo {
  std::string tool_version;                  // "0.1.0"
  std::vector<runtime::PluginInfo> plugins;  // loaded, in load order
  std::vector<std::string> inputs;           // HAR files, in scan order
};

// Where a finding or scan error comes from: the transaction id ("demo.har#3"),
// its request URL, the HAR file and the 0-based entry index in it.
struct TransactionRef {
  std::string id;
  std::string url;
  std::string input;
  uint64_t entry = 0;
};

// One plugin that could not scan one transaction.
struct ScanFailure {
  std::string plugin_id;
  TransactionRef transaction;
  Error error;
};

// Totals known after the run, for summary lines and SARIF's invocation.
struct RunSummary {
  uint64_t transactions = 0;
  uint64_t findings = 0;
  std::array<uint64_t, 5> findings_by_severity{};  // indexed by Severity
  uint64_t scan_errors = 0;
  uint64_t plugin_load_errors = 0;
  uint64_t input_errors = 0;
  double elapsed_seconds = 0;
  int exit_code = 0;
  int interrupted_by_signal = 0;  // SIGINT or SIGTERM when the run was cut short
};

struct ReportOptions {
  bool color = false;    // ANSI colours (text only): a TTY and no NO_COLOR
  bool verbose = false;  // text: descriptions and evidence under each row
};

// Called on one thread, in this order: begin, then any mix of the event
// calls, then end. A format may stream (jsonl) or buffer findings (text's
// grouping by severity, SARIF's single document); it never sees transactions.
class Report {
 public:
  virtual ~Report() = default;
  virtual void begin(const RunInfo& run) = 0;
  virtual void plugin_load_error(const Error& error) = 0;
  virtual void finding(const Finding& finding, const TransactionRef& transaction) = 0;
  virtual void scan_error(const ScanFailure& failure) = 0;
  virtual void input_error(const Error& error) = 0;
  virtual void end(const RunSummary& summary) = 0;
};

// "SIGINT" or "SIGTERM" (the number otherwise), for interrupted runs.
std::string signal_name(int signal);

// Error::describe(), without repeating the file when the message already
// starts with it (HAR reader messages name their file themselves).
std::string describe(const Error& error);

std::unique_ptr<Report> make_text_report(std::ostream& out, ReportOptions options);
std::unique_ptr<Report> make_jsonl_report(std::ostream& out, ReportOptions options);
std::unique_ptr<Report> make_sarif_report(std::ostream& out, ReportOptions options);
std::unique_ptr<Report> make_report(Format format, std::ostream& out, ReportOptions options);

}  // namespace warden::cli
