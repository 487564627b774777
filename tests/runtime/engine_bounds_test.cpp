// Engine bounds that hostile plugins probed: Atomics.waitAsync (removed, so a
// pending promise is truly one nothing can settle), a FinalizationRegistry
// callback that loops forever (run under the scan's deadline, once), and
// plugin files too large to compile safely (refused by size; a compile that
// runs out of time or heap gives a real message), and memory kept outside the
// heap limit (Intl objects' ICU data, a string V8 let past the limit).
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include <catch2/catch.hpp>

#include "tests/runtime/engine_test_support.hpp"

using namespace warden;
using namespace warden::test;
namespace fs = std::filesystem;

namespace {

// A folder under the system temp dir, removed with the object.
class ScratchDir {
 public:
  ScratchDir() {
    std::random_device random;
    path_ = fs::temp_directory_path() /
            ("warden-bounds-" + std::to_string(random()) + std::to_string(random()));
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::string write(const std::string& name, const std::string& text) const {
    const auto file = path_ / name;
    std::ofstream out{file, std::ios::binary};
    out << text;
    return file.string();
  }

 private:
  fs::path path_;
};

// A module whose default export carries an array literal of `count` zeros.
std::string array_literal_plugin(std::size_t count) {
  std::string code = "export default { id: 'big', scan() { return []; }, data: [";
  code.reserve(code.size() + 2 * count + 8);
  for (std::size_t i = 0; i < count; ++i) {
    code += "0,";
  }
  code += "] };\n";
  return code;
}

// Hundreds of Intl objects, or a 128 MiB string, take a while on a loaded machine:
// these scans must end by the memory limit, not the time limit.
EngineOptions slow_scans() {
  EngineOptions options = small_options();
  options.limits.scan_timeout = 10s;
  return options;
}

}  // namespace

TEST_CASE("Atomics.waitAsync is not in the realm, so a promise nothing settles is reported true",
          "[runtime]") {
  auto engine = load_code(plugin_with_scan(
      "if (typeof Atomics.waitAsync !== 'undefined') return [{ title: 'present', severity: "
      "'info' }];\nreturn [];"));
  REQUIRE(engine.ok());
  auto found = engine->scan(sample_transaction());
  REQUIRE(found.ok());
  CHECK(found->empty());

  // What a plugin that tries it gets: a TypeError, at once, not a timeout.
  auto waiting =
      load_code(plugin_with_scan("const a = new Int32Array(new SharedArrayBuffer(4));\n"
                                 "return Atomics.waitAsync(a, 0, 0, 1).value.then(() => []);"));
  REQUIRE(waiting.ok());
  auto result = waiting->scan(sample_transaction());
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::js_exception);
  CHECK_THAT(result.error().message, Catch::Contains("TypeError"));
  CHECK(waiting->reusable());

  // A top-level await on it fails the load with the same TypeError.
  auto top_level = load_code(
      "const a = new Int32Array(new SharedArrayBuffer(4));\n"
      "await Atomics.waitAsync(a, 0, 0, 1).value;\n"
      "export default { id: 'tla', scan() { return []; } };\n");
  REQUIRE_FALSE(top_level.ok());
  CHECK(top_level.error().code == ErrorCode::module_threw);
  CHECK_THAT(top_level.error().message, Catch::Contains("TypeError"));
}

TEST_CASE(
    "a FinalizationRegistry callback that loops forever is stopped at the scan's deadline once: "
    "the scan is a timeout and the engine unusable",
    "[runtime]") {
  // Each scan drops registered objects and churns the heap until a full
  // collection has cleared them; the cleanup task then runs at the start of
  // a later scan.
  auto engine = load_code(
      "const registry = new FinalizationRegistry(() => { for (;;) {} });\n"
      "export default { id: 'finalizer', scan() {\n"
      "  for (let i = 0; i < 1000; i++) registry.register({ i }, i);\n"
      "  let keep = [];\n"
      "  for (let round = 0; round < 8; round++) {\n"
      "    keep = [];\n"
      "    for (let i = 0; i < 100000; i++) keep.push({ i, s: 'x' + i });\n"
      "  }\n"
      "  return [];\n"
      "} };\n");
  REQUIRE(engine.ok());
  const auto started = std::chrono::steady_clock::now();
  std::optional<Error> stopped;
  for (int scan = 0; scan < 20 && !stopped; ++scan) {
    auto result = engine->scan(sample_transaction());
    if (!result.ok()) {
      stopped = std::move(result).error();
    }
  }
  REQUIRE(stopped.has_value());
  CHECK(stopped->code == ErrorCode::timeout);
  CHECK_FALSE(stopped->message.empty());
  CHECK_FALSE(engine->reusable());
  CHECK(std::chrono::steady_clock::now() - started < 60s);
  // The next scan is refused at once, not run with no deadline.
  auto after = engine->scan(sample_transaction());
  REQUIRE_FALSE(after.ok());
  CHECK(after.error().code == ErrorCode::engine_unusable);
}

TEST_CASE(
    "a plugin file over the size limit is refused before it is read or compiled, naming "
    "file and size",
    "[runtime]") {
  ScratchDir dir;
  // 50 MiB: a comment, and an array literal.
  const std::string comment = "// " + std::string((50u << 20) - 4, 'x') + "\n" +
                              "export default { id: 'big', scan() { return []; } };\n";
  const auto comment_path = dir.write("comment.js", comment);
  auto read = PluginSource::read(comment_path);
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code == ErrorCode::file_unreadable);
  CHECK(read.error().file == comment_path);
  CHECK_THAT(read.error().message, Catch::Contains("50.0 MiB"));
  CHECK_THAT(read.error().message, Catch::Contains("over the limit of 4.0 MiB"));

  const auto literal = array_literal_plugin(25u << 20);
  const auto literal_path = dir.write("literal.js", literal);
  read = PluginSource::read(literal_path);
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code == ErrorCode::file_unreadable);
  CHECK_THAT(read.error().message, Catch::Contains("50.0 MiB"));

  // A source made in memory is refused by the engine with the same words.
  auto loaded = load_code(literal, small_options(), literal_path);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().code == ErrorCode::file_unreadable);
  CHECK(loaded.error().file == literal_path);
  CHECK_THAT(loaded.error().message, Catch::Contains("over the limit of 4.0 MiB"));

  // Under a raised limit the file is read.
  read = PluginSource::read(comment_path, 64u << 20);
  CHECK(read.ok());
}

TEST_CASE("a compile that runs past the load limit or out of heap gives a real message",
          "[runtime]") {
  // Armed before compiling: 3 MiB of array literal does not parse in 1 ms.
  EngineOptions slow = small_options();
  slow.limits.max_plugin_bytes = 64u << 20;
  slow.limits.load_timeout = 1ms;
  auto timed_out = load_code(array_literal_plugin(3u << 19), slow, "slow.js");
  REQUIRE_FALSE(timed_out.ok());
  CHECK(timed_out.error().code == ErrorCode::load_timeout);
  CHECK_THAT(timed_out.error().message, Catch::Contains("ran past 1 ms"));

  // 4M elements do not fit a 16 MB heap.
  EngineOptions tight = small_options();
  tight.limits.max_plugin_bytes = 64u << 20;
  tight.limits.load_timeout = 60s;
  tight.limits.heap_limit_bytes = 16u << 20;
  auto too_big = load_code(array_literal_plugin(4u << 20), tight, "tight.js");
  REQUIRE_FALSE(too_big.ok());
  CHECK_FALSE(too_big.error().message.empty());
  CHECK_THAT(too_big.error().message, Catch::Contains("heap limit of 16 MB"));
}

TEST_CASE(
    "Intl objects kept across scans fill the memory allowed outside the heap: that scan is "
    "out_of_memory and the engine is replaced",
    "[runtime]") {
  // ~55 KiB of ICU data each, ~1 KiB of heap: 400 per scan pass 64 MB in 3.
  auto engine = load_code(
      "const keep = [];\n"
      "export default { id: 'hoard', scan() {\n"
      "  for (let i = 0; i < 400; i++) keep.push(new Intl.DateTimeFormat('en', { timeZone: "
      "'UTC' }));\n"
      "  return [];\n"
      "} };\n",
      slow_scans());
  REQUIRE(engine.ok());
  std::optional<Error> stopped;
  for (int scan = 0; scan < 10 && !stopped; ++scan) {
    auto result = engine->scan(sample_transaction());
    if (!result.ok()) {
      stopped = std::move(result).error();
    }
  }
  REQUIRE(stopped.has_value());
  CHECK(stopped->code == ErrorCode::out_of_memory);
  CHECK_THAT(stopped->message, Catch::Contains("allowed outside the V8 heap"));
  CHECK_FALSE(engine->reusable());
}

TEST_CASE(
    "Intl objects that die are not counted against the isolate, and the constructors "
    "behave as before",
    "[runtime]") {
  auto engine = load_code(
      "class Sub extends Intl.DateTimeFormat {}\n"
      "export default { id: 'intl', scan() {\n"
      "  for (let i = 0; i < 1500; i++) new Intl.DateTimeFormat('en', { timeZone: 'UTC' });\n"
      "  const checks = [\n"
      "    new Sub('en') instanceof Intl.DateTimeFormat,\n"
      "    Intl.DateTimeFormat('en') instanceof Intl.DateTimeFormat,\n"
      "    Intl.NumberFormat('en').format(1234.5) === '1,234.5',\n"
      "    Intl.DateTimeFormat.name === 'DateTimeFormat',\n"
      "    Intl.DateTimeFormat.length === 0,\n"
      "    Intl.DateTimeFormat.supportedLocalesOf(['en']).length === 1,\n"
      "    Intl.DateTimeFormat.prototype.constructor === Intl.DateTimeFormat,\n"
      "    new Intl.Collator('en').compare('a', 'b') === -1,\n"
      "  ];\n"
      "  let threw = '';\n"
      "  try { Intl.PluralRules('en'); } catch (e) { threw = e.name; }\n"
      "  return [{ title: checks.join(',') + ' ' + threw, severity: 'info' }];\n"
      "} };\n",
      slow_scans());
  REQUIRE(engine.ok());
  for (int scan = 0; scan < 5; ++scan) {
    auto result = engine->scan(sample_transaction());
    INFO((result.ok() ? std::string() : result.error().describe()));
    REQUIRE(result.ok());
    REQUIRE(result->size() == 1);
    CHECK((*result)[0].title == "true,true,true,true,true,true,true,true TypeError");
  }
  CHECK(engine->reusable());
  CHECK(engine->stats().heap_used_bytes < (64u << 20));
}

TEST_CASE("a string V8 let past the heap limit, kept across scans, makes the scan out_of_memory",
          "[runtime]") {
  // 128 MiB flat, in a 64 MB heap: V8 places it in large-object space.
  auto engine = load_code(
      "let keep;\n"
      "export default { id: 'big-string', scan() {\n"
      "  keep = 'x'.repeat(2 ** 27); keep.indexOf('y');\n"
      "  return [];\n"
      "} };\n",
      slow_scans());
  REQUIRE(engine.ok());
  auto result = engine->scan(sample_transaction());
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::out_of_memory);
  CHECK_FALSE(result.error().message.empty());
  CHECK_FALSE(engine->reusable());
}
