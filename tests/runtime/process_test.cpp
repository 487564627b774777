// Worker processes with real V8 and real processes: a child finds what an
// in-process engine finds; a V8 fatal error is a crash, a builtin that ignores
// termination is killed at the deadline, console lines and load errors come
// back, and the child's confinement (descriptors, RLIMIT_AS, seccomp) holds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <set>
#include <signal.h>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/runtime/engine_test_support.hpp"
#include "tests/runtime/process_support.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using warden::Finding;
using warden::TransactionPtr;
using warden::runtime::Engine;
using warden::runtime::EngineOptions;
using warden::runtime::PluginSource;
using warden::runtime::ProcessExit;
using warden::runtime::ProcessScan;
using warden::runtime::WorkerProcess;
using namespace warden::test;

// Where the fork server refuses to fork (its process has another thread, as
// under ThreadSanitizer), the cases that need a child say so and stop.
#define REQUIRE_FORKABLE()                                                   \
  if (!fork_server_forks()) {                                                \
    WARN(                                                                    \
        "skipped: the fork server has more than one thread here (sanitizer " \
        "runtime?) and refuses to fork, as it must");                        \
    return;                                                                  \
  }

// A generous bound for "the deadline acted": far past the deadline, far below a hang.
constexpr auto kActedWithin = 60s;

std::vector<std::string> scan_in_process(const fs::path& plugin,
                                         const std::vector<TransactionPtr>& transactions) {
  auto engine = Engine::load(PluginSource::read(plugin.string()).value(), EngineOptions{});
  REQUIRE(engine.ok());
  std::vector<std::string> found;
  for (const auto& t : transactions) {
    auto findings = engine->scan(t);
    REQUIRE(findings.ok());
    for (const Finding& f : *findings)
      found.push_back(describe(f));
  }
  return found;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::set<std::string> descriptors_of(int pid) {
  std::set<std::string> fds;
  for (const auto& entry : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
    fds.insert(entry.path().filename().string());
  return fds;
}

}  // namespace

TEST_CASE("a child process finds exactly what an in-process engine finds", "[process]") {
  REQUIRE_FORKABLE();
  auto launcher = start_launcher();
  const auto transactions = demo_transactions();
  for (const auto& entry : fs::directory_iterator(WARDEN_PLUGINS_DIR)) {
    if (entry.path().extension() != ".js")
      continue;
    INFO(entry.path().string());
    const auto expected = scan_in_process(entry.path(), transactions);
    auto source = PluginSource::read(entry.path().string()).value();
    auto worker = launcher->launch(source, EngineOptions{});
    INFO((worker ? "" : worker.error().describe()));
    REQUIRE(worker.ok());
    std::vector<std::string> found;
    const std::size_t answered = (*worker)->scan(
        transactions,
        [&](ProcessScan&& scan) {
          REQUIRE(scan.findings.ok());
          CHECK(scan.reusable);
          for (const Finding& f : *scan.findings)
            found.push_back(describe(f));
        },
        10s);
    CHECK(answered == transactions.size());
    CHECK(found == expected);
    CHECK((*worker)->exit().kind == ProcessExit::Kind::running);
    CHECK(!(*worker)->info().id.empty());
  }
}

TEST_CASE("a V8 fatal error in a child is a crash naming it and the next launch works",
          "[process]") {
  REQUIRE_FORKABLE();
  auto launcher = start_launcher();
  // RegExp's @@match on a 2^27-character string builds its result array past
  // what V8 can grow: "Fatal javascript OOM in CALL_AND_RETRY_LAST", an abort.
  auto options = small_options();
  options.limits.scan_timeout = 30s;
  auto worker = launcher->launch(
      inline_source("fatal.js", plugin_with_scan("return RegExp.prototype[Symbol.match].call(/x/g, "
                                                 "'x'.repeat(2**27));")),
      options);
  REQUIRE(worker.ok());
  const std::size_t answered = (*worker)->scan(
      {sample_transaction()}, [](ProcessScan&&) {}, kActedWithin);
  CHECK(answered == 0);
  const ProcessExit exit = (*worker)->exit();
  CHECK(exit.kind == ProcessExit::Kind::crashed);
  CHECK(exit.code != 0);
  CHECK_THAT(exit.detail, Catch::Contains("Fatal"));
  CHECK(exit.detail.size() <= 600);

  auto next = launcher->launch(inline_source("ok.js", plugin_with_scan("return [];")), options);
  REQUIRE(next.ok());
  CHECK((*next)->scan(
            {sample_transaction()}, [](ProcessScan&&) {}, 10s) == 1);
}

TEST_CASE("a builtin that ignores termination is killed at the deadline", "[process]") {
  REQUIRE_FORKABLE();
  // The realm guards stop the array-like walks (lastIndexOf on 2^32-1
  // elements); ICU's normalize() on 2^26 characters still runs in C++ for
  // ~3 s here, deaf to the engine's 300 ms TerminateExecution.
  warden::runtime::ProcessOptions process;
  process.address_space_limit_bytes = warden::runtime::kNoAddressSpaceLimit;
  auto launcher = start_launcher(process);
  auto options = small_options();
  options.limits.heap_limit_bytes = 1u << 30;
  auto worker = launcher->launch(
      inline_source("stuck.js", plugin_with_scan("'\\u00e9'.repeat(2**26).normalize('NFKD');\n"
                                                 "    return [];")),
      options);
  REQUIRE(worker.ok());
  const auto started = std::chrono::steady_clock::now();
  const std::size_t answered = (*worker)->scan(
      {sample_transaction(), sample_transaction()}, [](ProcessScan&&) {}, 1s);
  CHECK(std::chrono::steady_clock::now() - started < kActedWithin);
  CHECK(answered == 0);
  const ProcessExit exit = (*worker)->exit();
  CHECK(exit.kind == ProcessExit::Kind::killed);
  CHECK(exit.code == SIGKILL);
  CHECK_THAT(exit.detail, Catch::Contains("deadline"));
}

TEST_CASE("a child that stops reading cannot block the host", "[process]") {
  REQUIRE_FORKABLE();
  auto launcher = start_launcher();
  auto options = small_options();
  options.limits.scan_timeout = 600s;  // the engine would wait; the host must not
  auto worker =
      launcher->launch(inline_source("deaf.js", plugin_with_scan("for (;;) {}")), options);
  REQUIRE(worker.ok());
  // 32 MiB does not fit in a socket buffer: the write of the second scan
  // waits for a child that never reads again.
  auto huge = std::make_shared<warden::Transaction>(*sample_transaction());
  huge->response.body.assign(32u << 20, 'x');
  const auto started = std::chrono::steady_clock::now();
  const std::size_t answered = (*worker)->scan(
      {sample_transaction(), huge, huge}, [](ProcessScan&&) {}, 1s);
  CHECK(std::chrono::steady_clock::now() - started < kActedWithin);
  CHECK(answered == 0);
  CHECK((*worker)->exit().kind == ProcessExit::Kind::killed);
}

TEST_CASE("a child that dies while loading is a crashed load error", "[process]") {
  REQUIRE_FORKABLE();
  auto launcher = start_launcher();
  auto options = small_options();
  options.limits.load_timeout = 30s;
  auto worker = launcher->launch(
      inline_source("fatal-load.js",
                    "RegExp.prototype[Symbol.match].call(/x/g, 'x'.repeat(2**27));\n"
                    "export default { id: 'never', scan() { return []; } };\n"),
      options);
  REQUIRE(!worker.ok());
  CHECK(worker.error().code == warden::ErrorCode::crashed);
  CHECK(worker.error().file == "fatal-load.js");
  CHECK_THAT(worker.error().message, Catch::Contains("Fatal"));
}

TEST_CASE("a child's timeouts and console lines work as in-process", "[process]") {
  REQUIRE_FORKABLE();
  auto launcher = start_launcher();
  std::vector<std::string> lines;
  auto options = small_options();
  options.console = [&](warden::runtime::LogLevel level, std::string_view id,
                        std::string_view text) {
    CHECK(level == warden::runtime::LogLevel::info);
    lines.push_back(std::string(id) + ": " + std::string(text));
  };
  auto worker = launcher->launch(
      inline_source("talk.js", plugin_with_scan("console.log('saw', txn.request.url);\n"
                                                "    if (txn.id === 'loop') for (;;) {}\n"
                                                "    return [];")),
      options);
  REQUIRE(worker.ok());
  auto looping = std::make_shared<warden::Transaction>(*sample_transaction());
  looping->id = "loop";
  std::vector<ProcessScan> answers;
  const std::size_t answered = (*worker)->scan(
      {sample_transaction(), looping},
      [&](ProcessScan&& scan) { answers.push_back(std::move(scan)); }, 10s);
  REQUIRE(answered == 2);
  CHECK(lines.size() == 2);
  CHECK(lines.front() == "test-plugin: saw https://example.com/login?next=/");
  CHECK(answers[0].reusable);
  REQUIRE(!answers[1].findings.ok());
  CHECK(answers[1].findings.error().code ==
        warden::ErrorCode::timeout);  // the watchdog, in the child
  CHECK(!answers[1].reusable);
}

TEST_CASE("Intl and Date and Math.random work in a confined child as in-process", "[process]") {
  REQUIRE_FORKABLE();
  // Time zone, ICU data and randomness must not need a file or a call the
  // seccomp filter denies after the load.
  const std::string code = plugin_with_scan(
      "console.log(new Date(0).toString(), Intl.DateTimeFormat().resolvedOptions().timeZone,\n"
      "  new Date(0).toLocaleString('de-DE'),\n"
      "  new Intl.NumberFormat('ja-JP', {style: 'currency', currency: 'JPY'}).format(1234),\n"
      "  'e\\u0301'.normalize('NFC'), 'a'.localeCompare('b', 'fr'),\n"
      "  new Intl.Segmenter('th').segment('\\u0e2a\\u0e27').containing(0).segment,\n"
      "  Math.random() !== Math.random());\n"
      "return [];");
  std::vector<std::string> child_lines;
  std::vector<std::string> host_lines;
  // Roomy: the first Intl call loads ICU data, which under TSan on a loaded
  // machine can take the child past small_options' 300 ms scan limit (the
  // likely cause of one failure there: the scan failed and logged nothing).
  auto options = roomy_options();
  options.console = [&](warden::runtime::LogLevel, std::string_view, std::string_view text) {
    child_lines.emplace_back(text);
  };
  auto launcher = start_launcher();
  auto worker = launcher->launch(inline_source("intl.js", code), options);
  REQUIRE(worker.ok());
  CHECK((*worker)->scan(
            {sample_transaction()},
            [](ProcessScan&& s) {
              INFO((s.findings.ok() ? std::string{} : s.findings.error().describe()));
              CHECK(s.findings.ok());
            },
            70s) == 1);
  options.console = [&](warden::runtime::LogLevel, std::string_view, std::string_view text) {
    host_lines.emplace_back(text);
  };
  auto engine = load_code(code, options, "intl.js");
  REQUIRE(engine.ok());
  CHECK(engine->scan(sample_transaction()).ok());
  REQUIRE(child_lines.size() == 1);
  CHECK(child_lines == host_lines);
  CHECK_THAT(child_lines.front(), Catch::EndsWith(" true"));
}

TEST_CASE("a load error in a child is the engine's error with file and line", "[process]") {
  REQUIRE_FORKABLE();
  auto launcher = start_launcher();
  auto worker =
      launcher->launch(PluginSource::read(fixture("syntax_error.js")).value(), small_options());
  REQUIRE(!worker.ok());
  const auto in_process =
      Engine::load(PluginSource::read(fixture("syntax_error.js")).value(), small_options());
  REQUIRE(!in_process.ok());
  CHECK(worker.error().code == warden::ErrorCode::syntax_error);
  CHECK(worker.error().describe() == in_process.error().describe());
  CHECK(worker.error().line > 0);
}

TEST_CASE("a child hands back the code cache it made, and the next child uses it", "[process]") {
  REQUIRE_FORKABLE();
  auto launcher = start_launcher();
  auto source = PluginSource::read(std::string(WARDEN_PLUGINS_DIR) + "/cookie-flags.js").value();
  REQUIRE(source->code_cache() == nullptr);
  auto first = launcher->launch(source, EngineOptions{});
  REQUIRE(first.ok());
  REQUIRE(source->code_cache() != nullptr);
  auto second = launcher->launch(source, EngineOptions{});
  REQUIRE(second.ok());
  CHECK((*second)->info().id == (*first)->info().id);
}

TEST_CASE("a child keeps only its channel and stderr, under RLIMIT_AS and seccomp", "[process]") {
  REQUIRE_FORKABLE();
  // A descriptor the host leaks (no close-on-exec) must not reach the child.
  const int leaked = ::open("/dev/null", O_RDONLY);
  REQUIRE(leaked >= 0);
  auto launcher = start_launcher();
  auto worker =
      launcher->launch(inline_source("ok.js", plugin_with_scan("return [];")), small_options());
  ::close(leaked);
  REQUIRE(worker.ok());
  const int pid = (*worker)->pid();
  CHECK(descriptors_of(pid) == std::set<std::string>{"2", "3"});
  // The fork server that forked it runs V8 without threads: it is alone.
  const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  const int server = std::stoi(stat.substr(stat.rfind(')') + 4));
  std::size_t server_threads = 0;
  for ([[maybe_unused]] const auto& task :
       fs::directory_iterator("/proc/" + std::to_string(server) + "/task"))
    ++server_threads;
  CHECK(server_threads == 1);
  const std::string status = read_file("/proc/" + std::to_string(pid) + "/status");
  CHECK_THAT(status, Catch::Contains("Seccomp:\t2"));  // a filter is applied
  CHECK_THAT(status, Catch::Contains("NoNewPrivs:\t1"));
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)  // no RLIMIT_AS there
  // 64 MiB heap limit + 512 MiB margin.
  CHECK_THAT(read_file("/proc/" + std::to_string(pid) + "/limits"),
             Catch::Matches("[\\s\\S]*Max address space +603979776 +603979776[\\s\\S]*"));
#endif
  CHECK_THAT(launcher->confinement(), Catch::Contains("seccomp"));
}

TEST_CASE("the confinement probe is denied what a scan never needs", "[process]") {
  REQUIRE_FORKABLE();
  // popen's shell inherits this descriptor; the probe must close it.
  const int leaked = ::open("/dev/null", O_RDONLY);
  REQUIRE(leaked >= 0);
  FILE* probe = ::popen((worker_executable() + " --probe-confinement 1073741824").c_str(), "r");
  REQUIRE(probe != nullptr);
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, probe) != nullptr)
    output += buffer;
  const int status = ::pclose(probe);
  ::close(leaked);
  INFO(output);
  CHECK(status == 0);
  CHECK_THAT(output, Catch::Contains("descriptors: 2 3\n"));
  CHECK_THAT(output, Catch::Contains("threads: 1\n"));
  CHECK_THAT(output, Catch::Contains("seccomp: applied\n"));
  for (const char* call :
       {"open", "openat", "socket", "socketpair", "fork", "execve", "kill", "ptrace"}) {
    CHECK_THAT(output,
               Catch::Contains(std::string("\n") + call + ": denied (Operation not permitted)"));
  }
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)  // no RLIMIT_AS there
  CHECK_THAT(output, Catch::Contains("address space limit: 1073741824\n"));
  CHECK_THAT(output, Catch::Contains("malloc beyond the address space limit: denied"));
#endif
  CHECK(output.find("allowed") == std::string::npos);
}

TEST_CASE("a dead fork server is restarted once by the next launch", "[process]") {
  REQUIRE_FORKABLE();
  auto launcher = start_launcher();
  auto worker =
      launcher->launch(inline_source("ok.js", plugin_with_scan("return [];")), small_options());
  REQUIRE(worker.ok());
  // The child's parent is the fork server: kill it, and its child dies too.
  const std::string stat = read_file("/proc/" + std::to_string((*worker)->pid()) + "/stat");
  const int parent = std::stoi(stat.substr(stat.rfind(')') + 4));
  REQUIRE(parent > 0);
  REQUIRE(::kill(parent, SIGKILL) == 0);
  // The child dies with it (parent-death signal); wait until it has.
  const auto give_up = std::chrono::steady_clock::now() + kActedWithin;
  while (std::chrono::steady_clock::now() < give_up) {
    const std::string now = read_file("/proc/" + std::to_string((*worker)->pid()) + "/stat");
    if (now.empty() || now[now.rfind(')') + 2] == 'Z')
      break;
    std::this_thread::sleep_for(10ms);
  }
  CHECK((*worker)->scan(
            {sample_transaction()}, [](ProcessScan&&) {}, 10s) == 0);
  CHECK((*worker)->exit().kind != ProcessExit::Kind::running);
  auto next =
      launcher->launch(inline_source("ok.js", plugin_with_scan("return [];")), small_options());
  INFO((next ? "" : next.error().describe()));
  REQUIRE(next.ok());
  CHECK((*next)->scan(
            {sample_transaction()}, [](ProcessScan&&) {}, 10s) == 1);
}

TEST_CASE("a launcher names a missing worker executable", "[process]") {
  warden::runtime::ProcessOptions options;
  options.worker_executable = "/nonexistent/warden-worker";
  auto launcher = warden::runtime::ProcessLauncher::start(options);
  REQUIRE(!launcher.ok());
  CHECK_THAT(launcher.error().message, Catch::Contains("/nonexistent/warden-worker"));
}

TEST_CASE("destroying a worker or a launcher does not wait for the child", "[process]") {
  REQUIRE_FORKABLE();
  auto launcher = start_launcher();
  auto worker =
      launcher->launch(inline_source("busy.js", plugin_with_scan("for (;;) {}")), small_options());
  REQUIRE(worker.ok());
  const auto started = std::chrono::steady_clock::now();
  worker->reset();
  launcher.reset();
  CHECK(std::chrono::steady_clock::now() - started < 5s);
}
