#pragma once
// Helpers for the tests of `warden serve` and `warden scan --remote`: nodes
// as child processes on ports they choose (read from their "listening on"
// line), a HAR of a few hundred entries, a slow plugin that says when it
// started scanning, and output comparisons that leave out run times.
// Included by tests/cli/remote_*_test.cpp and serve_*_test.cpp.

#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "cli/cli_test_support.hpp"

namespace warden::cli_test {

// Every wait of these tests: generous, so a loaded machine does not fail them.
inline constexpr std::chrono::seconds kWaitBound{60};

// Polls `condition` every 20 ms until it holds or kWaitBound passed.
template <class Condition>
bool wait_until(Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + kWaitBound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

// `warden serve --listen 127.0.0.1:0 args...` in a child process.
class ServeNode {
 public:
  explicit ServeNode(const std::vector<std::string>& args,
                     const std::string& listen = "127.0.0.1:0") {
    std::vector<std::string> all{"serve", "--listen", listen};
    all.insert(all.end(), args.begin(), args.end());
    child_ = std::make_unique<Child>(warden_bin(), all);
  }

  // Waits for "warden: listening on HOST:PORT" and returns "HOST:PORT", or ""
  // when the node ended or did not say it within kWaitBound.
  std::string wait_listening() {
    static const std::regex kListening("warden: listening on (\\S+):([0-9]+)");
    std::smatch match;
    const bool found = wait_until([&] {
      log_ = child_->err_so_far();
      return std::regex_search(log_, match, kListening);
    });
    if (!found) {
      return "";
    }
    address_ = match[1].str() + ":" + match[2].str();
    return address_;
  }

  const std::string& address() const {
    return address_;
  }
  std::string log() const {
    return child_->err_so_far();
  }
  // Waits until the node's stderr holds `text`.
  bool wait_for_log(const std::string& text) const {
    return wait_until([&] { return log().find(text) != std::string::npos; });
  }
  void signal(int number) const {
    child_->signal(number);
  }
  RunResult stop(int number = SIGTERM) {
    child_->signal(number);
    return child_->wait();
  }
  RunResult wait() {
    return child_->wait();
  }

 private:
  std::unique_ptr<Child> child_;
  std::string log_;
  std::string address_;
};

// "a,b,c" of the nodes' addresses, for --remote.
inline std::string node_list(const std::vector<const ServeNode*>& nodes) {
  std::string list;
  for (const auto* node : nodes) {
    list += (list.empty() ? "" : ",") + node->address();
  }
  return list;
}

// A HAR of `copies` x the entries of tests/fixtures/cli/har/small.har,
// base64-body.har and form-params.har (text, binary and form bodies), each
// copy's URLs made distinct with a query parameter.
inline void write_many_entries_har(const std::string& path, int copies) {
  auto har = nlohmann::json::parse(read_file(fixture("har/small.har")));
  nlohmann::json base = har["log"]["entries"];
  for (const char* extra : {"base64-body.har", "form-params.har"}) {
    const auto more =
        nlohmann::json::parse(read_file(std::string(WARDEN_FIXTURES) + "/har/" + extra));
    for (const auto& entry : more["log"]["entries"]) {
      base.push_back(entry);
    }
  }
  nlohmann::json entries = nlohmann::json::array();
  for (int copy = 0; copy < copies; ++copy) {
    for (auto entry : base) {
      std::string url = entry["request"]["url"];
      url += (url.find('?') == std::string::npos ? "?copy=" : "&copy=") + std::to_string(copy);
      entry["request"]["url"] = url;
      entries.push_back(entry);
    }
  }
  har["log"]["entries"] = entries;
  std::ofstream(path, std::ios::binary) << har.dump() << "\n";
}

// A plugin `id` that spends `busy_ms` per scan, reports one finding per
// transaction (title `title`) and says "<id> scan started" with console.warn
// (a node logs it) on its first scan, so a test knows the run is under way.
inline void write_slow_plugin(const std::string& path, const std::string& id, int busy_ms,
                              const std::string& title = "seen",
                              const std::string& version = "1.0.0") {
  std::ofstream(path) << "let started = false;\n"
                      << "export default { id: '" << id << "', name: 'Slow', version: '" << version
                      << "',\n"
                      << "  scan(txn) {\n"
                      << "    if (!started) { started = true; console.warn('" << id
                      << " scan started'); }\n"
                      << "    const end = Date.now() + " << busy_ms << ";\n"
                      << "    while (Date.now() < end) {}\n"
                      << "    return [{ title: '" << title
                      << "', severity: 'info', evidence: txn.request.url }];\n"
                      << "  },\n"
                      << "};\n";
}

// Copies bundled plugins by name into `dir` (as a plugin directory of its own).
inline void copy_bundled_plugins(const std::string& dir, const std::vector<std::string>& names) {
  fs::create_directories(dir);
  for (const auto& name : names) {
    fs::copy_file(std::string(WARDEN_PLUGINS_DIR) + "/" + name + ".js",
                  fs::path(dir) / (name + ".js"), fs::copy_options::overwrite_existing);
  }
}

// The report without what may differ between two runs of the same scan: the
// run time in SARIF's invocation and in the text summary line.
inline std::string without_run_time(const std::string& report) {
  static const std::regex kSarifElapsed("\"elapsedSeconds\":\\s*[-+0-9.eE]+");
  static const std::regex kTextElapsed(" in [0-9]+\\.[0-9]+ s: ");
  std::string out = std::regex_replace(report, kSarifElapsed, "\"elapsedSeconds\":0");
  return std::regex_replace(out, kTextElapsed, " in N s: ");
}

// The --stats object's per-node entries ("nodes"), by address.
inline nlohmann::json node_stats(const nlohmann::json& stats, const std::string& address) {
  for (const auto& node : stats.value("nodes", nlohmann::json::array())) {
    if (node.value("address", "") == address) {
      return node;
    }
  }
  return nlohmann::json::object();
}

}  // namespace warden::cli_test
