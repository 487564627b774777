// libFuzzer target for the transaction conversion: whatever a HAR file holds
// (invalid UTF-8, lone surrogates in escapes, huge or empty fields), the
// transactions read from it convert into a plugin's JS view and back without a
// crash, and a plugin that reads every field (JSON.stringify of the view) sees
// the same request URL the C++ side holds.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "warden/engine.hpp"
#include "warden/har_reader.hpp"
#include "warden/v8_platform.hpp"

namespace {

constexpr const char* kTouchEveryField = R"JS(
export default {
  id: "fuzz-view",
  scan(txn) {
    const text = JSON.stringify(txn);
    if (typeof text !== "string" || typeof txn.request.url !== "string") throw new Error("bad view");
    return [{ title: "url", severity: "info", evidence: txn.request.url.slice(0, 200) }];
  },
};
)JS";

struct Fixture {
  warden::runtime::V8Platform platform;
  std::optional<warden::runtime::Engine> engine;

  Fixture() {
    auto source = std::make_shared<warden::runtime::PluginSource>("fuzz-view.js", kTouchEveryField);
    auto loaded = warden::runtime::Engine::load(source, warden::runtime::EngineOptions{});
    if (!loaded.ok())
      std::abort();
    engine = std::move(loaded).value();
  }
};

Fixture& fixture() {
  static Fixture instance;  // one isolate for the whole run, on libFuzzer's thread
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Fixture& f = fixture();
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  (void)warden::runtime::read_har_stream(in, "fuzz.har", [&](warden::Transaction&& transaction) {
    auto shared = std::make_shared<const warden::Transaction>(std::move(transaction));
    auto findings = f.engine->scan(shared);
    if (!findings.ok()) {
      // A string past V8's maximum length is the one conversion failure allowed.
      if (findings.error().code != warden::ErrorCode::js_exception)
        std::abort();
      return true;
    }
    if (findings->size() != 1 || findings->front().plugin_id != "fuzz-view")
      std::abort();
    return true;
  });
  return 0;
}
