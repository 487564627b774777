// tests/hostile: every attack in this folder (one plugin file each) run by
// `warden scan` beside a well-behaved bundled plugin, in every isolation mode;
// the run must end by itself, in bounded time and memory, with the
// well-behaved plugin's findings exactly as when it runs alone.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <set>

#include <catch2/catch.hpp>

#include "hostile/hostile_support.hpp"

using namespace warden::hostile_test;
namespace cli_test = warden::cli_test;

namespace {

// Thread isolation is the default; every other mode is named with
// --isolation. Each attack runs in each mode listed here.
const std::vector<std::string> kIsolationModes{"thread", "process"};

// The plugin whose findings every attack must leave untouched: it reports on
// the demo HAR's cookies.
constexpr const char* kWellBehaved = "cookie-flags";
constexpr const char* kWellBehavedFile = "0-well-behaved.js";

std::vector<std::string> scan_args(const std::string& mode, const std::string& plugins,
                                   const std::string& har) {
  std::vector<std::string> args{"scan",      "--plugins", plugins,    "--timeout-ms", "500",
                                "--heap-mb", "64",        "--format", "jsonl"};
  if (mode != "thread") {
    args.push_back("--isolation");
    args.push_back(mode);
  }
  args.push_back(har);
  return args;
}

std::string describe(const BoundedRun& run) {
  std::ostringstream text;
  text << "timed out: " << run.timed_out << ", killed for memory: " << run.killed_for_memory
       << ", signal: " << run.signal << ", exit code: " << run.exit_code << ", "
       << run.elapsed.count() << " ms, peak RSS " << run.peak_rss_kib / 1024 << " MiB, stdout "
       << run.out_bytes << " B, stderr " << run.err_bytes
       << " B\nstderr (start): " << run.err.substr(0, 2000);
  return text.str();
}

// One line per run on stdout, and appended to the file named by
// WARDEN_HOSTILE_SUMMARY when set: what each attack cost, pass or fail.
void report_summary(const std::string& name, const std::string& mode, const BoundedRun& run) {
  std::ostringstream line;
  line << "hostile-run " << name << " " << mode << " timed_out=" << run.timed_out
       << " rss_killed=" << run.killed_for_memory << " signal=" << run.signal
       << " exit=" << run.exit_code << " ms=" << run.elapsed.count()
       << " peak_rss_mib=" << run.peak_rss_kib / 1024 << " stdout_bytes=" << run.out_bytes
       << " stderr_bytes=" << run.err_bytes << "\n";
  std::cout << line.str() << std::flush;
  if (const char* path = std::getenv("WARDEN_HOSTILE_SUMMARY"))
    std::ofstream(path, std::ios::app) << line.str();
}

// A record's string field, or "" when it is absent, null or not a string.
std::string text_field(const nlohmann::json& record, const char* key) {
  auto found = record.find(key);
  return found != record.end() && found->is_string() ? found->get<std::string>() : "";
}

// The well-behaved plugin's records (findings and errors) of one run, as
// sorted JSON text.
std::vector<std::string> records_of(const std::vector<nlohmann::json>& records,
                                    const std::string& plugin) {
  std::vector<std::string> mine;
  for (const auto& record : records) {
    if (text_field(record, "plugin") == plugin)
      mine.push_back(record.dump());
  }
  std::sort(mine.begin(), mine.end());
  return mine;
}

// The well-behaved plugin alone over `har`, once per mode and HAR per process.
const std::vector<std::string>& baseline(const std::string& mode, const std::string& har) {
  static std::map<std::pair<std::string, std::string>, std::vector<std::string>> cache;
  auto key = std::make_pair(mode, har);
  if (auto found = cache.find(key); found != cache.end())
    return found->second;
  TempDir dir;
  fs::copy_file(cli_test::source_path(std::string("plugins/") + kWellBehaved + ".js"),
                dir / kWellBehavedFile);
  BoundedRun run = run_bounded(cli_test::warden_bin(), scan_args(mode, dir.path(), har), kRunBound);
  INFO(describe(run));
  REQUIRE(!run.timed_out);
  REQUIRE(run.exit_code == 0);
  auto records = records_of(cli_test::parse_jsonl(run.out), kWellBehaved);
  REQUIRE(!records.empty());
  return cache.emplace(key, std::move(records)).first->second;
}

void check_output(const Attack& attack, const BoundedRun& run, const std::string& har,
                  const std::vector<std::string>& expected) {
  const std::vector<std::string> urls = har_urls(har);
  CHECK(run.out_bytes <= kMaxStdoutBytesPerTransaction * urls.size());
  CHECK(run.out.size() == run.out_bytes);
  if (!run.out.empty())
    CHECK(run.out.back() == '\n');  // no record cut short

  std::vector<nlohmann::json> records;
  std::istringstream lines(run.out);
  std::size_t line_number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++line_number;
    INFO("stdout line " << line_number << ": " << line.substr(0, 500));
    CHECK(line.size() <= kMaxLineBytes);
    nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
    REQUIRE(record.is_object());
    const std::string type = text_field(record, "type");
    CHECK((type == "finding" || type == "error"));
    if (type != "finding") {
      records.push_back(std::move(record));
      continue;
    }
    // Findings carry the host's view of who reported them and where.
    const std::string plugin = text_field(record, "plugin");
    const bool own =
        std::find(attack.own_ids.begin(), attack.own_ids.end(), plugin) != attack.own_ids.end();
    CHECK((plugin == kWellBehaved || own));
    REQUIRE(record["entry"].is_number_unsigned());
    const auto entry = record["entry"].get<std::size_t>();
    REQUIRE(entry < urls.size());
    CHECK(text_field(record, "url") == urls[entry]);
    CHECK(text_field(record, "transaction") ==
          fs::path(har).filename().string() + "#" + std::to_string(entry));
    records.push_back(std::move(record));
  }
  CHECK(records_of(records, kWellBehaved) == expected);
}

void check_terminal_text(const BoundedRun& run) {
  CHECK(run.err_bytes <= kMaxStderrBytes);
  const std::size_t control = first_raw_control(run.err);
  INFO("stderr around the first raw control character: "
       << (control == std::string::npos ? std::string() : run.err.substr(control, 200)));
  CHECK(control == std::string::npos);
}

void run_attack(const std::string& name) {
  const Attack attack = load_attack(name);
  for (const std::string& mode : kIsolationModes) {
    DYNAMIC_SECTION("isolation " << mode) {
      TempDir dir;
      const std::string har = repeated_har(dir, attack.har_repeat);
      const std::vector<std::string>& expected = baseline(mode, har);
      const fs::path plugins = dir.path() / "plugins";
      fs::create_directory(plugins);
      fs::copy_file(cli_test::source_path(std::string("plugins/") + kWellBehaved + ".js"),
                    plugins / kWellBehavedFile);
      std::ofstream(plugins / attack.file_name, std::ios::binary) << attack.code;

      BoundedRun run =
          run_bounded(cli_test::warden_bin(), scan_args(mode, plugins.string(), har), kRunBound);
      INFO("attack " << name << ", isolation " << mode << "\n" << describe(run));
      report_summary(name, mode, run);
      CHECK_FALSE(run.timed_out);
      CHECK_FALSE(run.killed_for_memory);
      CHECK_FALSE(run.signalled);
      CHECK(run.exit_code == 0);
      CHECK(run.peak_rss_kib < kMaxPeakRssKib);
      check_terminal_text(run);
      CHECK(run.out.find(kEscapeMarker) == std::string::npos);
      CHECK(run.err.find(kEscapeMarker) == std::string::npos);
      for (const std::string& text : attack.forbidden_text) {
        INFO("forbidden text: " << text);
        CHECK(run.out.find(text) == std::string::npos);
        CHECK(run.err.find(text) == std::string::npos);
      }
      if (!run.timed_out && !run.killed_for_memory)
        check_output(attack, run, har, expected);
    }
  }
}

std::set<std::string>& registered_attacks() {
  static std::set<std::string> names;
  return names;
}

struct RegisterAttack {
  explicit RegisterAttack(const char* name) {
    registered_attacks().insert(name);
  }
};

}  // namespace

// One ctest case per attack, so they run in parallel; the tag is its class.
#define HOSTILE_CONCAT_(a, b) a##b
#define HOSTILE_CONCAT(a, b) HOSTILE_CONCAT_(a, b)
#define HOSTILE_ATTACK(name, klass)                                                \
  static const RegisterAttack HOSTILE_CONCAT(hostile_registered_, __LINE__){name}; \
  TEST_CASE(name, "[hostile][" klass "]") {                                        \
    run_attack(name);                                                              \
  }

TEST_CASE("every attack file in tests/hostile has a case", "[hostile][meta]") {
  std::set<std::string> files;
  for (const auto& entry : fs::directory_iterator(cli_test::source_path("tests/hostile"))) {
    if (entry.path().extension() == ".js")
      files.insert(entry.path().stem().string());
  }
  CHECK(files == registered_attacks());
}

// name, class (issue 10's classes: hang, crash, memory, identity, forge (output
// and terminal), restart-policy, abort; and escape, leak)
HOSTILE_ATTACK("hang-busy-loop", "hang")
HOSTILE_ATTACK("hang-shift-arraylike", "hang")
HOSTILE_ATTACK("hang-lying-length", "hang")
HOSTILE_ATTACK("hang-proxy-length", "hang")
HOSTILE_ATTACK("hang-concat-spreadable", "hang")
HOSTILE_ATTACK("hang-array-from-arraylike", "hang")
HOSTILE_ATTACK("hang-escape-huge", "hang")
HOSTILE_ATTACK("hang-intl-huge", "hang")
HOSTILE_ATTACK("hang-regexp-backtracking", "hang")
HOSTILE_ATTACK("hang-json-parse-huge", "hang")
HOSTILE_ATTACK("hang-sort-mutating-comparator", "hang")
HOSTILE_ATTACK("hang-deep-recursion", "hang")
HOSTILE_ATTACK("hang-init-never-resolves", "hang")
HOSTILE_ATTACK("hang-load-top-level-await", "hang")
HOSTILE_ATTACK("hang-async-after-timeout", "hang")
HOSTILE_ATTACK("hang-microtask-flood", "hang")
HOSTILE_ATTACK("hang-finalization-registry", "hang")
HOSTILE_ATTACK("hang-waitasync-later", "hang")
HOSTILE_ATTACK("hang-waitasync-settle", "hang")
HOSTILE_ATTACK("hang-waitasync-top-level", "hang")
HOSTILE_ATTACK("hang-thenable-result", "hang")
HOSTILE_ATTACK("hang-atomics-wait", "hang")
HOSTILE_ATTACK("hang-date-spin", "hang")
HOSTILE_ATTACK("hang-typedarray-values", "hang")
HOSTILE_ATTACK("hang-typedarray-join", "hang")
HOSTILE_ATTACK("crash-string-object-split", "crash")
HOSTILE_ATTACK("crash-regexp-symbol-split", "crash")
HOSTILE_ATTACK("crash-regexp-symbol-replace", "crash")
HOSTILE_ATTACK("crash-object-keys-string", "crash")
HOSTILE_ATTACK("crash-string-spread", "crash")
HOSTILE_ATTACK("crash-typedarray-max", "crash")
HOSTILE_ATTACK("crash-array-growth", "crash")
HOSTILE_ATTACK("crash-string-limits", "crash")
HOSTILE_ATTACK("crash-json-stringify-huge", "crash")
HOSTILE_ATTACK("crash-error-prepare-stack-trace", "crash")
HOSTILE_ATTACK("crash-throw-odd-values", "crash")
HOSTILE_ATTACK("crash-structured-clone", "crash")
HOSTILE_ATTACK("crash-deep-finding", "crash")
HOSTILE_ATTACK("crash-case-conversion-huge", "crash")
HOSTILE_ATTACK("mem-intl-kept", "memory")
HOSTILE_ATTACK("mem-intl-mixed-kept", "memory")
HOSTILE_ATTACK("mem-huge-string-headroom", "memory")
HOSTILE_ATTACK("mem-huge-array-literal-file", "memory")
HOSTILE_ATTACK("mem-huge-comment-file", "memory")
HOSTILE_ATTACK("mem-shared-string-findings", "memory")
HOSTILE_ATTACK("mem-arraybuffer-kept", "memory")
HOSTILE_ATTACK("mem-resizable-buffer", "memory")
HOSTILE_ATTACK("mem-heap-churn-oom", "memory")
HOSTILE_ATTACK("mem-regexp-and-code", "memory")
HOSTILE_ATTACK("mem-twobyte-flatten", "memory")
HOSTILE_ATTACK("mem-join-twobyte", "memory")
HOSTILE_ATTACK("impersonate-duplicate-id", "identity")
HOSTILE_ATTACK("impersonate-worker-id", "identity")
HOSTILE_ATTACK("impersonate-id-getter", "identity")
HOSTILE_ATTACK("impersonate-export-proxy", "identity")
HOSTILE_ATTACK("impersonate-version-worker", "identity")
HOSTILE_ATTACK("impersonate-finding-fields", "identity")
HOSTILE_ATTACK("impersonate-zap-filename", "identity")
HOSTILE_ATTACK("impersonate-zap-metadata", "identity")
HOSTILE_ATTACK("forge-jsonl-record", "forge")
HOSTILE_ATTACK("forge-terminal-load-error", "forge")
HOSTILE_ATTACK("forge-terminal-file-name", "forge")
HOSTILE_ATTACK("forge-invalid-id-control", "forge")
HOSTILE_ATTACK("forge-huge-invalid-id", "forge")
HOSTILE_ATTACK("forge-huge-error-message", "forge")
HOSTILE_ATTACK("forge-lone-surrogates", "forge")
HOSTILE_ATTACK("forge-console-flood", "forge")
HOSTILE_ATTACK("forge-console-odd-values", "forge")
HOSTILE_ATTACK("forge-tostring-findings", "forge")
HOSTILE_ATTACK("forge-getter-findings", "forge")
HOSTILE_ATTACK("forge-proxy-findings", "forge")
HOSTILE_ATTACK("forge-circular-findings", "forge")
HOSTILE_ATTACK("forge-many-findings", "forge")
HOSTILE_ATTACK("policy-slow-load-timeouts", "restart-policy")
HOSTILE_ATTACK("policy-worker-load-spin", "restart-policy")
HOSTILE_ATTACK("policy-worker-load-throw", "restart-policy")
HOSTILE_ATTACK("policy-worker-init-never-settles", "restart-policy")
HOSTILE_ATTACK("policy-heap-over-soft-limit", "restart-policy")
HOSTILE_ATTACK("policy-oom-every-scan", "restart-policy")
HOSTILE_ATTACK("policy-fail-slowly", "restart-policy")
HOSTILE_ATTACK("abort-load-throws", "abort")
HOSTILE_ATTACK("abort-no-default-export", "abort")
HOSTILE_ATTACK("abort-exit-functions", "abort")
HOSTILE_ATTACK("abort-static-import-denied", "abort")
HOSTILE_ATTACK("abort-scan-not-function", "abort")
HOSTILE_ATTACK("escape-host-globals", "escape")
HOSTILE_ATTACK("escape-dynamic-import", "escape")
HOSTILE_ATTACK("escape-import-meta", "escape")
HOSTILE_ATTACK("escape-eval-function", "escape")
HOSTILE_ATTACK("escape-webassembly", "escape")
HOSTILE_ATTACK("escape-prototype-pollution", "escape")
HOSTILE_ATTACK("escape-txn-tamper", "escape")
HOSTILE_ATTACK("leak-state-across-recycle", "leak")
HOSTILE_ATTACK("leak-std-module-tamper", "leak")
