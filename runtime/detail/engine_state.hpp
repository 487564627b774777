#pragma once
// What an Engine owns: one isolate with its context, the loaded plugin and the
// limits around them, created and disposed on one thread. Private to runtime/
// (engine.cpp and the module loader).
//
// Threads: built, used and destroyed on the thread that created it; the
// destructor aborts the process on any other thread. Only the watchdog
// touches the isolate from elsewhere, through TerminateExecution(), so no
// v8::Locker is used.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <v8.h>

#include "runtime/detail/console.hpp"
#include "runtime/detail/findings_reader.hpp"
#include "runtime/detail/intl_budget.hpp"
#include "runtime/detail/std_module.hpp"
#include "runtime/detail/transaction_view.hpp"
#include "runtime/detail/v8_resources.hpp"
#include "runtime/detail/watchdog.hpp"
#include "warden/engine.hpp"

namespace warden::runtime::detail {

struct EngineState {
  // Binds the state to the calling thread; no isolate yet.
  EngineState(PluginSourcePtr source, EngineOptions options);
  // On the creating thread only (checked in every build: a wrong thread logs
  // both thread ids and aborts). Order: watchdog, Globals, shutdown notice,
  // Dispose.
  ~EngineState();
  EngineState(const EngineState&) = delete;
  EngineState& operator=(const EngineState&) = delete;

  // Creates the isolate with the heap limit, the near-heap-limit and
  // dynamic-import callbacks, and the watchdog; the module is loaded after it
  // (load_module). Separate from the constructor so that, if it throws, the
  // destructor still disposes whatever was created.
  void create_isolate();

  // True once a forced termination happened: the deadline fired, the heap
  // limit was reached, or V8 reports a termination.
  bool termination_happened(v8::TryCatch& try_catch, bool deadline_fired) const;

  // Ends a terminated (or about to be) execution: cancels the termination so
  // the isolate can be used for teardown, marks the engine unusable and says
  // why (`timeout_code`, or out_of_memory for a scan that hit the heap limit).
  Error forced_stop(ErrorCode timeout_code, const std::string& what,
                    std::chrono::milliseconds budget);

  // After `what` (a scan, the load): out_of_memory when the isolate holds
  // more than its limits allow (its heap past heap_limit_bytes, or full
  // outside it, max_external_bytes), marking the engine unusable.
  std::optional<Error> over_memory(const std::string& what);

  // EngineLimits::max_external_bytes, resolved.
  std::size_t external_limit() const;

  // The V8 heap's used bytes (HeapStatistics::used_heap_size), summed over
  // its spaces: the same figure for ~60% of GetHeapStatistics' cost, which
  // also walks global handles and totals committed and available memory
  // (bench/README.md, "Where a scan's CPU goes"). Kept in last_heap_used.
  std::size_t read_heap_used();

  const std::thread::id owner_thread;
  PluginSourcePtr source;
  EngineOptions options;
  PluginInfo info;
  EngineStats stats;
  bool usable = true;
  bool out_of_memory = false;  // set by the near-heap-limit callback
  bool code_cache_consumed = false;
  // Bytes of the transactions viewed since the isolate was last asked to
  // collect garbage (Engine::scan): what its unreachable views keep alive.
  std::uint64_t viewed_bytes = 0;
  // What read_heap_used() last read: after the last scan or the load, so a
  // report right after it (a batch's, a worker process's answer) reads no
  // heap again.
  std::size_t last_heap_used = 0;
  // console.* reads the sink and the id when called: the id is known once the
  // default export was read.
  ConsoleTarget console_target{&options.console, &info.id, &options.limits.max_text_bytes};

  // Declared before the isolate: V8 uses the allocator until Dispose returns.
  std::shared_ptr<ArrayBufferUsage> array_buffer_usage = std::make_shared<ArrayBufferUsage>();
  std::shared_ptr<v8::ArrayBuffer::Allocator> allocator;
  v8::Isolate* isolate = nullptr;
  // Globals: reset in the destructor, before the isolate is disposed (a Global
  // that outlives its isolate crashes when it is reset later).
  v8::Global<v8::Context> context;
  v8::Global<v8::Module> module;
  v8::Global<v8::Object> plugin;
  v8::Global<v8::Function> scan_function;
  std::optional<TransactionView> view;
  std::optional<FindingsReader> findings_reader;
  std::optional<StdModule> std_module;    // warden:std for this context, compiled on first import
  std::optional<IntlBudget> intl_budget;  // holds weak handles: reset before Dispose
  v8::Eternal<v8::String> then_key;       // internalized once, read on every scan
  // Last: stopped (joined) first, while the isolate still exists.
  std::unique_ptr<Watchdog> watchdog;
};

// How limits read in messages: "300 ms", "64 MB".
std::string format_ms(std::chrono::milliseconds ms);
std::string format_mb(std::size_t bytes);

}  // namespace warden::runtime::detail
