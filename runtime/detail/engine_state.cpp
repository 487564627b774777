// The isolate an Engine owns: its creation with limits and callbacks, forced
// stops, and its teardown on the thread that created it.
#include "runtime/detail/engine_state.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <utility>

#include <libplatform/libplatform.h>

#include "runtime/detail/platform.hpp"
#include "runtime/detail/v8_strings.hpp"

namespace warden::runtime::detail {
namespace {

// Heap granted past the limit once it is reached, so V8 can unwind the
// terminated script instead of aborting the process.
// V8 finishes the allocation in progress (up to ~1 GB for its largest object)
// before the termination takes effect; without enough room it aborts.
constexpr std::size_t kMinHeapHeadroomBytes = 512u << 20;

size_t near_heap_limit(void* data, size_t current_limit, size_t initial_limit) {
  auto* self = static_cast<EngineState*>(data);
  self->out_of_memory = true;
  self->isolate->TerminateExecution();
  // Room for V8 to unwind the terminated script; the engine is then unusable
  // and gets replaced, so this memory is short-lived.
  return current_limit + std::max(kMinHeapHeadroomBytes, 4 * initial_limit);
}

v8::MaybeLocal<v8::Promise> reject_dynamic_import(v8::Local<v8::Context> context,
                                                  v8::Local<v8::Data> /*host_defined_options*/,
                                                  v8::Local<v8::Value> /*resource_name*/,
                                                  v8::Local<v8::String> specifier,
                                                  v8::Local<v8::FixedArray> /*import_assertions*/) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::Local<v8::Promise::Resolver> resolver;
  if (!v8::Promise::Resolver::New(context).ToLocal(&resolver))
    return {};
  // The specifier is the plugin's text: copied only up to the default text limit.
  std::string text = "dynamic import('" +
                     to_std_capped(isolate, specifier, EngineLimits{}.max_text_bytes) +
                     "') is not allowed: a Warden plugin imports only warden:std, statically";
  if (resolver->Reject(context, v8::Exception::Error(v8_string(isolate, text))).IsNothing()) {
    return {};
  }
  return resolver->GetPromise();
}

// An isolate lives and dies on one thread (docs/design.md, "Guarantees", 2).
// Breaking that is a programming error in the host, not a plugin's doing:
// say which threads, and stop before V8 corrupts itself.
void check_owner_thread(const EngineState& state) {
  const std::thread::id here = std::this_thread::get_id();
  if (here == state.owner_thread)
    return;
  std::ostringstream text;
  text << "warden: fatal: the engine of plugin '" << state.info.id << "' ("
       << (state.source ? state.source->path() : std::string()) << ") was created on thread "
       << state.owner_thread << " and is being destroyed on thread " << here
       << "; an isolate must live and die on one thread\n";
  std::cerr << text.str() << std::flush;
  std::abort();
}

}  // namespace

std::string format_ms(std::chrono::milliseconds ms) {
  return std::to_string(ms.count()) + " ms";
}

std::string format_mb(std::size_t bytes) {
  return std::to_string(bytes >> 20) + " MB";
}

EngineState::EngineState(PluginSourcePtr source, EngineOptions options)
    : owner_thread(std::this_thread::get_id()),
      source(std::move(source)),
      options(std::move(options)) {}

void EngineState::create_isolate() {
  allocator = make_counting_allocator(external_limit(), array_buffer_usage);
  v8::Isolate::CreateParams params;
  params.constraints.ConfigureDefaultsFromHeapSize(0, options.limits.heap_limit_bytes);
  params.array_buffer_allocator_shared = allocator;
  isolate = v8::Isolate::New(params);
  isolate->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
  isolate->SetAllowAtomicsWait(false);  // Atomics.wait would block the engine thread
  isolate->AddNearHeapLimitCallback(&near_heap_limit, this);
  isolate->SetHostImportModuleDynamicallyCallback(&reject_dynamic_import);
  isolate->SetAllowWasmCodeGenerationCallback(
      [](v8::Local<v8::Context>, v8::Local<v8::String>) { return false; });
  watchdog = std::make_unique<Watchdog>(isolate);
  stats.heap_limit_bytes = options.limits.heap_limit_bytes;
}

EngineState::~EngineState() {
  check_owner_thread(*this);
  watchdog.reset();  // no TerminateExecution may race with Dispose
  if (isolate == nullptr)
    return;
  scan_function.Reset();
  plugin.Reset();
  module.Reset();
  context.Reset();
  view.reset();
  std_module.reset();
  intl_budget.reset();
  // The default platform keeps a foreground task runner per isolate, with the
  // tasks still queued, until told the isolate goes (libplatform.h: "has to be
  // called for all Isolates which are deleted"); without it every recycle left one.
  if (v8::Platform* platform = current_platform())
    v8::platform::NotifyIsolateShutdown(platform, isolate);
  isolate->Dispose();  // outside every scope: disposing an entered isolate aborts
  isolate = nullptr;
}

bool EngineState::termination_happened(v8::TryCatch& try_catch, bool deadline_fired) const {
  return deadline_fired || out_of_memory || try_catch.HasTerminated() ||
         isolate->IsExecutionTerminating();
}

std::size_t EngineState::external_limit() const {
  return options.limits.max_external_bytes != 0 ? options.limits.max_external_bytes
                                                : options.limits.heap_limit_bytes;
}

std::size_t EngineState::read_heap_used() {
  // Space 0 is the read-only space, which used_heap_size leaves out (it may be
  // shared between isolates).
  std::size_t used = 0;
  v8::HeapSpaceStatistics space;
  for (std::size_t i = 1; i < isolate->NumberOfHeapSpaces(); ++i) {
    if (isolate->GetHeapSpaceStatistics(&space, i))
      used += space.space_used_size();
  }
  last_heap_used = used;
  return used;
}

std::optional<Error> EngineState::over_memory(const std::string& what) {
  const std::size_t used = read_heap_used();
  const std::size_t outside = array_buffer_usage->bytes.load(std::memory_order_relaxed) +
                              (intl_budget ? intl_budget->bytes() : 0);
  std::string message;
  if (used > options.limits.heap_limit_bytes) {
    message = what + " left " + format_mb(used) + " in the V8 heap, over its limit of " +
              format_mb(options.limits.heap_limit_bytes);
  } else if (intl_budget && intl_budget->exhausted()) {
    message = what + " filled the " + format_mb(external_limit()) +
              " allowed outside the V8 heap (Intl objects, ArrayBuffers: " + format_mb(outside) +
              " live)";
  } else {
    return std::nullopt;
  }
  usable = false;
  return Error{ErrorCode::out_of_memory, std::move(message), source->path()};
}

Error EngineState::forced_stop(ErrorCode timeout_code, const std::string& what,
                               std::chrono::milliseconds budget) {
  // Always cancel: after a termination inside a microtask checkpoint the isolate
  // stays "terminating" and every later call fails silently.
  isolate->CancelTerminateExecution();
  usable = false;
  read_heap_used();  // for the report after it, as after any scan
  if (out_of_memory) {
    ErrorCode code = timeout_code == ErrorCode::timeout ? ErrorCode::out_of_memory : timeout_code;
    return Error{code,
                 what + " exceeded the heap limit of " + format_mb(options.limits.heap_limit_bytes),
                 source->path()};
  }
  return Error{timeout_code, what + " ran past " + format_ms(budget), source->path(),
               watchdog->fired_line(), watchdog->fired_column()};
}

}  // namespace warden::runtime::detail
