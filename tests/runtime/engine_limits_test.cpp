// Hostile plugins: loops, allocation bombs, runaway recursion and the other
// ways a plugin could try to abort V8 or eat host memory. Each must fail only
// its own scan (docs/design.md, "Guarantees", 3), and the process must live on.
#include <catch2/catch.hpp>

#include "tests/runtime/engine_test_support.hpp"
#include "warden/engine.hpp"

using namespace warden;
using namespace warden::test;
using Clock = std::chrono::steady_clock;

namespace {

Engine must_load(const std::string& code, EngineOptions options = small_options()) {
  auto engine = load_code(code, std::move(options), "hostile.js");
  if (!engine.ok())
    FAIL(engine.error().describe());
  return std::move(engine).value();
}

// A fresh engine still works: nothing the hostile plugin did leaked into V8's
// process-wide state.
void check_fresh_engine_works() {
  auto engine = must_load(plugin_with_scan("return [{ title: 'alive', severity: 'info' }];"));
  auto findings = engine.scan(sample_transaction());
  REQUIRE(findings.ok());
  CHECK((*findings)[0].title == "alive");
}

Error scan_error(const std::string& body, EngineOptions options = small_options()) {
  auto engine = must_load(plugin_with_scan(body), std::move(options));
  auto result = engine.scan(sample_transaction());
  REQUIRE_FALSE(result.ok());
  INFO(result.error().describe());
  return result.error();
}

// Like scan_error, but times the scan alone (not the load) into `elapsed`.
Error timed_scan_error(const std::string& body, EngineOptions options, Clock::duration& elapsed) {
  auto engine = must_load(plugin_with_scan(body), std::move(options));
  auto start = Clock::now();
  auto result = engine.scan(sample_transaction());
  elapsed = Clock::now() - start;
  REQUIRE_FALSE(result.ok());
  INFO(result.error().describe());
  return result.error();
}

}  // namespace

TEST_CASE("an infinite loop is stopped within the time limit and the engine is retired",
          "[runtime]") {
  auto source = runtime::PluginSource::read(fixture("infinite_loop.js"));
  REQUIRE(source.ok());
  auto options = small_options();
  options.limits.scan_timeout = 100ms;
  auto engine = Engine::load(*source, options);
  REQUIRE(engine.ok());
  auto start = Clock::now();
  auto result = engine->scan(sample_transaction());
  auto elapsed = Clock::now() - start;
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::timeout);
  CHECK(result.error().file == fixture("infinite_loop.js"));
  // Where the loop was when the deadline hit.
  CHECK(line_where_stopped(result.error(), [&] {
          auto fresh = Engine::load(*source, options);
          REQUIRE(fresh.ok());
          auto stopped = fresh->scan(sample_transaction());
          REQUIRE_FALSE(stopped.ok());
          CHECK(stopped.error().code == ErrorCode::timeout);
          return stopped.error();
        }) == 6);
  CHECK_THAT(result.error().message, Catch::Contains("ran past 100 ms"));
  CHECK(elapsed >= 100ms);
  CHECK(elapsed < 100ms + kStoppedWithin);
  CHECK_FALSE(engine->reusable());
  auto again = engine->scan(sample_transaction());
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::engine_unusable);
  check_fresh_engine_works();
}

TEST_CASE("a loop inside an async continuation is stopped too", "[runtime]") {
  auto options = small_options();
  options.limits.scan_timeout = 100ms;
  Clock::duration elapsed{};
  Error e =
      timed_scan_error("return (async () => { await null; for (;;) {} })();", options, elapsed);
  CHECK(e.code == ErrorCode::timeout);
  CHECK(elapsed < 100ms + kStoppedWithin);
  check_fresh_engine_works();
}

TEST_CASE("a catastrophic regex is stopped by the time limit", "[runtime]") {
  auto options = small_options();
  options.limits.scan_timeout = 100ms;
  Clock::duration elapsed{};
  Error e = timed_scan_error("/^(a+)+$/.test('a'.repeat(40) + 'b'); return [];", options, elapsed);
  CHECK(e.code == ErrorCode::timeout);
  CHECK(elapsed < 100ms + kStoppedWithin);
}

TEST_CASE("a loop in a finding getter or a Proxy trap is stopped", "[runtime]") {
  auto options = small_options();
  options.limits.scan_timeout = 100ms;
  Error getter = scan_error("return [{ get title() { for (;;) {} }, severity: 'low' }];", options);
  CHECK(getter.code == ErrorCode::timeout);
  Error trap = scan_error("return [new Proxy({}, { get() { for (;;) {} } })];", options);
  CHECK(trap.code == ErrorCode::timeout);
}

TEST_CASE("an exception whose toString loops is stopped while it is being described", "[runtime]") {
  // Bug: the exception was turned into text after the deadline was disarmed,
  // so plugin code in toString ran without a time limit.
  auto options = small_options();
  options.limits.scan_timeout = 100ms;
  Clock::duration elapsed{};
  Error e = timed_scan_error("throw { toString() { for (;;) {} } };", options, elapsed);
  CHECK(e.code == ErrorCode::timeout);
  CHECK(elapsed < 100ms + kStoppedWithin);
}

TEST_CASE("a timeout does not leak into the next engine's scans", "[runtime]") {
  // A termination requested for one script must never hit a later one: the
  // watchdog's disarm and its firing exclude each other, and a fired
  // termination is cancelled before the engine reports the timeout.
  auto tight = small_options();
  tight.limits.scan_timeout = 50ms;
  // The next engines get a roomy limit, so that only a leaked termination,
  // never a slow machine, can fail their scans.
  auto roomy = small_options();
  roomy.limits.scan_timeout = kStoppedWithin;
  for (int i = 0; i < 5; ++i) {
    {
      auto looping = must_load(plugin_with_scan("for (;;) {}"), tight);
      auto timed_out = looping.scan(sample_transaction());
      REQUIRE_FALSE(timed_out.ok());
      REQUIRE(timed_out.error().code == ErrorCode::timeout);
    }
    auto fast = must_load(plugin_with_scan("return [];"), roomy);
    for (int j = 0; j < 50; ++j)
      REQUIRE(fast.scan(sample_transaction()).ok());
  }
  // Scans that end right around the deadline are either fine or a timeout,
  // never a confused error, and the engine after them works.
  auto edgy = must_load(
      plugin_with_scan("const end = Date.now() + 49; while (Date.now() < end) {} return [];"),
      tight);
  auto result = edgy.scan(sample_transaction());
  CHECK((result.ok() || result.error().code == ErrorCode::timeout));
  check_fresh_engine_works();
}

TEST_CASE("an allocation bomb fails with out_of_memory and the process lives", "[runtime]") {
  auto source = runtime::PluginSource::read(fixture("allocation_bomb.js"));
  REQUIRE(source.ok());
  auto options = small_options();
  options.limits.scan_timeout = 10s;  // the heap limit must trip first
  auto engine = Engine::load(*source, options);
  REQUIRE(engine.ok());
  auto start = Clock::now();
  auto result = engine->scan(sample_transaction());
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::out_of_memory);
  CHECK_THAT(result.error().message, Catch::Contains("heap limit of 64 MB"));
  CHECK(Clock::now() - start < 10s);
  CHECK_FALSE(engine->reusable());
  CHECK(engine->scan(sample_transaction()).error().code == ErrorCode::engine_unusable);
  engine = Error{};  // the spent engine goes before the fresh one is made
  check_fresh_engine_works();
}

TEST_CASE("strings, tables and builtins that allocate in one go are contained", "[runtime]") {
  // Each of these aborted V8 (the whole process) before the engine's headroom
  // and realm hardening: table doubling past the limit, Array.prototype.fill's
  // uninterruptible C++ loop on huge sparse arrays, split/match results larger
  // than V8's largest array ("Fatal JavaScript invalid size error").
  auto options = small_options();
  options.limits.scan_timeout = 3s;
  const std::vector<std::string> bombs = {
      "let s = 'x'; for (;;) s = s + s;",
      "'x'.repeat(2 ** 29);",
      "const a = []; for (let i = 0;; i++) a.push('s' + i);",
      "const m = new Map(); for (let i = 0;; i++) m.set(i, i);",
      "new Array(1.2e8).fill(0);",
      "Array(2 ** 27).fill(1.5);",
      "const a = []; a.length = 2 ** 32 - 1; a.fill(0);",
      "Array.prototype.fill.call({ length: 2 ** 40 }, 1);",
      "Array.from({ length: 5e7 }, (_, i) => i);",
      "JSON.stringify(Array(1e7).fill('abcdefghij'));",
      "const o = {}; for (let i = 0;; i++) o['k' + i] = i;",
      "[].concat(...Array(2e5).fill(Array(1000).fill(1)));",
      "let s = 'x'; for (let i = 0; i < 28; i++) s += s; s.split('');",
      "'a'.repeat(2 ** 27).match(/a/g);",
      "'a'.repeat(2 ** 27).replace(/a/g, 'bb');",
  };
  for (const auto& bomb : bombs) {
    INFO(bomb);
    Error e = scan_error(bomb + " return [];", options);
    CHECK((e.code == ErrorCode::out_of_memory || e.code == ErrorCode::js_exception ||
           e.code == ErrorCode::timeout));
  }
  check_fresh_engine_works();
}

TEST_CASE("the hardened fill, split, match and replace still behave like the built-ins",
          "[runtime]") {
  auto engine = must_load(plugin_with_scan(R"(
    const got = [[1, 2, 3].fill(9, -2).join(), Array(3).fill(0).join(), 'a,b'.split(',').length,
                 'abc'.replace('b', 'x'), 'aXa'.match(/a/g).length, 'aa'.replaceAll('a', 'b'),
                 Array(2e6).fill(7)[1999999], Array.prototype.fill.name];
    return [{ title: got.join('|'), severity: 'info' }];)"),
                          roomy_options());  // 2e6 elements filled
  auto findings = engine.scan(sample_transaction());
  INFO((findings.ok() ? std::string("ok") : findings.error().describe()));
  REQUIRE(findings.ok());
  CHECK((*findings)[0].title == "1,9,9|0,0,0|2|axc|2|bb|7|fill");
}

TEST_CASE(
    "String objects and long array-likes are refused by the realm's guards, at once and without "
    "a fatal error",
    "[runtime]") {
  // split/match/replace on a String object of 2**27+ characters reached V8's
  // fatal array allocation; these Array.prototype methods walk 2**32-1
  // indices without ever checking for interrupts (hours past the time limit).
  auto options = small_options();
  options.limits.scan_timeout = 500ms;
  const std::vector<std::string> hostile = {
      "let s = 'x'; for (let i = 0; i < 28; i++) s += s; new String(s).split('');",
      "String.prototype.match.call(new String('a'.repeat(2 ** 27)), /a/g);",
      "Object('a'.repeat(2 ** 27)).replace(/a/g, 'bb');",
      "Array.prototype.lastIndexOf.call({ length: 2 ** 32 - 1 }, 1);",
      "Array.prototype.reverse.call({ length: 2 ** 32 - 1 });",
      "Array.prototype.unshift.call({ length: 2 ** 32 - 3 }, 1);",
      "Array.prototype.forEach.call({ length: 2 ** 32 - 1 }, () => {});",
      "Array.prototype.slice.call({ length: 2 ** 32 - 1 }, 0, 2 ** 31);",
      "Array.prototype.join.call({ length: 2 ** 32 - 1 });",
      "const a = []; a[2 ** 32 - 2] = 0; a.copyWithin(0, 1);",
      "const a = []; a[2 ** 32 - 2] = 0; a.lastIndexOf(1);",
      "Array.prototype.sort.call({ length: 2 ** 32 - 1 });",  // was a fatal OOM
  };
  for (const auto& code : hostile) {
    INFO(code);
    Clock::duration elapsed{};
    Error e = timed_scan_error(code + " return [];", options, elapsed);
    CHECK(e.code == ErrorCode::js_exception);
    CHECK_THAT(e.message, Catch::Contains("RangeError"));
    CHECK(elapsed < 5s);
  }
  check_fresh_engine_works();
}

TEST_CASE("the guarded Array methods and String objects still behave like the built-ins",
          "[runtime]") {
  auto engine = must_load(plugin_with_scan(R"(
    const got = [[1, 2, 3, 1].lastIndexOf(1), [3, 2, 1].reverse().join(''),
                 Array.prototype.join.call('abc', '-'), [1, 2].slice(1)[0], [[1], [2]].flat().length,
                 new String('a,b').split(',').length, Object('aXa').match(/a/g).length,
                 new String('abc').replace('b', 'x'), Array.prototype.forEach.name,
                 Array.prototype.lastIndexOf.length, [1, 2, 3].map((x) => x * 2).join(),
                 Array.prototype.includes.call({ length: 2, 1: 'y' }, 'y')];
    return [{ title: got.join('|'), severity: 'info' }];)"));
  auto findings = engine.scan(sample_transaction());
  REQUIRE(findings.ok());
  CHECK((*findings)[0].title == "3|123|a-b-c|2|2|2|2|axc|forEach|1|2,4,6|true");
}

TEST_CASE("case conversion and normalization of giant strings are refused, not fatal",
          "[runtime]") {
  // '\u0101'.repeat(2 ** 29 - 24).toUpperCase() flattened 1 GiB past the heap
  // limit and then asked for a second 1 GiB: "Fatal javascript OOM", the
  // process gone (a hostile plugin in tests/hostile found it).
  auto options = small_options();
  options.limits.scan_timeout = 500ms;
  const std::vector<std::string> hostile = {
      "let s = '\\u0101'; for (let i = 0; i < 28; i++) s += s; s.toUpperCase();",
      "let s = '\\u0101'; for (let i = 0; i < 28; i++) s += s; s.toLocaleLowerCase('tr');",
      "new String('a'.repeat(2 ** 27)).toLowerCase();",
      "String.prototype.toLocaleUpperCase.call({ toString: () => 'b'.repeat(2 ** 27) });",
      "'e\\u0301'.repeat(2 ** 27).normalize('NFC');",
  };
  for (const auto& code : hostile) {
    INFO(code);
    Clock::duration elapsed{};
    Error e = timed_scan_error(code + " return [];", options, elapsed);
    CHECK(e.code == ErrorCode::js_exception);
    CHECK_THAT(e.message,
               Catch::Contains("RangeError") && Catch::Contains("Invalid string length"));
    CHECK(elapsed < 5s);
  }
  check_fresh_engine_works();
}

TEST_CASE("the guarded case conversions and normalize still behave like the built-ins",
          "[runtime]") {
  auto engine = must_load(plugin_with_scan(R"(
    const got = ['aBc'.toUpperCase(), new String('XyZ').toLowerCase(), 'i'.toLocaleUpperCase('tr'),
                 'I'.toLocaleLowerCase('en-US'), 'e\u0301'.normalize().length,
                 'e\u0301'.normalize('NFD').length, String.prototype.toUpperCase.name,
                 String.prototype.normalize.length, String.prototype.toLocaleUpperCase.length];
    let refused = '';
    try { String.prototype.toUpperCase.call(null); } catch (e) { refused = e.constructor.name; }
    return [{ title: got.join('|') + '|' + refused, severity: 'info' }];)"));
  auto findings = engine.scan(sample_transaction());
  REQUIRE(findings.ok());
  CHECK((*findings)[0].title == "ABC|xyz|\u0130|i|1|2|toUpperCase|0|0|TypeError");
}

TEST_CASE("repeat, padStart, padEnd, Array.from and concat past their bounds are refused at once",
          "[runtime]") {
  // '\u0100'.repeat(2 ** 29 - 24) flattened into one 1 GiB allocation past a
  // 64 MiB heap limit, and Array.from / concat on a length of 2**32-1 grew an
  // array to 1.2 GB before the termination took effect (tests/hostile).
  auto options = small_options();
  options.limits.scan_timeout = 500ms;
  const std::vector<std::string> hostile = {
      "'\\u0100'.repeat(2 ** 29 - 24).charCodeAt(5);",
      "'ab'.repeat(2 ** 26 + 1);",
      "'x'.padStart(2 ** 28, '\\u0101');",
      "''.padEnd({ valueOf: () => 2 ** 29 - 24 }, 'y');",
      "new String('z').repeat(2 ** 28);",
      "Array.from({ length: 2 ** 32 - 1 });",
      "const a = []; a.length = 2 ** 32 - 1; a.concat(a);",
  };
  for (const auto& code : hostile) {
    INFO(code);
    Clock::duration elapsed{};
    Error e = timed_scan_error(code + " return [];", options, elapsed);
    CHECK(e.code == ErrorCode::js_exception);
    CHECK_THAT(e.message, Catch::Contains("RangeError"));
    CHECK(elapsed < 5s);
  }
  check_fresh_engine_works();
}

TEST_CASE("the guarded repeat, padStart, padEnd, Array.from and concat behave like the built-ins",
          "[runtime]") {
  auto engine = must_load(plugin_with_scan(R"(
    let reads = 0;
    const three = { valueOf() { reads++; return 3; } };
    const got = ['ab'.repeat(3), 'x'.repeat(0), ''.repeat(2 ** 40), '5'.padStart(3, '0'),
                 '5'.padEnd(three, '-'), reads, new String('q').repeat('2'),
                 Array.from('abc').join(''), Array.from({ length: 2 }, (_, i) => i * 2).join(),
                 Array.from(new Set([1, 1, 2])).length, [1].concat([2], 3).join(),
                 String.prototype.repeat.name, String.prototype.padStart.length,
                 Array.from.length];
    let refused = '';
    try { 'a'.repeat(-1); } catch (e) { refused = e.constructor.name; }
    return [{ title: got.join('|') + '|' + refused, severity: 'info' }];)"));
  auto findings = engine.scan(sample_transaction());
  REQUIRE(findings.ok());
  CHECK((*findings)[0].title == "ababab|||005|5--|1|qq|abc|0,2|2|1,2,3|repeat|1|1|RangeError");
}

TEST_CASE("listing the elements of a huge typed array is refused, a small one as the built-ins do",
          "[runtime]") {
  // Object.values(new Uint8Array(6e7)) was one 480 MB allocation past a
  // 64 MiB heap limit in a loop that ignores the time limit (tests/hostile).
  auto options = small_options();
  options.limits.scan_timeout = 500ms;
  const std::vector<std::string> hostile = {
      "Object.values(new Uint8Array(6e7));",
      "Object.keys(new Uint8Array(2 ** 22 + 1));",
      "Object.entries(new Int8Array(6e7));",
      "Reflect.ownKeys(new Uint8Array(6e7));",
      "Object.getOwnPropertyNames(new Uint8ClampedArray(6e7));",
      "Object.getOwnPropertyDescriptors(new Uint8Array(6e7));",
      "Object.assign({}, { a: 1 }, new Uint8Array(6e7));",
  };
  for (const auto& code : hostile) {
    INFO(code);
    Clock::duration elapsed{};
    Error e = timed_scan_error(code + " return [];", options, elapsed);
    CHECK(e.code == ErrorCode::js_exception);
    CHECK_THAT(e.message, Catch::Contains("RangeError") && Catch::Contains("typed array"));
    CHECK(elapsed < 5s);
  }
  auto engine = must_load(plugin_with_scan(R"(
    const small = new Uint8Array([5, 6]);
    const got = [Object.values(small).join(), Object.keys(small).join(),
                 Object.entries(small).length, Reflect.ownKeys(small).length,
                 Object.keys({ a: 1, b: 2 }).join(), Object.assign({}, small)[1],
                 Object.keys(new DataView(new ArrayBuffer(8))).length, Object.values.name,
                 Object.assign.length, Reflect.ownKeys.length];
    return [{ title: got.join('|'), severity: 'info' }];)"));
  auto findings = engine.scan(sample_transaction());
  REQUIRE(findings.ok());
  CHECK((*findings)[0].title == "5,6|0,1|2|2|a,b|6|0|values|2|1");
}

TEST_CASE("huge ArrayBuffers are refused by the counting allocator", "[runtime]") {
  Error one = scan_error("new ArrayBuffer(2 ** 31); return [];");
  CHECK(one.code == ErrorCode::js_exception);
  CHECK_THAT(one.message, Catch::Contains("RangeError"));
  // 64 MB cap: the first buffer fits, a second one does not.
  Error many = scan_error(
      "const keep = []; for (let i = 0; i < 100; i++) keep.push(new Uint8Array(40 << 20)); "
      "return [];");
  CHECK(many.code == ErrorCode::js_exception);
  CHECK_THAT(many.message, Catch::Contains("RangeError"));
  auto engine = must_load(plugin_with_scan(
      "const b = new Uint8Array(40 << 20); b[5] = 1; return [{ title: String(b[5]), severity: "
      "'info' }];"));
  for (int i = 0; i < 10; ++i) {
    auto ok = engine.scan(sample_transaction());  // freed buffers give their budget back
    if (!ok.ok()) {
      CHECK(ok.error().code == ErrorCode::js_exception);  // only if GC has not run yet
    }
  }
  check_fresh_engine_works();
}

TEST_CASE("runaway recursion is a RangeError js_exception and the engine stays usable",
          "[runtime]") {
  auto engine = must_load(
      "function down(n) { return down(n + 1) + 1; }\n"
      "export default { id: 'deep', scan(txn) { return down(0); } };\n");
  for (int i = 0; i < 3; ++i) {
    auto result = engine.scan(sample_transaction());
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == ErrorCode::js_exception);
    CHECK_THAT(result.error().message, Catch::Contains("Maximum call stack size exceeded"));
    CHECK(result.error().line == 1);
  }
  CHECK(engine.reusable());
}

TEST_CASE("deep recursion through getters, toString and JSON is contained", "[runtime]") {
  const std::vector<std::string> cases = {
      "const o = {}; Object.defineProperty(o, 'x', { get() { return this.x; } }); o.x;",
      "const o = { toString() { return String(this); } }; String(o);",
      "let a = []; for (let i = 0; i < 1e5; i++) a = [a]; JSON.stringify(a);",
      "let a = []; for (let i = 0; i < 1e5; i++) a = [a]; String(a);",
      "const p = new Proxy({}, { get(t, k, r) { return r[k]; } }); p.x;",
      "function f() { return new Promise(r => r(f())); } return f();",
  };
  for (const auto& code : cases) {
    INFO(code);
    Error e = scan_error(code + " return [];", roomy_options());  // 1e5 levels built
    CHECK(e.code == ErrorCode::js_exception);
  }
}

TEST_CASE("console.log of hostile values cannot crash or hang the host", "[runtime]") {
  std::size_t lines = 0;
  auto options = roomy_options();  // 1e5 levels built and printed
  options.console = [&lines](runtime::LogLevel, std::string_view, std::string_view) { ++lines; };
  auto engine =
      must_load(plugin_with_scan(
                    "let a = []; for (let i = 0; i < 1e5; i++) a = [a];\n"
                    "console.log(a);\n"
                    "console.log({ toJSON() { throw new Error('x'); } });\n"
                    "console.log(new Proxy({}, { get() { throw 1; }, ownKeys() { throw 2; } }));\n"
                    "console.log(Object.create(null));\n"
                    "return [];"),
                options);
  CHECK(engine.scan(sample_transaction()).ok());
  CHECK(lines == 4);
}

TEST_CASE("Atomics.wait cannot block the engine thread", "[runtime]") {
  Error e = scan_error("Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); return [];");
  CHECK(e.code == ErrorCode::js_exception);
  CHECK_THAT(e.message, Catch::Contains("Atomics.wait"));
}

TEST_CASE("WebAssembly is not reachable from a plugin", "[runtime]") {
  Error e = scan_error("new WebAssembly.Memory({ initial: 1, maximum: 65536 }); return [];");
  CHECK(e.code == ErrorCode::js_exception);
  CHECK_THAT(e.message, Catch::Contains("ReferenceError"));
}

TEST_CASE("eval and Function work inside the sandbox without reaching the host", "[runtime]") {
  auto engine = must_load(plugin_with_scan(
      "return [{ title: String(eval('1 + 1')) + typeof Function('return this')().process, "
      "severity: 'info' }];"));
  auto findings = engine.scan(sample_transaction());
  REQUIRE(findings.ok());
  CHECK((*findings)[0].title == "2undefined");
}

TEST_CASE("a plugin cannot corrupt built-ins the engine relies on", "[runtime]") {
  // The engine reads findings with V8's API, not with JS built-ins a plugin can replace.
  auto findings = must_load(
                      "Array.isArray = () => false; JSON.stringify = () => { throw 2; };\n"
                      "Promise.prototype.then = function () { throw 3; };\n"
                      "Object.prototype.then = undefined;\n"
                      "export default { id: 'vandal', scan() {\n"
                      "  console.log({});\n"
                      "  return [{ title: 'still fine', severity: 'low' }]; } };\n")
                      .scan(sample_transaction());
  REQUIRE(findings.ok());
  CHECK((*findings)[0].title == "still fine");
}

TEST_CASE("a batch gives each scan its own result and stops after a timeout", "[runtime]") {
  // The transaction's id picks what the scan does: find, throw, loop forever.
  auto options = small_options();
  options.limits.scan_timeout = 100ms;
  auto engine = load_code(R"(
    export default { id: 'batch', scan(txn) {
      if (txn.id === 'throw') throw new Error('bad ' + txn.id);
      if (txn.id === 'loop') for (;;) {}
      return [{ title: 'seen ' + txn.id, severity: 'info' }];
    } };)",
                          options);
  REQUIRE(engine.ok());
  std::vector<TransactionPtr> batch;
  for (const char* id : {"a", "throw", "b", "loop", "c"}) {
    auto t = std::make_shared<Transaction>(*sample_transaction());
    t->id = id;
    batch.push_back(t);
  }
  std::vector<std::string> seen;
  const std::size_t scanned = engine->scan_batch(batch, [&](std::size_t index,
                                                            Result<std::vector<Finding>> result) {
    CHECK(index == seen.size());
    if (result.ok()) {
      REQUIRE(result->size() == 1);
      seen.push_back((*result)[0].title + " " + (*result)[0].transaction_id);
    } else {
      seen.push_back(std::string(to_string(result.error().code)) + " " + result.error().message);
    }
    return engine->reusable();
  });
  CHECK(scanned == 4);  // the scan after the timeout is left to a fresh engine
  REQUIRE(seen.size() == 4);
  CHECK(seen[0] == "seen a a");
  CHECK_THAT(seen[1], Catch::StartsWith("js_exception") && Catch::Contains("bad throw"));
  CHECK(seen[2] == "seen b b");
  CHECK_THAT(seen[3], Catch::StartsWith("timeout") && Catch::Contains("ran past 100 ms"));
  CHECK_FALSE(engine->reusable());
  // A batch on an unusable engine answers engine_unusable, scan by scan.
  std::vector<ErrorCode> codes;
  engine->scan_batch({batch[0], batch[2]}, [&](std::size_t, Result<std::vector<Finding>> result) {
    codes.push_back(result.ok() ? ErrorCode::none : result.error().code);
    return true;
  });
  CHECK(codes == std::vector<ErrorCode>{ErrorCode::engine_unusable, ErrorCode::engine_unusable});
  check_fresh_engine_works();
}
