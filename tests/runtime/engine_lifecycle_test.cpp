// An isolate lives and dies on one thread (docs/design.md, "Guarantees", 2): many
// create/use/dispose cycles, on one thread and on a fresh thread per cycle.
#include <thread>

#include <catch2/catch.hpp>

#include "tests/runtime/engine_test_support.hpp"
#include "warden/engine.hpp"

using namespace warden;
using namespace warden::test;

namespace {

const char* kTinyPlugin = "export default { id: 'tiny', scan(txn) { return []; } };";

// One full cycle: isolate + context + plugin, one scan, dispose.
bool cycle(const PluginSourcePtr& source, const TransactionPtr& transaction) {
  auto engine = Engine::load(source, small_options());
  if (!engine.ok())
    return false;
  return engine->scan(transaction).ok();
}

}  // namespace

TEST_CASE("an engine is created and disposed 1000 times on one thread", "[runtime]") {
  auto source = inline_source("tiny.js", kTinyPlugin);
  auto transaction = sample_transaction();
  int ok = 0;
  for (int i = 0; i < 1000; ++i)
    ok += cycle(source, transaction) ? 1 : 0;
  CHECK(ok == 1000);
}

TEST_CASE("an engine is created and disposed 1000 times, each on a fresh thread", "[runtime]") {
  auto source = inline_source("tiny.js", kTinyPlugin);
  auto transaction = sample_transaction();
  int ok = 0;
  for (int i = 0; i < 1000; ++i) {
    bool result = false;
    std::thread worker([&] { result = cycle(source, transaction); });
    worker.join();
    ok += result ? 1 : 0;
  }
  CHECK(ok == 1000);
}

TEST_CASE("engines on several threads at once do not disturb each other", "[runtime]") {
  auto source = inline_source("tiny.js", kTinyPlugin);
  auto looper = inline_source("loop.js", plugin_with_scan("for (;;) {}"));
  auto transaction = sample_transaction();
  std::vector<int> ok(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto options = small_options();
      // Only the looping plugin gets a tight limit: the others must not time out
      // on a loaded machine.
      options.limits.scan_timeout = t == 0 ? 50ms : 5s;
      for (int i = 0; i < 10; ++i) {
        auto engine = Engine::load(t == 0 ? looper : source, options);
        if (!engine.ok())
          continue;
        auto result = engine->scan(transaction);
        bool expected =
            t == 0 ? (!result.ok() && result.error().code == ErrorCode::timeout) : result.ok();
        ok[t] += expected ? 1 : 0;
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  CHECK(ok == std::vector<int>{10, 10, 10, 10});
}
