#pragma once
// Helpers shared by the engine_*_test.cpp files: inline plugin sources, a
// sample transaction and small engine options so failing cases stay fast.

#include <chrono>
#include <memory>
#include <string>

#include "warden/engine.hpp"

namespace warden::test {

using namespace std::chrono_literals;
using runtime::Engine;
using runtime::EngineOptions;
using runtime::PluginSource;
using runtime::PluginSourcePtr;

inline PluginSourcePtr inline_source(const std::string& path, const std::string& code) {
  return std::make_shared<const PluginSource>(path, code);
}

inline std::string fixture(const std::string& name) {
  return std::string(WARDEN_FIXTURES) + "/engine/" + name;
}

// Upper bound for "the limit stopped it, it did not run to completion" (the
// code under test never ends on its own). Seconds, so that ctest -j and
// sanitizers on a loaded 2-core machine cannot make it flake; how quickly a
// limit acts is a benchmark's claim, not a test's.
inline constexpr std::chrono::milliseconds kStoppedWithin = 5s;

// The watchdog names the line a script was on when its deadline hit only if
// its interrupt runs on the JavaScript thread within a short grace; when that
// thread is not scheduled in time (a loaded machine), the isolate is
// terminated without a line (0). So a test of that line takes the first run's
// and, while it is 0, that of another run stopped the same way (`rerun`
// returns its Error), up to kLineTries runs: the first line named must be
// right, and one must be named.
inline constexpr int kLineTries = 20;

template <typename Rerun>
int line_where_stopped(const Error& first, Rerun rerun) {
  int line = first.line;
  for (int run = 1; line == 0 && run < kLineTries; ++run)
    line = rerun().line;
  return line;
}

inline EngineOptions small_options() {
  EngineOptions options;
  options.limits.scan_timeout = 300ms;
  options.limits.load_timeout = 1s;
  options.limits.heap_limit_bytes = 64u << 20;
  return options;
}

// small_options() for a case whose scan does real work (a deep structure, a
// large array) and checks what it gives, not how fast: on a loaded 2-core
// machine such a scan can take longer than 300 ms, and a timeout there would
// fail the case for no fault of the code under test.
inline EngineOptions roomy_options() {
  EngineOptions options = small_options();
  options.limits.scan_timeout = 60s;
  return options;
}

// A plugin whose scan(txn) body is `body`.
inline std::string plugin_with_scan(const std::string& body) {
  return "export default {\n  id: 'test-plugin',\n  scan(txn) {\n" + body + "\n  },\n};\n";
}

inline Result<Engine> load_code(const std::string& code, EngineOptions options = small_options(),
                                const std::string& path = "inline.js") {
  return Engine::load(inline_source(path, code), std::move(options));
}

inline TransactionPtr sample_transaction() {
  auto t = std::make_shared<Transaction>();
  t->id = "17";
  t->started_date_time = "2024-05-01T10:00:00.000Z";
  t->request.method = "GET";
  t->request.url = "https://example.com/login?next=/";
  t->request.http_version = "HTTP/1.1";
  t->request.headers = {{"Host", "example.com"}, {"Cookie", "sid=abc"}};
  t->response.status = 200;
  t->response.status_text = "OK";
  t->response.http_version = "HTTP/1.1";
  t->response.headers = {{"Content-Type", "text/html; charset=utf-8"},
                         {"Set-Cookie", "sid=abc; Path=/"}};
  t->response.mime_type = "text/html; charset=utf-8";
  t->response.body = "<html><body>hello</body></html>";
  return t;
}

}  // namespace warden::test
