// Engine::load: the plugin contract's load-time rules, each rejection naming
// file, line and reason; the code cache; info().
#include <catch2/catch.hpp>

#include "tests/runtime/engine_test_support.hpp"
#include "warden/engine.hpp"

using namespace warden;
using namespace warden::test;

namespace {

Error load_error(const std::string& code, EngineOptions options = small_options()) {
  auto engine = load_code(code, std::move(options), "plugin.js");
  REQUIRE_FALSE(engine.ok());
  INFO(engine.error().describe());
  CHECK(engine.error().file == "plugin.js");
  return engine.error();
}

}  // namespace

TEST_CASE("a valid plugin loads and reports its id, name, version and path", "[runtime]") {
  auto source = runtime::PluginSource::read(fixture("valid.js"));
  REQUIRE(source.ok());
  auto engine = Engine::load(*source, small_options());
  REQUIRE(engine.ok());
  CHECK(engine->info().id == "cookie-httponly");
  CHECK(engine->info().name == "Cookie without HttpOnly");
  CHECK(engine->info().version == "1.2.3");
  CHECK(engine->info().path == fixture("valid.js"));
  CHECK(engine->reusable());
}

TEST_CASE("a module that does not parse is rejected with file, line and column", "[runtime]") {
  auto source = runtime::PluginSource::read(fixture("syntax_error.js"));
  REQUIRE(source.ok());
  auto engine = Engine::load(*source, small_options());
  REQUIRE_FALSE(engine.ok());
  const Error& e = engine.error();
  CHECK(e.code == ErrorCode::syntax_error);
  CHECK(e.file == fixture("syntax_error.js"));
  CHECK(e.line == 3);
  CHECK(e.column == 38);  // 1-based: the '}' after '['
  CHECK_THAT(e.message, Catch::Contains("SyntaxError"));
}

TEST_CASE("a static import is rejected before instantiation, naming specifier and line",
          "[runtime]") {
  auto source = runtime::PluginSource::read(fixture("static_import.js"));
  REQUIRE(source.ok());
  auto engine = Engine::load(*source, small_options());
  REQUIRE_FALSE(engine.ok());
  CHECK(engine.error().code == ErrorCode::static_import);
  CHECK(engine.error().file == fixture("static_import.js"));
  CHECK(engine.error().line == 3);
  CHECK_THAT(engine.error().message, Catch::Contains("'./helper.js'"));
}

TEST_CASE("a re-export from another module counts as a static import", "[runtime]") {
  Error e = load_error(
      "export default { id: 'a', scan() { return []; } };\n"
      "export { x } from 'other';\n");
  CHECK(e.code == ErrorCode::static_import);
  CHECK(e.line == 2);
  CHECK_THAT(e.message, Catch::Contains("'other'"));
}

TEST_CASE("a module whose evaluation throws is rejected with the line of the throw", "[runtime]") {
  Error e = load_error(
      "const a = 1;\n\nthrow new Error('boom at load');\n"
      "export default { id: 'a', scan() { return []; } };\n");
  CHECK(e.code == ErrorCode::module_threw);
  CHECK(e.line == 3);
  CHECK_THAT(e.message, Catch::Contains("boom at load"));
}

TEST_CASE("a module whose top-level await rejects is rejected as module_threw", "[runtime]") {
  Error e = load_error(
      "await null;\nawait Promise.reject(new Error('late boom'));\n"
      "export default { id: 'a', scan() { return []; } };\n");
  CHECK(e.code == ErrorCode::module_threw);
  CHECK(e.line == 2);
  CHECK_THAT(e.message, Catch::Contains("late boom"));
}

TEST_CASE("a module that loops at top level is stopped with load_timeout and its line",
          "[runtime]") {
  auto options = small_options();
  options.limits.load_timeout = 150ms;
  auto start = std::chrono::steady_clock::now();
  const std::string code =
      "let n = 0;\nwhile (true) { n++; }\n"
      "export default { id: 'a', scan() { return []; } };\n";
  Error e = load_error(code, options);
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(e.code == ErrorCode::load_timeout);
  CHECK(line_where_stopped(e, [&] {
          Error again = load_error(code, options);
          CHECK(again.code == ErrorCode::load_timeout);
          return again;
        }) == 2);
  CHECK_THAT(e.message, Catch::Contains("150 ms"));
  CHECK(elapsed < 150ms + kStoppedWithin);
}

TEST_CASE("a top-level await that never settles is a load_timeout", "[runtime]") {
  // The line is unknown here: no JS frame is running when we notice.
  Error e = load_error(
      "await new Promise(() => {});\n"
      "export default { id: 'a', scan() { return []; } };\n");
  CHECK(e.code == ErrorCode::load_timeout);
  CHECK_THAT(e.message, Catch::Contains("did not settle"));
}

TEST_CASE("a module without a default export is rejected", "[runtime]") {
  Error e = load_error("export const plugin = { id: 'a', scan() { return []; } };\n");
  CHECK(e.code == ErrorCode::no_default_export);
  CHECK(e.line == 1);
  Error f = load_error("// header\n\nexport default 42;\n");
  CHECK(f.code == ErrorCode::no_default_export);
  CHECK(f.line == 3);
  CHECK_THAT(f.message, Catch::Contains("a number"));
}

TEST_CASE("a default export without a scan function is rejected at its line", "[runtime]") {
  Error e = load_error("// a plugin\nexport default {\n  id: 'no-scan',\n  scan: 'yes',\n};\n");
  CHECK(e.code == ErrorCode::no_scan_function);
  CHECK(e.line == 2);
  CHECK_THAT(e.message, Catch::Contains("scan is a string"));
}

TEST_CASE("an id that is missing or not [a-z0-9][a-z0-9-]* is rejected", "[runtime]") {
  for (std::string id : {"'Upper'", "'-leading'", "''", "'has space'", "42", "undefined"}) {
    INFO(id);
    Error e = load_error("\nexport default { id: " + id + ", scan() { return []; } };\n");
    CHECK(e.code == ErrorCode::invalid_id);
    CHECK(e.line == 2);
  }
  CHECK(load_code("export default { id: '0-ok-9', scan() { return []; } };").ok());
}

TEST_CASE("init receives the host config and can be async", "[runtime]") {
  auto options = small_options();
  options.config_json = R"({"level": "high"})";
  auto engine = load_code(
      "export default { id: 'a', async init(config) { await null; this.level = config.level; },\n"
      "  scan() { return [{ title: 't', severity: this.level }]; } };\n",
      options);
  REQUIRE(engine.ok());
  auto findings = engine->scan(sample_transaction());
  REQUIRE(findings.ok());
  REQUIRE(findings->size() == 1);
  CHECK((*findings)[0].severity == Severity::high);
}

TEST_CASE("init that throws or rejects fails the load with init_failed and a line", "[runtime]") {
  Error thrown = load_error(
      "export default { id: 'a', scan() { return []; },\n"
      "  init() {\n    throw new Error('bad config');\n  } };\n");
  CHECK(thrown.code == ErrorCode::init_failed);
  CHECK(thrown.line == 3);
  CHECK_THAT(thrown.message, Catch::Contains("bad config"));
  Error rejected = load_error(
      "export default { id: 'a', scan() { return []; },\n"
      "  async init() {\n    await null;\n"
      "    throw new TypeError('async bad');\n  } };\n");
  CHECK(rejected.code == ErrorCode::init_failed);
  CHECK(rejected.line == 4);
  CHECK_THAT(rejected.message, Catch::Contains("async bad"));
}

TEST_CASE("init that loops is stopped with load_timeout", "[runtime]") {
  Error e = load_error(
      "export default { id: 'a', scan() { return []; },\n"
      "  init() {\n    for (;;) {}\n  } };\n");
  CHECK(e.code == ErrorCode::load_timeout);
  CHECK(e.line == 3);
}

TEST_CASE("dynamic import() rejects inside the plugin with a clear message", "[runtime]") {
  auto engine = load_code(plugin_with_scan(
      "return import('./other.js').then(() => [], (e) => [{ title: String(e), severity: "
      "'info' }]);"));
  REQUIRE(engine.ok());
  auto findings = engine->scan(sample_transaction());
  REQUIRE(findings.ok());
  REQUIRE(findings->size() == 1);
  CHECK_THAT((*findings)[0].title, Catch::Contains("dynamic import('./other.js') is not allowed"));
}

TEST_CASE("a second load of the same source compiles from the code cache", "[runtime]") {
  auto source = inline_source("cached.js", plugin_with_scan("return [];"));
  CHECK_FALSE(source->code_cache());
  auto first = Engine::load(source, small_options());
  REQUIRE(first.ok());
  CHECK_FALSE(first->stats().code_cache_consumed);
  REQUIRE(source->code_cache());
  CHECK_FALSE(source->code_cache()->empty());
  auto second = Engine::load(source, small_options());
  REQUIRE(second.ok());
  CHECK(second->stats().code_cache_consumed);
  CHECK(second->scan(sample_transaction()).ok());
}

TEST_CASE("a corrupt code cache is ignored and the module compiles from source", "[runtime]") {
  auto source = inline_source("corrupt.js", plugin_with_scan("return [];"));
  source->set_code_cache(std::make_shared<const std::vector<uint8_t>>(64, uint8_t{7}));
  auto engine = Engine::load(source, small_options());
  REQUIRE(engine.ok());
  CHECK_FALSE(engine->stats().code_cache_consumed);
  CHECK(engine->scan(sample_transaction()).ok());
}
