// tests/cli: SIGINT and SIGTERM during `warden scan` of a large HAR end the
// run with 130/143 and a complete report of what was scanned (whole JSONL
// records, valid SARIF, the text summary, --stats), the --output file renamed
// into place with no temporary left; a second signal ends the run at once.
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "cli/cli_test_support.hpp"

using namespace warden::cli_test;

namespace {

constexpr int kEntries = 50'000;

// A small HAR of `entries` GET requests, written entry by entry.
void write_many_entries_har(const std::string& path, int entries) {
  std::ofstream out(path, std::ios::binary);
  out << R"({"log":{"version":"1.2","creator":{"name":"warden-tests","version":"1"},"entries":[)";
  for (int i = 0; i < entries; ++i) {
    out << (i ? "," : "") << R"({"startedDateTime":"2024-05-01T10:00:00.000Z","time":1,)"
        << R"("request":{"method":"GET","url":"https://many.test/item/)" << i
        << R"(","httpVersion":"HTTP/1.1","headers":[],"queryString":[],"cookies":[],)"
        << R"("headersSize":-1,"bodySize":0},"response":{"status":200,"statusText":"OK",)"
        << R"("httpVersion":"HTTP/1.1","headers":[],"cookies":[],)"
        << R"("content":{"size":0,"mimeType":"text/plain","text":""},"redirectURL":"",)"
        << R"("headersSize":-1,"bodySize":0},"cache":{},"timings":{"send":0,"wait":1,"receive":0}})";
  }
  out << "]}}\n";
}

// A plugin that spends `busy_ms` per scan, reports one finding per
// transaction and says on stderr (console.warn, shown with --verbose) when
// its first scan starts, so the test knows the run is under way.
void write_slow_plugin(const std::string& path, int busy_ms) {
  std::ofstream(path)
      << "let started = false;\n"
      << "export default { id: 'slow', name: 'Slow', version: '1.0.0',\n"
      << "  scan(txn) {\n"
      << "    if (!started) { started = true; console.warn('slow scan started'); }\n"
      << "    const end = Date.now() + " << busy_ms << ";\n"
      << "    while (Date.now() < end) {}\n"
      << "    return [{ title: 'seen', severity: 'info', evidence: txn.request.url }];\n"
      << "  },\n"
      << "};\n";
}

// Waits (up to a minute) until the child says its first scan started.
bool wait_for_first_scan(const Child& child) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (child.err_so_far().find("slow scan started") != std::string::npos) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

struct Setup {
  TempDir dir;
  std::string har = dir / "many.har";
  std::string plugin = dir / "slow.js";
  explicit Setup(int busy_ms) {
    write_many_entries_har(har, kEntries);
    write_slow_plugin(plugin, busy_ms);
  }
  std::vector<std::string> args(std::vector<std::string> extra) const {
    std::vector<std::string> all{"scan",      "--verbose",    "--stats",
                                 "--plugins", plugin,         "--workers-per-plugin",
                                 "1",         "--timeout-ms", "20000"};
    all.insert(all.end(), extra.begin(), extra.end());
    all.push_back(har);
    return all;
  }
};

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("SIGINT during a scan writes whole JSONL records to a renamed --output and exits 130",
          "[cli][slow]") {
  Setup setup(1);
  TempDir out_dir;
  const std::string out = out_dir / "report.jsonl";
  Child child(warden_bin(), setup.args({"--format", "jsonl", "--output", out}));
  REQUIRE(wait_for_first_scan(child));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  child.signal(SIGINT);
  auto run = child.wait();
  INFO(run.err.substr(0, 3000));
  CHECK(run.exit_code == 130);
  CHECK_THAT(run.err, Catch::Contains("interrupted by SIGINT"));
  // Only the final file: the temporary was renamed, not left behind.
  CHECK(files_in(out_dir.path()) == std::vector<std::string>{"report.jsonl"});
  const std::string text = read_file(out);
  REQUIRE(!text.empty());
  CHECK(text.back() == '\n');
  auto records = parse_jsonl(text);  // every line a whole record
  auto stats = stats_from(run.err);
  REQUIRE(stats.is_object());
  const auto scanned = stats["transactions"].get<uint64_t>();
  CHECK(scanned > 0);
  CHECK(scanned < kEntries);
  CHECK(records.size() == scanned);  // one finding per scanned transaction
  for (std::size_t i = 0; i < records.size(); ++i) {
    CHECK(records[i]["entry"] == i);  // in input order, none skipped
  }
}

TEST_CASE("SIGTERM during a scan writes valid SARIF of what was scanned and exits 143",
          "[cli][slow]") {
  Setup setup(1);
  Child child(warden_bin(), setup.args({"--format", "sarif"}));
  REQUIRE(wait_for_first_scan(child));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  child.signal(SIGTERM);
  auto run = child.wait();
  INFO(run.err.substr(0, 3000));
  CHECK(run.exit_code == 143);
  auto log = nlohmann::json::parse(run.out);
  const auto& sarif_run = log["runs"][0];
  const auto& invocation = sarif_run["invocations"][0];
  CHECK(invocation["executionSuccessful"] == false);
  CHECK(invocation["exitCode"] == 143);
  const auto scanned = invocation["properties"]["transactions"].get<uint64_t>();
  CHECK(scanned > 0);
  CHECK(scanned < kEntries);
  CHECK(sarif_run["results"].size() == scanned);
  CHECK_THAT(invocation["toolExecutionNotifications"].dump(),
             Catch::Contains("interrupted by SIGTERM"));
  CHECK(stats_from(run.err)["transactions"] == scanned);
}

TEST_CASE("SIGINT during a scan writes the whole text report with its summary", "[cli][slow]") {
  Setup setup(1);
  Child child(warden_bin(), setup.args({}));
  REQUIRE(wait_for_first_scan(child));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  child.signal(SIGINT);
  auto run = child.wait();
  INFO(run.err.substr(0, 3000));
  CHECK(run.exit_code == 130);
  CHECK_THAT(run.out, Catch::Contains("interrupted by SIGINT before the end of the input"));
  CHECK_THAT(run.out, Catch::Contains("Scanned "));
  CHECK(stats_from(run.err).is_object());
}

TEST_CASE("a second signal ends the scan at once and leaves no --output file", "[cli][slow]") {
  // Each scan in flight takes 15 s (under --timeout-ms 20000): the first signal
  // has to wait for them, the second must not, and "at once" is told apart from
  // that wait with a bound far from both, whatever the machine's load.
  Setup setup(15000);
  TempDir out_dir;
  const std::string out = out_dir / "report.sarif";
  Child child(warden_bin(), setup.args({"--format", "sarif", "--output", out}));
  REQUIRE(wait_for_first_scan(child));
  child.signal(SIGINT);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto second = std::chrono::steady_clock::now();
  child.signal(SIGINT);
  auto run = child.wait();
  const auto took = std::chrono::steady_clock::now() - second;
  INFO(run.err.substr(0, 3000));
  CHECK(run.exit_code == 130);
  CHECK(took < std::chrono::seconds(7));
  CHECK(files_in(out_dir.path()).empty());  // neither the report nor its temporary
}
