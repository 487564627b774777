#pragma once
// An Engine is one V8 isolate + one context + one loaded plugin module: it
// loads the plugin and scans transactions with it under a time and heap limit.
// Knows V8 (privately) and nothing of CAF.
//
// Threads: an Engine is created, used and destroyed on ONE thread (destroying
// it on another logs both thread ids and aborts the process, in every build);
// only the watchdog inside touches the isolate from elsewhere, through
// TerminateExecution(). No v8::Locker is used. A V8Platform must outlive it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "warden/finding.hpp"
#include "warden/plugin_source.hpp"
#include "warden/result.hpp"
#include "warden/transaction.hpp"

namespace warden::runtime {
namespace detail {
struct EngineState;
}

struct EngineLimits {
  std::chrono::milliseconds scan_timeout{1000};  // per scan, async work included
  std::chrono::milliseconds load_timeout{2000};  // module evaluation + init()
  std::size_t heap_limit_bytes = 128u << 20;     // whole V8 heap of the isolate
  std::size_t max_findings = 1000;               // per scan (plugin contract)
  // Every string the host copies out of the isolate (a finding's title,
  // description and evidence, an error's message and stack, a console line,
  // the plugin's id, name and version) is cut to this many bytes, on a UTF-8
  // boundary, with a marker "… [cut N bytes]". 4 KiB holds any real title,
  // message or evidence excerpt (the bundled plugins keep evidence to 200
  // characters) and keeps one report line readable.
  std::size_t max_text_bytes = 4u << 10;
  // The text of one scan's findings together; past it the scan is answered
  // invalid_result. 1 MiB is ~250 findings of 4 KiB, far beyond any real
  // scan, and bounds what a plugin makes the host copy per scan (999 findings
  // sharing one huge string would otherwise be copied 999 times).
  std::size_t max_findings_bytes = 1u << 20;
  // The largest plugin file loaded (file_unreadable past it, naming file and
  // size). Compiling runs before any JS can be stopped and its parser's
  // memory is outside the heap limit: a 50 MiB array literal took ~900 MB.
  // The bundled plugins are under 40 KiB; 4 MiB leaves room for bundled
  // dependencies.
  std::size_t max_plugin_bytes = PluginSource::kDefaultMaxBytes;
  // Memory an isolate may hold outside its V8 heap: ArrayBuffer backing
  // stores (refused past it: a RangeError) and Intl objects' ICU data (~55
  // KiB per DateTimeFormat, estimated per object; a RangeError past it). A
  // scan or load after which it is full, or the heap is past
  // heap_limit_bytes (V8 lets one huge string or array past the limit), is
  // answered out_of_memory and the engine replaced. 0: heap_limit_bytes.
  std::size_t max_external_bytes = 0;
};

enum class LogLevel : uint8_t { debug, info, warn, error };

// Where console.* goes; called on the engine's thread. May be empty (dropped).
using ConsoleSink =
    std::function<void(LogLevel level, std::string_view plugin_id, std::string_view text)>;

struct EngineOptions {
  EngineLimits limits;
  ConsoleSink console;
  std::string config_json = "{}";  // passed to init(config), parsed as JSON
};

// How a plugin file is written: a Warden ES module, or an OWASP ZAP passive
// script run through the ZAP adapter (told apart by content).
enum class PluginKind : uint8_t { module, zap_passive };

inline std::string_view to_string(PluginKind kind) {
  return kind == PluginKind::zap_passive ? "zap-passive" : "module";
}

// What the plugin's default export (or a ZAP script's metadata) says about itself.
struct PluginInfo {
  std::string id;
  std::string name;     // "" when absent
  std::string version;  // "" when absent
  std::string path;
  PluginKind kind = PluginKind::module;
  std::string help_uri;  // a ZAP script's helpLink; "" when none
};

struct EngineStats {
  uint64_t executions = 0;  // scans attempted on this engine
  std::size_t heap_used_bytes = 0;
  std::size_t heap_limit_bytes = 0;
  bool code_cache_consumed = false;  // the module was compiled from PluginSource's code cache
  // Memory outside the V8 heap that V8 accounts to the isolate (ArrayBuffer
  // backing stores, external strings, Intl objects' ICU data), and what V8
  // itself has malloced for it (zones, compiler).
  std::size_t external_bytes = 0;
  std::size_t malloced_bytes = 0;
  std::size_t array_buffer_bytes = 0;  // live ArrayBuffer backing stores, by our allocator
};

class Engine {
 public:
  // Creates an isolate on the calling thread, evaluates the module and runs
  // init(config). A rejection names file, line, column and reason (see
  // ErrorCode's load errors).
  static Result<Engine> load(PluginSourcePtr source, EngineOptions options);

  // Moving hands over the isolate, which stays bound to the thread that
  // created it; a moved-from Engine may only be destroyed or assigned to.
  Engine(Engine&& other) noexcept;
  Engine& operator=(Engine&& other) noexcept;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  ~Engine();

  // Runs scan(txn) and validates its findings, driving a returned Promise to
  // completion within the same time limit. Findings carry plugin id,
  // transaction id and URL. Keeps `transaction` alive while V8 may reference it.
  Result<std::vector<Finding>> scan(const TransactionPtr& transaction);

  // Called with each scan's position in the batch and its result; returns
  // false to stop the batch there.
  using ScanSink = std::function<bool(std::size_t index, Result<std::vector<Finding>> result)>;

  // Scans `transactions` in order, each exactly as scan() would (its own
  // deadline, microtask checkpoint, error and findings), handing each result
  // to `sink` as it is made; the isolate is entered once for the batch.
  // Returns how many were scanned. The sink runs inside the isolate: it must
  // not scan with, create or destroy an engine.
  std::size_t scan_batch(const std::vector<TransactionPtr>& transactions, const ScanSink& sink);

  const PluginInfo& info() const;

  // False once a scan was forcibly terminated (timeout, out of memory): the
  // isolate's state is suspect and the engine must be replaced.
  bool reusable() const;

  EngineStats stats() const;

  // Scans attempted and the V8 heap's used bytes as the memory check read
  // them right after the last scan (or the load): what stats() says, without
  // reading the heap again. For a report after every batch or scan.
  uint64_t executions() const;
  std::size_t heap_used_after_last_scan() const;

 private:
  explicit Engine(std::unique_ptr<detail::EngineState> state);
  std::unique_ptr<detail::EngineState> state_;  // V8 lives behind it, out of this header
};

}  // namespace warden::runtime
