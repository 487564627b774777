#pragma once
// What every C++ comparison runner shares (bench/README.md, "Runner protocol"):
// the command line, the workload, the findings tally and its digest (the same
// as bench/peers/lib/common.mjs, so bench/compare.mjs can cross-check), the
// process figures and the one JSON line on stdout. Included by the runners in
// bench/runners only.

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "warden/engine.hpp"
#include "warden/finding.hpp"
#include "warden/transaction.hpp"

namespace warden::bench {

// `--plugins DIR --har FILE... --recycle-every N --repeat K`, plus the flags a
// runner declares in `valued` (take a value) or `switches` (take none).
struct RunnerArgs {
  std::string plugins_dir;
  std::vector<std::string> har_files;
  uint64_t recycle_every = 0;                // scans per isolate before it is replaced; 0: never
  uint64_t repeat = 1;                       // passes over the workload
  std::map<std::string, std::string> flags;  // runner-specific: "--threads" -> "per-plugin"
};

// Throws std::invalid_argument naming the bad flag.
RunnerArgs parse_runner_args(int argc, char** argv, const std::set<std::string>& valued,
                             const std::set<std::string>& switches = {});

// Plugin files (*.js, *.mjs) of a directory sorted by name, as the Node peers
// list them; throws when there is none.
std::vector<std::string> plugin_files(const std::string& dir);

// Every entry of every HAR file, in order; ids are "<file name>:<entry index>".
// Throws std::runtime_error on an unreadable or malformed file.
std::vector<TransactionPtr> read_transactions(const std::vector<std::string>& har_files);

// The peers' limits (2 s per call, 128 MB heap) and console output dropped.
runtime::EngineOptions bench_engine_options();

// Finding lines "txn \t plugin \t title \t severity" per plugin, and the
// outcome of every scan. Not thread-safe: one per thread, then merge().
class FindingTally {
 public:
  explicit FindingTally(const std::vector<std::string>& plugin_ids = {});

  void accept(const std::string& plugin_id, const std::vector<Finding>& findings);
  void accept_line(const std::string& plugin_id, std::string_view transaction_id,
                   std::string_view title, std::string_view severity);
  // A scan answered whose lines went in through accept_line().
  void count_ok(const std::string& plugin_id);
  void fail(const std::string& plugin_id, std::string_view transaction_id, std::string_view why);
  void merge(FindingTally&& other);

  uint64_t scans() const {
    return ok_ + errors_;
  }
  uint64_t errors() const {
    return errors_;
  }
  // findings, findings_digest, findings_by_plugin, errors, error_samples.
  nlohmann::json summary() const;

 private:
  std::map<std::string, std::vector<std::string>> lines_;
  uint64_t ok_ = 0;
  uint64_t errors_ = 0;
  std::vector<std::string> error_samples_;
};

// SHA-256 (hex) of the lines sorted by byte value and joined with "\n".
std::string digest_of(std::vector<std::string> lines);

// The p-th percentile (0..100) as the peers compute it (nearest rank), in ms;
// nullopt when there is no sample. Sorts `samples_ms`.
std::optional<double> percentile(std::vector<double>& samples_ms, double p);

double milliseconds_since(std::chrono::steady_clock::time_point start);

// getrusage: user + system seconds of this process (all threads), of its
// waited-for children, and the peak RSS in MB of this process.
double cpu_seconds_self();
double cpu_seconds_children();
double peak_rss_mb_self();

// The figures of one run, printed as the protocol's one JSON line.
struct RunFigures {
  std::string runner;
  uint64_t expected = 0;   // plugins x transactions x repeat
  double seconds = 0;      // wall time of the scanning phase
  double cpu_seconds = 0;  // process CPU of the scanning phase
  std::vector<double> latency_ms;
  std::vector<double> recycle_ms;    // one per measured recycle
  std::optional<uint64_t> recycles;  // when not every recycle was measured
  double peak_rss_mb = 0;
  nlohmann::json extra = nlohmann::json::object();  // runner-specific fields
};

void print_result_line(RunFigures figures, const FindingTally& tally);

}  // namespace warden::bench
