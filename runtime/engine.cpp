// class Engine: loads a plugin into its own isolate (EngineState,
// load_module) and scans transactions with it under the scan deadline.
#include "warden/engine.hpp"

#include <utility>

#include <libplatform/libplatform.h>
#include <v8.h>

#include "runtime/detail/await_settled.hpp"
#include "runtime/detail/engine_state.hpp"
#include "runtime/detail/js_error.hpp"
#include "runtime/detail/module_loader.hpp"
#include "runtime/detail/platform.hpp"
#include "runtime/inert_text.hpp"
#include "warden/v8_platform.hpp"

// Why it is built this way:
// - One isolate, one context, one plugin; created, used and disposed on one
//   thread, so no v8::Locker (docs/design.md, "Threading and ownership
//   rules"). The watchdog thread only calls RequestInterrupt and
//   TerminateExecution.
// - Microtasks run only at our explicit checkpoints (detail/await_settled),
//   inside the scan's deadline.
// - A forced termination (deadline or heap limit) leaves the isolate's state
//   suspect: the engine refuses further scans (engine_unusable) and must be
//   replaced. A JS exception (RangeError from deep recursion or a refused
//   ArrayBuffer included) fails only that scan.

namespace warden::runtime {
namespace {

using detail::EngineState;
using detail::js_error;
using detail::JsException;
using detail::ScanDeadline;
using detail::Settled;

// The value scan() returned, awaited: thenables are adopted like `await`
// would, through a resolver that calls their then().
Result<v8::Local<v8::Value>> settle(EngineState& state, v8::Local<v8::Context> ctx,
                                    v8::Local<v8::Value> value, v8::TryCatch& try_catch) {
  v8::Isolate* isolate = state.isolate;
  v8::Local<v8::Value> awaited = value;
  if (!value->IsPromise() && value->IsObject() && !value->IsArray()) {
    v8::Local<v8::Value> then;
    if (!value.As<v8::Object>()->Get(ctx, state.then_key.Get(isolate)).ToLocal(&then)) {
      return js_error(isolate, ErrorCode::js_exception, "", JsException::caught(try_catch),
                      state.source->path(), state.options.limits.max_text_bytes);
    }
    if (then->IsFunction()) {
      v8::Local<v8::Promise::Resolver> resolver;
      if (!v8::Promise::Resolver::New(ctx).ToLocal(&resolver) ||
          resolver->Resolve(ctx, value).IsNothing()) {
        return js_error(isolate, ErrorCode::js_exception, "", JsException::caught(try_catch),
                        state.source->path(), state.options.limits.max_text_bytes);
      }
      awaited = resolver->GetPromise();
    }
  }
  Settled settled = detail::await_settled(isolate, awaited);
  switch (settled.state) {
    case Settled::State::fulfilled:
      return settled.value;
    case Settled::State::rejected:
      return js_error(isolate, ErrorCode::js_exception,
                      "scan rejected: ", JsException::rejected(isolate, settled.value),
                      state.source->path(), state.options.limits.max_text_bytes);
    case Settled::State::pending:
      break;
  }
  return Error{ErrorCode::timeout,
               "promise did not settle within " +
                   detail::format_ms(state.options.limits.scan_timeout) +
                   " (it was pending with no work left to run, so it never would)",
               state.source->path()};
}

// A view keeps its whole transaction alive until V8 collects it, and V8
// sees only the view's few heap bytes: left alone, an isolate's young
// generation holds thousands of dead views, tens of MB of transactions,
// before a scavenge frees them. So once the transactions viewed since the
// last request add up to kViewedBytesPerCollection, ask for a collection
// (incremental marking, run by later allocation and the task pump). 8 MB:
// with the bundled plugins over the generated HAR, peak RSS fell from 160
// to 97 MB at no CPU cost we could measure; 4 MB gave 84 MB, but marking a
// larger plugin heap that often would cost more (bench/README.md, "HAR
// reading").
void collect_viewed(EngineState& state, const Transaction& transaction) {
  constexpr std::uint64_t kViewedBytesPerCollection = std::uint64_t{8} << 20;
  std::uint64_t bytes = transaction.request.url.size() + transaction.response.body.size() +
                        (transaction.request.body ? transaction.request.body->size() : 0);
  for (const Header& header : transaction.request.headers)
    bytes += header.name.size() + header.value.size();
  for (const Header& header : transaction.response.headers)
    bytes += header.name.size() + header.value.size();
  state.viewed_bytes += bytes;
  if (state.viewed_bytes >= kViewedBytesPerCollection) {
    state.viewed_bytes = 0;
    state.isolate->MemoryPressureNotification(v8::MemoryPressureLevel::kModerate);
  }
}

// One scan under the scan deadline, inside the isolate and `ctx` (entered by
// the caller, once per batch); see Engine::scan.
Result<std::vector<Finding>> scan_entered(EngineState& state, v8::Local<v8::Context> ctx,
                                          const TransactionPtr& transaction) {
  v8::Isolate* isolate = state.isolate;
  if (!state.usable) {
    return Error{ErrorCode::engine_unusable,
                 "the engine was stopped by an earlier timeout or out-of-memory and must be "
                 "replaced",
                 state.source->path()};
  }
  if (!transaction)
    return Error{ErrorCode::js_exception, "no transaction", state.source->path()};
  ++state.stats.executions;

  v8::HandleScope handle_scope(isolate);
  v8::TryCatch try_catch(isolate);

  ScanDeadline deadline(*state.watchdog, state.options.limits.scan_timeout);
  Result<std::vector<Finding>> result = [&]() -> Result<std::vector<Finding>> {
    // The isolate's foreground tasks (GC follow-ups, FinalizationRegistry
    // callbacks, which run plugin code) would pile up unrun otherwise; run them
    // here, under this scan's deadline. A terminated task returns like any
    // other and V8 may post it again, so the loop stops once the deadline
    // fired: the scan is then a timeout and the engine unusable.
    if (v8::Platform* platform = detail::current_platform()) {
      while (!state.watchdog->fired() &&
             v8::platform::PumpMessageLoop(platform, isolate,
                                           v8::platform::MessageLoopBehavior::kDoNotWait)) {
      }
      if (state.watchdog->fired()) {
        return Error{ErrorCode::timeout,
                     "pending V8 tasks (FinalizationRegistry callbacks) ran past the deadline",
                     state.source->path()};
      }
    }
    v8::Local<v8::Object> txn;
    if (!state.view->build(ctx, transaction).ToLocal(&txn)) {
      return Error{ErrorCode::js_exception, "the transaction could not be converted",
                   state.source->path()};
    }
    v8::Local<v8::Value> argv[] = {txn};
    v8::Local<v8::Value> returned;
    // Exceptions are described where they are caught, still under the
    // deadline: describing runs plugin code (toString, a stack getter).
    if (!state.scan_function.Get(isolate)
             ->Call(ctx, state.plugin.Get(isolate), 1, argv)
             .ToLocal(&returned)) {
      return js_error(isolate, ErrorCode::js_exception, "", JsException::caught(try_catch),
                      state.source->path(), state.options.limits.max_text_bytes);
    }
    Result<v8::Local<v8::Value>> settled = settle(state, ctx, returned, try_catch);
    if (!settled.ok())
      return std::move(settled).error();
    return state.findings_reader->read(ctx, *settled, *transaction, state.info.id,
                                       state.options.limits, try_catch);
  }();
  // Still under the deadline: work queued before a throw runs now and must not
  // leak into the next scan.
  if (!try_catch.HasTerminated() && !isolate->IsExecutionTerminating()) {
    try_catch.Reset();
    isolate->PerformMicrotaskCheckpoint();
  }
  bool fired = deadline.finish();

  if (state.termination_happened(try_catch, fired)) {
    return state.forced_stop(ErrorCode::timeout, "scan", state.options.limits.scan_timeout);
  }
  collect_viewed(state, *transaction);
  // Kept across scans, memory V8 let past the heap limit, or outside it,
  // would add up with every scan: the engine is replaced instead.
  if (std::optional<Error> over = state.over_memory("the scan"))
    return std::move(*over);
  if (!result.ok()) {
    Error error = std::move(result).error();
    if (error.code == ErrorCode::timeout)
      state.usable = false;     // a promise that never settles
    if (error.message.empty())  // e.g. `throw ""`
      error.message = "scan failed without an exception";
    return error;
  }
  return result;
}

// scan_entered, with a host exception (std::bad_alloc) as that scan's error.
Result<std::vector<Finding>> scan_guarded(EngineState& state, v8::Local<v8::Context> ctx,
                                          const TransactionPtr& transaction) {
  try {
    return scan_entered(state, ctx, transaction);
  } catch (const std::exception& e) {
    return Error{ErrorCode::js_exception, std::string("host error: ") + e.what(),
                 state.source->path()};
  }
}

}  // namespace

Result<Engine> Engine::load(PluginSourcePtr source, EngineOptions options) {
  if (!source)
    return Error{ErrorCode::file_unreadable, "no plugin source"};
  if (!V8Platform::alive())
    return Error{ErrorCode::engine_unusable, V8Platform::missing_message(), source->path()};
  if (source->code().size() > options.limits.max_plugin_bytes) {
    return PluginSource::too_large(source->path(), source->code().size(),
                                   options.limits.max_plugin_bytes);
  }
  try {
    const std::size_t max_bytes = options.limits.max_text_bytes;
    auto state = std::make_unique<EngineState>(std::move(source), std::move(options));
    state->create_isolate();
    Status loaded = detail::load_module(*state);
    if (!loaded.ok()) {
      Error error = std::move(loaded).error();
      if (error.message.empty())  // e.g. a module that throws ""
        error.message = "loading failed without an exception message";
      cut_to(error.message, max_bytes);
      cut_to(error.stack, max_bytes);
      return error;
    }
    {
      v8::Isolate::Scope isolate_scope(state->isolate);
      if (std::optional<Error> over = state->over_memory("loading"))
        return std::move(*over);
    }
    // What the plugin says about itself is its text too: bounded like the rest.
    PluginInfo& info = state->info;
    if (info.id.size() > max_bytes) {
      std::string id = info.id;
      cut_to(id, max_bytes);
      return Error{ErrorCode::invalid_id,
                   "id '" + id + "' is longer than " + std::to_string(max_bytes) + " bytes",
                   state->source->path()};
    }
    cut_to(info.name, max_bytes);
    cut_to(info.version, max_bytes);
    return Engine(std::move(state));
  } catch (const std::exception& e) {
    return Error{ErrorCode::init_failed, std::string("engine set-up failed: ") + e.what()};
  }
}

Engine::Engine(std::unique_ptr<EngineState> state) : state_(std::move(state)) {}

Engine::Engine(Engine&& other) noexcept = default;
Engine& Engine::operator=(Engine&& other) noexcept = default;
Engine::~Engine() = default;

Result<std::vector<Finding>> Engine::scan(const TransactionPtr& transaction) {
  v8::Isolate* isolate = state_->isolate;
  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope handle_scope(isolate);
  v8::Local<v8::Context> ctx = state_->context.Get(isolate);
  v8::Context::Scope context_scope(ctx);
  return scan_guarded(*state_, ctx, transaction);
}

std::size_t Engine::scan_batch(const std::vector<TransactionPtr>& transactions,
                               const ScanSink& sink) {
  // Entering the isolate and its context costs ~560 instructions a scan
  // (callgrind), about a tenth of a scan that reads nothing: once per batch.
  v8::Isolate* isolate = state_->isolate;
  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope handle_scope(isolate);
  v8::Local<v8::Context> ctx = state_->context.Get(isolate);
  v8::Context::Scope context_scope(ctx);
  std::size_t scanned = 0;
  for (const TransactionPtr& transaction : transactions) {
    Result<std::vector<Finding>> result = scan_guarded(*state_, ctx, transaction);
    ++scanned;
    if (!sink(scanned - 1, std::move(result)))
      break;
  }
  return scanned;
}

const PluginInfo& Engine::info() const {
  return state_->info;
}

bool Engine::reusable() const {
  return state_->usable;
}

uint64_t Engine::executions() const {
  return state_->stats.executions;
}

std::size_t Engine::heap_used_after_last_scan() const {
  return state_->last_heap_used;
}

EngineStats Engine::stats() const {
  EngineStats stats = state_->stats;
  v8::HeapStatistics heap;
  {
    v8::Isolate::Scope isolate_scope(state_->isolate);
    state_->isolate->GetHeapStatistics(&heap);
  }
  stats.heap_used_bytes = heap.used_heap_size();
  stats.heap_limit_bytes = heap.heap_size_limit();
  stats.external_bytes = heap.external_memory();
  stats.malloced_bytes = heap.malloced_memory();
  stats.array_buffer_bytes = state_->array_buffer_usage->bytes.load(std::memory_order_relaxed);
  stats.code_cache_consumed = state_->code_cache_consumed;
  return stats;
}

}  // namespace warden::runtime
