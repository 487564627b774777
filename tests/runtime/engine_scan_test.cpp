// Engine::scan: findings round trip, every invalid_result variant, exceptions,
// async plugins, the sandbox (no host objects) and console routing.
#include <mutex>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "runtime/inert_text.hpp"
#include "tests/runtime/engine_test_support.hpp"
#include "warden/engine.hpp"

using namespace warden;
using namespace warden::test;

namespace {

// Loads a plugin with `body` as scan's body and scans the sample transaction.
Result<std::vector<Finding>> scan_with(const std::string& body,
                                       EngineOptions options = small_options()) {
  auto engine = load_code(plugin_with_scan(body), std::move(options));
  REQUIRE(engine.ok());
  return engine->scan(sample_transaction());
}

Error scan_error(const std::string& body, EngineOptions options = small_options()) {
  auto result = scan_with(body, std::move(options));
  REQUIRE_FALSE(result.ok());
  INFO(result.error().describe());
  return result.error();
}

}  // namespace

TEST_CASE("valid findings round trip with every field and the added ids", "[runtime]") {
  auto source = runtime::PluginSource::read(fixture("valid.js"));
  REQUIRE(source.ok());
  auto options = small_options();
  options.config_json = R"({"severity": "medium"})";
  auto engine = Engine::load(*source, options);
  REQUIRE(engine.ok());
  auto findings = engine->scan(sample_transaction());
  REQUIRE(findings.ok());
  REQUIRE(findings->size() == 1);
  const Finding& f = (*findings)[0];
  CHECK(f.plugin_id == "cookie-httponly");
  CHECK(f.transaction_id == "17");
  CHECK(f.url == "https://example.com/login?next=/");
  CHECK(f.title == "Cookie without HttpOnly flag");
  CHECK(f.severity == Severity::medium);
  CHECK(f.description == "The cookie can be read by scripts.");
  CHECK(f.evidence == "Set-Cookie: sid=abc; Path=/");
  CHECK(f.cwe == 1004);
  CHECK(f.confidence == Confidence::high);
  CHECK(engine->stats().executions == 1);
}

TEST_CASE("the transaction view has the contract's field names and values", "[runtime]") {
  auto findings = scan_with(R"(
    const r = txn.request, s = txn.response;
    const got = [txn.id, txn.startedDateTime, r.method, r.url, r.httpVersion,
                 r.headers.map(h => h.name + '=' + h.value).join(','), String(r.body),
                 s.status, s.statusText, s.httpVersion, s.headers[0].name, s.mimeType,
                 s.body, JSON.stringify(s.bodyEncoding)].join('|');
    return [{ title: got, severity: 'info' }];)");
  REQUIRE(findings.ok());
  CHECK((*findings)[0].title ==
        "17|2024-05-01T10:00:00.000Z|GET|https://example.com/login?next=/|HTTP/1.1|"
        "Host=example.com,Cookie=sid=abc|null|200|OK|HTTP/1.1|Content-Type|"
        "text/html; charset=utf-8|<html><body>hello</body></html>|\"\"");
}

TEST_CASE("bodies arrive intact: long ASCII zero-copy, UTF-8 decoded, invalid UTF-8 replaced",
          "[runtime]") {
  auto engine = load_code(plugin_with_scan(
      "return [{ title: txn.response.body.length + ':' + txn.response.body.slice(-3) + ':' + "
      "txn.request.body, severity: 'info' }];"));
  REQUIRE(engine.ok());
  auto t = std::make_shared<Transaction>(*sample_transaction());
  t->response.body = std::string(100000, 'a') + "xyz";
  t->request.body = "caf\xC3\xA9";
  auto findings = engine->scan(t);
  REQUIRE(findings.ok());
  CHECK((*findings)[0].title == "100003:xyz:caf\xC3\xA9");
  t->response.body = "ok\xFF";
  t->request.body.reset();
  findings = engine->scan(t);
  REQUIRE(findings.ok());
  CHECK((*findings)[0].title == "3:ok\xEF\xBF\xBD:null");  // U+FFFD
}

TEST_CASE("a transaction view outlives the caller's reference to the transaction", "[runtime]") {
  auto engine = load_code(
      "let kept;\nexport default { id: 'keeper', scan(txn) {\n"
      "  const previous = kept; kept = txn.response.body;\n"
      "  return previous ? [{ title: previous.slice(0, 5), severity: 'info' }] : []; } };\n");
  REQUIRE(engine.ok());
  {
    auto t = std::make_shared<Transaction>(*sample_transaction());
    t->response.body = "first" + std::string(4096, '-');
    REQUIRE(engine->scan(t).ok());
  }  // the engine's external string keeps the first transaction alive
  auto findings = engine->scan(sample_transaction());
  REQUIRE(findings.ok());
  CHECK((*findings)[0].title == "first");
}

TEST_CASE("an empty array is a valid result and unknown fields are ignored", "[runtime]") {
  auto none = scan_with("return [];");
  REQUIRE(none.ok());
  CHECK(none->empty());
  auto extra = scan_with("return [{ title: 't', severity: 'critical', foo: 1, cwe: null }];");
  REQUIRE(extra.ok());
  CHECK((*extra)[0].severity == Severity::critical);
  CHECK((*extra)[0].cwe == 0);
}

TEST_CASE("each invalid findings variant is an invalid_result saying exactly what is wrong",
          "[runtime]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"return 'nope';", "scan returned a string, expected an array"},
      {"return undefined;", "scan returned undefined, expected an array"},
      {"return { title: 'x' };", "scan returned an object, expected an array"},
      {"return [{ title: 'a', severity: 'low' }, { title: 'b', severity: 'low' }, "
       "{ title: 'c', severity: 'low' }, { title: '', severity: 'low' }];",
       "finding 3: title must be a non-empty string"},
      {"return [{ severity: 'low' }];", "finding 0: title must be a non-empty string"},
      {"return [{ title: 'x', severity: 'severe' }];", "finding 0: unknown severity 'severe'"},
      {"return [{ title: 'x' }];", "finding 0: severity must be one of"},
      {"return [{ title: 'x', severity: 'low' }, { title: 'y', severity: 'low', cwe: -3 }];",
       "finding 1: cwe must be a positive integer"},
      {"return [{ title: 'x', severity: 'low' }, { title: 'y', severity: 'low', cwe: 1.5 }];",
       "finding 1: cwe must be a positive integer"},
      {"return [{ title: 'x', severity: 'low', cwe: '79' }];",
       "finding 0: cwe must be a positive integer"},
      {"return [{ title: 'x', severity: 'low', confidence: 'sure' }];",
       "finding 0: confidence must be low, medium or high, got 'sure'"},
      {"return [{ title: 'x', severity: 'low', description: 5 }];",
       "finding 0: description must be a string"},
      {"return [{ title: 'x', severity: 'low', evidence: {} }];",
       "finding 0: evidence must be a string"},
      {"return [null];", "finding 0: expected an object, got null"},
      {"return [42];", "finding 0: expected an object, got a number"},
  };
  for (const auto& [body, expected] : cases) {
    INFO(body);
    Error e = scan_error(body);
    CHECK(e.code == ErrorCode::invalid_result);
    CHECK_THAT(e.message, Catch::StartsWith(expected));
  }
}

TEST_CASE("more findings than max_findings is an error and none of them count", "[runtime]") {
  auto options = small_options();
  options.limits.max_findings = 5;
  Error e = scan_error(
      "return Array.from({ length: 6 }, (_, i) => ({ title: 't' + i, severity: 'low' }));",
      options);
  CHECK(e.code == ErrorCode::invalid_result);
  CHECK_THAT(e.message, Catch::Contains("6 findings, more than the limit of 5"));
  auto ok = scan_with(
      "return Array.from({ length: 5 }, (_, i) => ({ title: 't' + i, severity: 'low' }));",
      options);
  REQUIRE(ok.ok());
  CHECK(ok->size() == 5);
}

TEST_CASE("a throwing scan is a js_exception with message, stack and line", "[runtime]") {
  auto engine = load_code(
      "export default {\n  id: 'thrower',\n  scan(txn) {\n"
      "    const x = 1;\n    throw new Error('scan broke');\n  },\n};\n",
      small_options(), "thrower.js");
  REQUIRE(engine.ok());
  auto result = engine->scan(sample_transaction());
  REQUIRE_FALSE(result.ok());
  const Error& e = result.error();
  CHECK(e.code == ErrorCode::js_exception);
  CHECK(e.file == "thrower.js");
  CHECK(e.line == 5);
  CHECK_THAT(e.message, Catch::Contains("Error: scan broke"));
  CHECK_THAT(e.stack, Catch::Contains("thrower.js:5"));
  CHECK(engine->reusable());  // an exception does not poison the isolate
  CHECK_FALSE(engine->scan(sample_transaction()).ok());
}

TEST_CASE("throwing a non-Error value or an object with a throwing toString is handled",
          "[runtime]") {
  Error e = scan_error("throw 42;");
  CHECK(e.code == ErrorCode::js_exception);
  CHECK_THAT(e.message, Catch::Contains("42"));
  Error f = scan_error("throw { toString() { throw new Error('no'); } };");
  CHECK(f.code == ErrorCode::js_exception);
}

TEST_CASE("Proxies and throwing getters in findings fail the scan without crashing", "[runtime]") {
  Error getter = scan_error(
      "return [{ get title() { throw new Error('getter says no'); }, severity: 'low' }];");
  CHECK(getter.code == ErrorCode::js_exception);
  CHECK_THAT(getter.message, Catch::Contains("getter says no"));
  Error trap = scan_error("return [new Proxy({}, { get() { throw new RangeError('trap'); } })];");
  CHECK(trap.code == ErrorCode::js_exception);
  CHECK_THAT(trap.message, Catch::Contains("trap"));
  auto revocable = scan_with(
      "const r = Proxy.revocable({ title: 't', severity: 'low' }, {}); r.revoke(); return "
      "[r.proxy];");
  REQUIRE_FALSE(revocable.ok());
  CHECK(revocable.error().code == ErrorCode::js_exception);
  Error array_proxy = scan_error("return new Proxy([], {});");
  CHECK(array_proxy.code == ErrorCode::invalid_result);
  auto proxied = scan_with(
      "return [new Proxy({}, { get(_, k) { return k === 'title' ? 'via proxy' : "
      "k === 'severity' ? 'high' : undefined; } })];");
  REQUIRE(proxied.ok());
  CHECK((*proxied)[0].title == "via proxy");
  Error index_getter = scan_error(
      "const a = [1]; Object.defineProperty(a, 0, { get() { throw new Error('idx'); } }); "
      "return a;");
  CHECK(index_getter.code == ErrorCode::js_exception);
}

TEST_CASE("an async scan's findings are collected", "[runtime]") {
  auto findings = scan_with(
      "return (async () => { await null; await Promise.resolve(); "
      "return [{ title: 'async ' + txn.id, severity: 'low' }]; })();");
  REQUIRE(findings.ok());
  REQUIRE(findings->size() == 1);
  CHECK((*findings)[0].title == "async 17");
}

TEST_CASE("a thenable returned by scan is adopted like a promise", "[runtime]") {
  auto findings = scan_with(
      "return { then(resolve) { resolve([{ title: 'thenable', severity: 'info' }]); } };");
  REQUIRE(findings.ok());
  REQUIRE(findings->size() == 1);
  CHECK((*findings)[0].title == "thenable");
}

TEST_CASE("a rejected scan promise is a js_exception with the rejection's line", "[runtime]") {
  auto engine = load_code(
      "export default { id: 'r',\n  async scan(txn) {\n    await null;\n"
      "    throw new TypeError('async failure');\n  } };\n");
  REQUIRE(engine.ok());
  auto result = engine->scan(sample_transaction());
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::js_exception);
  CHECK(result.error().line == 4);
  CHECK_THAT(result.error().message, Catch::Contains("TypeError: async failure"));
}

TEST_CASE("a promise that never settles is a timeout", "[runtime]") {
  // Reported at once, not after idling until the deadline: once the microtask
  // queue is empty nothing can settle it. A deadline far longer than the
  // bound makes "at once" checkable without a tight wall-clock bound.
  auto options = small_options();
  options.limits.scan_timeout = 60s;
  auto engine = load_code(plugin_with_scan("return new Promise(() => {});"), options);
  REQUIRE(engine.ok());
  auto start = std::chrono::steady_clock::now();
  auto result = engine->scan(sample_transaction());
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::timeout);
  CHECK_THAT(result.error().message, Catch::Contains("promise did not settle within 60000 ms"));
  CHECK(std::chrono::steady_clock::now() - start < kStoppedWithin);
  CHECK_FALSE(engine->reusable());
}

TEST_CASE("host objects are absent: require, process, fetch and timers throw ReferenceError",
          "[runtime]") {
  for (std::string call : {"require('fs')", "process.exit(1)", "fetch('https://x')",
                           "setTimeout(() => {}, 1)", "setInterval(() => {}, 1)",
                           "queueMicrotask2()", "XMLHttpRequest", "Deno", "Buffer.from('x')"}) {
    INFO(call);
    Error e = scan_error(call + "; return [];");
    CHECK(e.code == ErrorCode::js_exception);
    CHECK_THAT(e.message, Catch::Contains("ReferenceError"));
  }
  auto globals = scan_with(
      "return [{ title: [typeof globalThis.require, typeof globalThis.process, "
      "typeof WebAssembly, typeof console.log, typeof JSON, typeof Intl].join(','), "
      "severity: 'info' }];");
  REQUIRE(globals.ok());
  CHECK((*globals)[0].title == "undefined,undefined,undefined,function,object,object");
}

TEST_CASE("console output reaches the sink with the plugin id and level", "[runtime]") {
  struct Line {
    runtime::LogLevel level;
    std::string plugin;
    std::string text;
  };
  std::vector<Line> lines;
  auto options = small_options();
  options.console = [&lines](runtime::LogLevel level, std::string_view plugin,
                             std::string_view text) {
    lines.push_back({level, std::string(plugin), std::string(text)});
  };
  auto engine = load_code(
      "export default { id: 'talker', scan(txn) {\n"
      "  const cyclic = {}; cyclic.self = cyclic;\n"
      "  console.log('scan', txn.id, { a: 1 }, [1, 2], null, undefined, 3.5);\n"
      "  console.info('info'); console.warn('warn'); console.error(new Error('bad'));\n"
      "  console.debug(Symbol('s'), cyclic, 10n, () => 1);\n"
      "  console.log('x'.repeat(100000));\n"
      "  return []; } };\n",
      options);
  REQUIRE(engine.ok());
  REQUIRE(engine->scan(sample_transaction()).ok());
  REQUIRE(lines.size() == 6);
  CHECK(lines[0].plugin == "talker");
  CHECK(lines[0].level == runtime::LogLevel::info);
  CHECK(lines[0].text == "scan 17 {\"a\":1} [1,2] null undefined 3.5");
  CHECK(lines[1].level == runtime::LogLevel::info);
  CHECK(lines[2].level == runtime::LogLevel::warn);
  CHECK(lines[3].level == runtime::LogLevel::error);
  CHECK(lines[3].text == "Error: bad");
  CHECK(lines[4].level == runtime::LogLevel::debug);
  CHECK(lines[4].text == "Symbol(s) [object Object] 10 [Function]");
  CHECK(lines[5].text.size() < 9000);
  // Cut at EngineLimits::max_text_bytes (4 KiB), marked with how much was cut.
  CHECK_THAT(lines[5].text, Catch::EndsWith(cut_marker(100000 - 4096)));
}

TEST_CASE("a console sink that throws does not break the scan", "[runtime]") {
  auto options = small_options();
  options.console = [](runtime::LogLevel, std::string_view, std::string_view) {
    throw std::runtime_error("sink down");
  };
  auto findings = scan_with("console.log('x'); return [];", options);
  CHECK(findings.ok());
}

TEST_CASE("state and queued microtasks do not leak between scans", "[runtime]") {
  auto engine = load_code(
      "let n = 0;\nexport default { id: 'counter', scan(txn) {\n"
      "  n++; Promise.resolve().then(() => { n += 100; });\n"
      "  return [{ title: String(n), severity: 'info' }]; } };\n");
  REQUIRE(engine.ok());
  auto first = engine->scan(sample_transaction());
  auto second = engine->scan(sample_transaction());
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK((*first)[0].title == "1");
  CHECK((*second)[0].title == "102");  // the first scan's microtask ran inside the first scan
  CHECK(engine->stats().executions == 2);
  CHECK(engine->stats().heap_used_bytes > 0);
  CHECK(engine->stats().heap_limit_bytes >= (64u << 20));
}

TEST_CASE("the report after a scan gives the heap figure GetHeapStatistics reads", "[runtime]") {
  auto engine = load_code(
      "const keep = [];\nexport default { id: 'grower', scan(txn) {\n"
      "  keep.push(new Array(1000).fill(txn.id)); return []; } };\n");
  REQUIRE(engine.ok());
  CHECK(engine->heap_used_after_last_scan() > 0);  // read by the load's memory check
  for (int i = 0; i < 50; ++i)
    REQUIRE(engine->scan(sample_transaction()).ok());
  const runtime::EngineStats stats = engine->stats();
  CHECK(engine->executions() == 50);
  CHECK(engine->executions() == stats.executions);
  // The same sum over the same spaces; only V8's concurrent sweeper may move
  // it between the two reads.
  const std::size_t quick = engine->heap_used_after_last_scan();
  const std::size_t full = stats.heap_used_bytes;
  CHECK(quick + (1u << 20) > full);
  CHECK(full + (1u << 20) > quick);
}
