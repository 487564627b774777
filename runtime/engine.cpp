#include "runtime/engine.hpp"

#include <algorithm>
#include <cassert>
#include <optional>
#include <regex>
#include <thread>
#include <utility>

#include <libplatform/libplatform.h>
#include <v8.h>

#include "runtime/detail/console.hpp"
#include "runtime/detail/findings_reader.hpp"
#include "runtime/detail/js_error.hpp"
#include "runtime/detail/platform.hpp"
#include "runtime/detail/realm_hardening.hpp"
#include "runtime/detail/transaction_view.hpp"
#include "runtime/detail/v8_resources.hpp"
#include "runtime/detail/v8_strings.hpp"
#include "runtime/detail/watchdog.hpp"

// Design notes (why it is built this way):
// - One isolate, one context, one plugin; created, used and disposed on one
//   thread, no v8::Locker (V8 guide, section 4). The watchdog thread only calls
//   RequestInterrupt/TerminateExecution.
// - Microtasks run only at our explicit checkpoints (kExplicit), inside the
//   scan's deadline. After the checkpoint nothing else can settle a promise (the
//   sandbox has no timers, I/O or host tasks), so a promise still pending then
//   can never settle: we report the timeout at once instead of idling until the
//   deadline.
// - A forced termination (deadline or heap limit) leaves the isolate's state
//   suspect: the engine refuses further scans (engine_unusable) and must be
//   replaced. A JS exception (RangeError from deep recursion or a refused
//   ArrayBuffer included) fails only that scan.

namespace warden::runtime {
namespace {

using detail::describe_type;
using detail::js_error;
using detail::JsException;
using detail::ScanDeadline;
using detail::to_std;
using detail::v8_string;
using detail::Watchdog;

// Heap granted past the limit once it is reached, so V8 can unwind the
// terminated script instead of aborting the process.
// V8 finishes the allocation in progress (up to ~1 GB for its largest object)
// before the termination takes effect; without enough room it aborts.
constexpr std::size_t kMinHeapHeadroomBytes = 512u << 20;

std::string format_ms(std::chrono::milliseconds ms) {
  return std::to_string(ms.count()) + " ms";
}

std::string format_mb(std::size_t bytes) {
  return std::to_string(bytes >> 20) + " MB";
}

// Plugin ids: [a-z0-9][a-z0-9-]*.
bool valid_id(const std::string& id) {
  if (id.empty())
    return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && c == '-');
    if (!ok)
      return false;
  }
  return true;
}

// 1-based line of the first `export default` in the source, 1 if none: where
// errors about the default export's shape point.
int default_export_line(const std::string& code) {
  static const std::regex pattern(R"(export\s+default\b)");
  std::smatch match;
  if (!std::regex_search(code, match, pattern))
    return 1;
  auto begin = code.begin();
  return 1 + static_cast<int>(std::count(begin, begin + match.position(0), '\n'));
}

}  // namespace

struct Engine::Impl {
  Impl(PluginSourcePtr source, EngineOptions options)
      : owner_thread(std::this_thread::get_id()),
        source(std::move(source)),
        options(std::move(options)) {}
  ~Impl();

  Status start();
  Status load_module();
  Result<std::vector<Finding>> scan(const TransactionPtr& transaction);

  Error load_error(ErrorCode code, std::string message, int line, int column = 0);

  // Ends a terminated (or about to be) execution: cancels the termination so the
  // isolate can be used for teardown, marks the engine unusable and says why.
  Error forced_stop(ErrorCode timeout_code, const std::string& what,
                    std::chrono::milliseconds budget);
  bool termination_happened(v8::TryCatch& try_catch, bool deadline_fired) const;

  Result<v8::Local<v8::Value>> settle(v8::Local<v8::Context> context, v8::Local<v8::Value> value,
                                      v8::TryCatch& try_catch);

  static size_t near_heap_limit(void* data, size_t current_limit, size_t initial_limit);
  static v8::MaybeLocal<v8::Promise> reject_dynamic_import(
      v8::Local<v8::Context> context, v8::Local<v8::Data> host_defined_options,
      v8::Local<v8::Value> resource_name, v8::Local<v8::String> specifier,
      v8::Local<v8::FixedArray> import_assertions);

  const std::thread::id owner_thread;
  PluginSourcePtr source;
  EngineOptions options;
  PluginInfo info;
  EngineStats stats;
  bool usable = true;
  bool out_of_memory = false;  // set by the near-heap-limit callback
  bool code_cache_consumed = false;
  // console.* reads the sink and the id when called: the id is known once the
  // default export was read.
  detail::ConsoleTarget console_target{&options.console, &info.id};

  // Declared before the isolate: it must outlive it (V8 guide, section 3).
  std::shared_ptr<detail::ArrayBufferUsage> array_buffer_usage =
      std::make_shared<detail::ArrayBufferUsage>();
  std::shared_ptr<v8::ArrayBuffer::Allocator> allocator;
  v8::Isolate* isolate = nullptr;
  // Globals: reset in ~Impl before the isolate is disposed (pitfall 9).
  v8::Global<v8::Context> context;
  v8::Global<v8::Module> module;
  v8::Global<v8::Object> plugin;
  v8::Global<v8::Function> scan_function;
  std::optional<detail::TransactionView> view;
  v8::Eternal<v8::String> then_key;  // internalized once, read on every scan
  std::optional<detail::FindingsReader> findings_reader;
  // Last: stopped (joined) first, while the isolate still exists.
  std::unique_ptr<Watchdog> watchdog;
};

Engine::Impl::~Impl() {
  // An isolate lives and dies on one thread (DESIGN.md, guarantee 2).
  assert(std::this_thread::get_id() == owner_thread);
  watchdog.reset();  // no TerminateExecution may race with Dispose
  if (isolate == nullptr)
    return;
  scan_function.Reset();
  plugin.Reset();
  module.Reset();
  context.Reset();
  view.reset();
  // The default platform keeps a foreground task runner per isolate, with the
  // tasks still queued, until told the isolate goes (libplatform.h: "has to be
  // called for all Isolates which are deleted"); without it every recycle left one.
  if (v8::Platform* platform = detail::current_platform())
    v8::platform::NotifyIsolateShutdown(platform, isolate);
  isolate->Dispose();  // outside every scope (pitfall: "Disposing the isolate that is entered")
  isolate = nullptr;
}

size_t Engine::Impl::near_heap_limit(void* data, size_t current_limit, size_t initial_limit) {
  auto* self = static_cast<Impl*>(data);
  self->out_of_memory = true;
  self->isolate->TerminateExecution();
  // Room for V8 to unwind the terminated script; the engine is then unusable
  // and gets replaced, so this memory is short-lived.
  return current_limit + std::max(kMinHeapHeadroomBytes, 4 * initial_limit);
}

v8::MaybeLocal<v8::Promise> Engine::Impl::reject_dynamic_import(
    v8::Local<v8::Context> context, v8::Local<v8::Data> /*host_defined_options*/,
    v8::Local<v8::Value> /*resource_name*/, v8::Local<v8::String> specifier,
    v8::Local<v8::FixedArray> /*import_assertions*/) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::Local<v8::Promise::Resolver> resolver;
  if (!v8::Promise::Resolver::New(context).ToLocal(&resolver))
    return {};
  std::string text = "dynamic import('" + to_std(isolate, specifier) +
                     "') is not allowed: a Warden plugin is one self-contained module";
  if (resolver->Reject(context, v8::Exception::Error(v8_string(isolate, text))).IsNothing()) {
    return {};
  }
  return resolver->GetPromise();
}

Error Engine::Impl::load_error(ErrorCode code, std::string message, int line, int column) {
  Error error{code, std::move(message), source->path(), line, column};
  return error;
}

bool Engine::Impl::termination_happened(v8::TryCatch& try_catch, bool deadline_fired) const {
  return deadline_fired || out_of_memory || try_catch.HasTerminated() ||
         isolate->IsExecutionTerminating();
}

Error Engine::Impl::forced_stop(ErrorCode timeout_code, const std::string& what,
                                std::chrono::milliseconds budget) {
  // Always cancel: after a termination inside a microtask checkpoint the isolate
  // stays "terminating" and every later call fails silently (pitfall 3).
  isolate->CancelTerminateExecution();
  usable = false;
  if (out_of_memory) {
    ErrorCode code = timeout_code == ErrorCode::timeout ? ErrorCode::out_of_memory : timeout_code;
    return Error{code,
                 what + " exceeded the heap limit of " + format_mb(options.limits.heap_limit_bytes),
                 source->path()};
  }
  Error error{timeout_code, what + " ran past " + format_ms(budget), source->path(),
              watchdog->fired_line(), watchdog->fired_column()};
  return error;
}

Status Engine::Impl::start() {
  allocator = detail::make_counting_allocator(options.limits.heap_limit_bytes, array_buffer_usage);
  v8::Isolate::CreateParams params;
  params.constraints.ConfigureDefaultsFromHeapSize(0, options.limits.heap_limit_bytes);
  params.array_buffer_allocator_shared = allocator;
  isolate = v8::Isolate::New(params);
  isolate->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
  isolate->SetAllowAtomicsWait(false);  // Atomics.wait would block the engine thread
  isolate->AddNearHeapLimitCallback(&Impl::near_heap_limit, this);
  isolate->SetHostImportModuleDynamicallyCallback(&Impl::reject_dynamic_import);
  isolate->SetAllowWasmCodeGenerationCallback(
      [](v8::Local<v8::Context>, v8::Local<v8::String>) { return false; });
  watchdog = std::make_unique<Watchdog>(isolate);
  stats.heap_limit_bytes = options.limits.heap_limit_bytes;
  return load_module();
}

Status Engine::Impl::load_module() {
  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope handle_scope(isolate);
  v8::Local<v8::Context> ctx = v8::Context::New(isolate);
  v8::Context::Scope context_scope(ctx);
  context.Reset(isolate, ctx);
  detail::install_console(ctx, &console_target);
  detail::harden_realm(ctx);
  view.emplace(ctx);  // before any plugin code runs in this context
  findings_reader.emplace(isolate, source->path(), options.limits.max_findings);
  then_key = v8::Eternal<v8::String>(
      isolate, v8::String::NewFromUtf8Literal(isolate, "then", v8::NewStringType::kInternalized));

  v8::TryCatch try_catch(isolate);
  v8::Local<v8::String> code;
  if (!v8::String::NewFromUtf8(isolate, source->code().data(), v8::NewStringType::kNormal,
                               static_cast<int>(source->code().size()))
           .ToLocal(&code)) {
    return load_error(ErrorCode::syntax_error, "source is too large", 0);
  }
  // is_module MUST be true: otherwise CompileModule aborts the process (pitfall 1).
  v8::ScriptOrigin origin(isolate, v8_string(isolate, source->path()), 0, 0, false, -1,
                          v8::Local<v8::Value>(), false, false, /*is_module=*/true);
  std::shared_ptr<const std::vector<uint8_t>> cache = source->code_cache();
  v8::ScriptCompiler::CachedData* cached_data = nullptr;
  if (cache) {
    // Source takes ownership of the CachedData object, not of the bytes, which
    // `cache` keeps alive until compilation is done.
    cached_data =
        new v8::ScriptCompiler::CachedData(cache->data(), static_cast<int>(cache->size()),
                                           v8::ScriptCompiler::CachedData::BufferNotOwned);
  }
  v8::ScriptCompiler::Source compile_source(code, origin, cached_data);
  v8::Local<v8::Module> mod;
  if (!v8::ScriptCompiler::CompileModule(
           isolate, &compile_source,
           cache ? v8::ScriptCompiler::kConsumeCodeCache : v8::ScriptCompiler::kNoCompileOptions)
           .ToLocal(&mod)) {
    return js_error(isolate, ErrorCode::syntax_error, "", JsException::caught(try_catch),
                    source->path());
  }
  // A rejected cache (other V8, other flags) means V8 compiled from source.
  code_cache_consumed = cache && !compile_source.GetCachedData()->rejected;
  module.Reset(isolate, mod);

  // Checked before instantiation: the plugin must be self-contained.
  v8::Local<v8::FixedArray> requests = mod->GetModuleRequests();
  if (requests->Length() > 0) {
    v8::Local<v8::ModuleRequest> request = requests->Get(ctx, 0).As<v8::ModuleRequest>();
    v8::Location where = mod->SourceOffsetToLocation(request->GetSourceOffset());
    return load_error(ErrorCode::static_import,
                      "static import of '" + to_std(isolate, request->GetSpecifier()) +
                          "' is not allowed: a Warden plugin is one self-contained module",
                      where.GetLineNumber() + 1, where.GetColumnNumber() + 1);
  }
  auto no_imports = [](v8::Local<v8::Context>, v8::Local<v8::String>, v8::Local<v8::FixedArray>,
                       v8::Local<v8::Module>) -> v8::MaybeLocal<v8::Module> { return {}; };
  if (!mod->InstantiateModule(ctx, no_imports).FromMaybe(false)) {
    return js_error(isolate, ErrorCode::module_threw, "", JsException::caught(try_catch),
                    source->path());
  }

  // Module evaluation and init() share one deadline.
  ScanDeadline deadline(*watchdog, options.limits.load_timeout);
  auto stopped = [&](const std::string& what) -> std::optional<Error> {
    if (!termination_happened(try_catch, false))
      return std::nullopt;
    deadline.finish();
    return forced_stop(ErrorCode::load_timeout, what, options.limits.load_timeout);
  };
  auto finish_stopped = [&](const std::string& what) -> std::optional<Error> {
    bool fired = deadline.finish();
    if (!termination_happened(try_catch, fired))
      return std::nullopt;
    return forced_stop(ErrorCode::load_timeout, what, options.limits.load_timeout);
  };

  v8::Local<v8::Value> evaluated;
  if (!mod->Evaluate(ctx).ToLocal(&evaluated)) {
    if (auto error = stopped("module evaluation"))
      return *error;
    return js_error(isolate, ErrorCode::module_threw, "", JsException::caught(try_catch),
                    source->path());
  }
  // Top-level await is on: Evaluate always returns a promise; a throwing module
  // gives a rejected one and the TryCatch sees nothing (pitfall 2).
  isolate->PerformMicrotaskCheckpoint();
  if (auto error = stopped("module evaluation"))
    return *error;
  if (evaluated->IsPromise()) {
    v8::Local<v8::Promise> done = evaluated.As<v8::Promise>();
    if (done->State() == v8::Promise::kRejected) {
      return js_error(isolate, ErrorCode::module_threw, "",
                      JsException::rejected(isolate, done->Result()), source->path());
    }
    if (done->State() == v8::Promise::kPending) {
      usable = false;
      return load_error(ErrorCode::load_timeout,
                        "module evaluation did not settle within " +
                            format_ms(options.limits.load_timeout) +
                            ": a top-level await waits on a promise nothing can settle",
                        0);
    }
  }

  const int export_line = default_export_line(source->code());
  v8::Local<v8::Object> ns = mod->GetModuleNamespace().As<v8::Object>();
  v8::Local<v8::Value> exported;
  if (!ns->Get(ctx, v8::String::NewFromUtf8Literal(isolate, "default")).ToLocal(&exported)) {
    if (auto error = stopped("module evaluation"))
      return *error;
    return js_error(isolate, ErrorCode::no_default_export,
                    "reading the default export: ", JsException::caught(try_catch), source->path());
  }
  if (!exported->IsObject() || exported->IsFunction()) {
    return load_error(
        ErrorCode::no_default_export,
        "the default export must be an object { id, scan(txn) }, got " + describe_type(exported),
        export_line);
  }
  v8::Local<v8::Object> plugin_object = exported.As<v8::Object>();
  // Reads one property of the default export; getters and Proxies run JS here.
  auto property = [&](const char* name, ErrorCode code,
                      v8::Local<v8::Value>* out) -> std::optional<Error> {
    if (plugin_object->Get(ctx, v8_string(isolate, name)).ToLocal(out))
      return std::nullopt;
    if (auto error = stopped("reading the default export"))
      return error;
    return js_error(isolate, code, std::string("reading ") + name + ": ",
                    JsException::caught(try_catch), source->path());
  };

  v8::Local<v8::Value> id_value, name_value, version_value, scan_value, init_value;
  if (auto error = property("id", ErrorCode::invalid_id, &id_value))
    return *error;
  if (!id_value->IsString()) {
    return load_error(ErrorCode::invalid_id,
                      "the default export's id must be a string matching [a-z0-9][a-z0-9-]*, got " +
                          describe_type(id_value),
                      export_line);
  }
  info.id = to_std(isolate, id_value);
  info.path = source->path();
  if (!valid_id(info.id)) {
    return load_error(ErrorCode::invalid_id,
                      "id '" + info.id + "' does not match [a-z0-9][a-z0-9-]*", export_line);
  }
  if (auto error = property("scan", ErrorCode::no_scan_function, &scan_value))
    return *error;
  if (!scan_value->IsFunction()) {
    return load_error(
        ErrorCode::no_scan_function,
        "the default export has no scan function (scan is " + describe_type(scan_value) + ")",
        export_line);
  }
  if (auto error = property("name", ErrorCode::no_default_export, &name_value))
    return *error;
  if (name_value->IsString())
    info.name = to_std(isolate, name_value);
  if (auto error = property("version", ErrorCode::no_default_export, &version_value)) {
    return *error;
  }
  if (version_value->IsString())
    info.version = to_std(isolate, version_value);
  if (auto error = property("init", ErrorCode::init_failed, &init_value))
    return *error;

  if (init_value->IsFunction()) {
    v8::Local<v8::Value> config;
    if (!v8::JSON::Parse(ctx, v8_string(isolate, options.config_json)).ToLocal(&config)) {
      Error error =
          js_error(isolate, ErrorCode::init_failed,
                   "config is not valid JSON: ", JsException::caught(try_catch), source->path());
      error.file = source->path();
      error.line = export_line;
      return error;
    }
    v8::Local<v8::Value> argv[] = {config};
    v8::Local<v8::Value> returned;
    if (!init_value.As<v8::Function>()->Call(ctx, plugin_object, 1, argv).ToLocal(&returned)) {
      if (auto error = stopped("init()"))
        return *error;
      return js_error(isolate, ErrorCode::init_failed,
                      "init() threw: ", JsException::caught(try_catch), source->path());
    }
    isolate->PerformMicrotaskCheckpoint();
    if (auto error = stopped("init()"))
      return *error;
    if (returned->IsPromise()) {
      v8::Local<v8::Promise> done = returned.As<v8::Promise>();
      if (done->State() == v8::Promise::kRejected) {
        return js_error(isolate, ErrorCode::init_failed,
                        "init() rejected: ", JsException::rejected(isolate, done->Result()),
                        source->path());
      }
      if (done->State() == v8::Promise::kPending) {
        usable = false;
        return load_error(
            ErrorCode::load_timeout,
            "init() promise did not settle within " + format_ms(options.limits.load_timeout),
            export_line);
      }
    }
  }
  if (auto error = finish_stopped("init()"))
    return *error;

  plugin.Reset(isolate, plugin_object);
  scan_function.Reset(isolate, scan_value.As<v8::Function>());

  // Recycled engines skip parsing: the first engine that loads this source
  // leaves a cache (made after evaluation, so it holds what ran).
  if (!code_cache_consumed) {
    std::unique_ptr<v8::ScriptCompiler::CachedData> data(
        v8::ScriptCompiler::CreateCodeCache(mod->GetUnboundModuleScript()));
    if (data && data->length > 0) {
      source->set_code_cache(
          std::make_shared<const std::vector<uint8_t>>(data->data, data->data + data->length));
    }
  }
  return {};
}

Result<v8::Local<v8::Value>> Engine::Impl::settle(v8::Local<v8::Context> ctx,
                                                  v8::Local<v8::Value> value,
                                                  v8::TryCatch& try_catch) {
  // Thenables are adopted like `await` would: a resolver calls their then().
  v8::Local<v8::Promise> promise;
  if (value->IsPromise()) {
    promise = value.As<v8::Promise>();
  } else if (value->IsObject() && !value->IsArray()) {
    v8::Local<v8::Value> then;
    if (!value.As<v8::Object>()->Get(ctx, then_key.Get(isolate)).ToLocal(&then)) {
      return js_error(isolate, ErrorCode::js_exception, "", JsException::caught(try_catch),
                      source->path());
    }
    if (then->IsFunction()) {
      v8::Local<v8::Promise::Resolver> resolver;
      if (!v8::Promise::Resolver::New(ctx).ToLocal(&resolver) ||
          resolver->Resolve(ctx, value).IsNothing()) {
        return js_error(isolate, ErrorCode::js_exception, "", JsException::caught(try_catch),
                        source->path());
      }
      promise = resolver->GetPromise();
    }
  }
  // Always: a synchronous scan may still have queued work, which must run now,
  // inside this scan's deadline, not leak into the next one.
  isolate->PerformMicrotaskCheckpoint();
  if (promise.IsEmpty())
    return value;
  switch (promise->State()) {
    case v8::Promise::kFulfilled:
      return promise->Result();
    case v8::Promise::kRejected:
      return js_error(isolate, ErrorCode::js_exception,
                      "scan rejected: ", JsException::rejected(isolate, promise->Result()),
                      source->path());
    case v8::Promise::kPending:
      break;
  }
  return Error{ErrorCode::timeout,
               "promise did not settle within " + format_ms(options.limits.scan_timeout) +
                   " (it was pending with no work left to run, so it never would)",
               source->path()};
}

Result<std::vector<Finding>> Engine::Impl::scan(const TransactionPtr& transaction) {
  if (!usable) {
    return Error{ErrorCode::engine_unusable,
                 "the engine was stopped by an earlier timeout or out-of-memory and must be "
                 "replaced",
                 source->path()};
  }
  if (!transaction)
    return Error{ErrorCode::js_exception, "no transaction", source->path()};
  ++stats.executions;

  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope handle_scope(isolate);
  v8::Local<v8::Context> ctx = context.Get(isolate);
  v8::Context::Scope context_scope(ctx);
  v8::TryCatch try_catch(isolate);

  ScanDeadline deadline(*watchdog, options.limits.scan_timeout);
  Result<std::vector<Finding>> result = [&]() -> Result<std::vector<Finding>> {
    // The isolate's foreground tasks (GC follow-ups, FinalizationRegistry
    // callbacks, which run plugin code) would pile up unrun otherwise; run them
    // here, under this scan's deadline.
    if (v8::Platform* platform = detail::current_platform()) {
      while (v8::platform::PumpMessageLoop(platform, isolate,
                                           v8::platform::MessageLoopBehavior::kDoNotWait)) {
      }
    }
    v8::Local<v8::Object> txn;
    if (!view->build(ctx, transaction).ToLocal(&txn)) {
      return Error{ErrorCode::js_exception, "the transaction could not be converted",
                   source->path()};
    }
    v8::Local<v8::Value> argv[] = {txn};
    v8::Local<v8::Value> returned;
    // Exceptions are described where they are caught, still under the
    // deadline: describing runs plugin code (toString, a stack getter).
    if (!scan_function.Get(isolate)->Call(ctx, plugin.Get(isolate), 1, argv).ToLocal(&returned)) {
      return js_error(isolate, ErrorCode::js_exception, "", JsException::caught(try_catch),
                      source->path());
    }
    Result<v8::Local<v8::Value>> settled = settle(ctx, returned, try_catch);
    if (!settled.ok())
      return std::move(settled).error();
    return findings_reader->read(ctx, *settled, *transaction, info.id, try_catch);
  }();
  // Still under the deadline: work queued before a throw runs now and must not
  // leak into the next scan.
  if (!try_catch.HasTerminated() && !isolate->IsExecutionTerminating()) {
    try_catch.Reset();
    isolate->PerformMicrotaskCheckpoint();
  }
  bool fired = deadline.finish();

  if (termination_happened(try_catch, fired)) {
    return forced_stop(ErrorCode::timeout, "scan", options.limits.scan_timeout);
  }
  if (!result.ok()) {
    Error error = std::move(result).error();
    if (error.code == ErrorCode::timeout)
      usable = false;           // a promise that never settles
    if (error.message.empty())  // e.g. `throw ""`
      error.message = "scan failed without an exception";
    return error;
  }
  return result;
}

Result<std::unique_ptr<Engine>> Engine::load(PluginSourcePtr source, EngineOptions options) {
  if (!source)
    return Error{ErrorCode::file_unreadable, "no plugin source"};
  try {
    auto impl = std::make_unique<Impl>(std::move(source), std::move(options));
    Status started = impl->start();
    if (!started.ok())
      return std::move(started).error();
    return std::unique_ptr<Engine>(new Engine(std::move(impl)));
  } catch (const std::exception& e) {
    return Error{ErrorCode::init_failed, std::string("engine set-up failed: ") + e.what()};
  }
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Engine::~Engine() = default;

Result<std::vector<Finding>> Engine::scan(const TransactionPtr& transaction) {
  try {
    return impl_->scan(transaction);
  } catch (const std::exception& e) {
    return Error{ErrorCode::js_exception, std::string("host error: ") + e.what(),
                 impl_->source->path()};
  }
}

const PluginInfo& Engine::info() const {
  return impl_->info;
}

bool Engine::reusable() const {
  return impl_->usable;
}

EngineStats Engine::stats() const {
  EngineStats stats = impl_->stats;
  v8::HeapStatistics heap;
  {
    v8::Isolate::Scope isolate_scope(impl_->isolate);
    impl_->isolate->GetHeapStatistics(&heap);
  }
  stats.heap_used_bytes = heap.used_heap_size();
  stats.heap_limit_bytes = heap.heap_size_limit();
  stats.code_cache_consumed = impl_->code_cache_consumed;
  return stats;
}

}  // namespace warden::runtime
