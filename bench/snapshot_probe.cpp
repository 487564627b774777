// Probe for issue 12 part 4: does a per-plugin V8 startup snapshot (the realm,
// or the realm and the evaluated plugin) make loading a plugin cheaper than
// today's load path? Prints one table; each load path runs in a child process
// of its own, so a V8 fatal error in one loses none of the other figures.
//
//   snapshot_probe [--plugin plugins/cookie-flags.js] [--loads 200]
//   snapshot_probe --path PATH ...   (one path, one RESULT line)
//
// Paths (every one keeps one other isolate alive, as Warden does, so the
// read-only heap is shared and not deserialized per load):
//   engine  Engine::load + destruction: today's recycle, watchdog thread included
//   plain   the same steps by hand: Isolate::New, Context::New, the realm
//           set-up, the plugin from its code cache, evaluate, default export,
//           init; then Dispose
//   realm   Isolate::New from a blob that holds the context after the realm
//           set-up; then the plugin as in `plain`
//   module  Isolate::New from a blob that also holds the evaluated plugin,
//           loaded as load_module does (its default export read through the
//           module namespace object); the plugin object comes back with
//           GetDataFromSnapshotOnce. V8 10.2 aborts in CreateBlob: "Unknown
//           external reference" (its namespace accessor)
//   module+ns     the same, with V8's namespace accessors in the table
//   module-entry  the same, the default export taken through a second
//                 module's import binding, so no namespace object exists
// Every booted plugin is checked: its id, and scan() of one test transaction.
//
// The realm is the engine's (runtime/detail): harden_realm, IntlBudget,
// TransactionView, StdModule, with a console of the same shape (five
// functions over one v8::External) whose callback this file can name; the
// engine's console callbacks are file-local to console.cpp.
#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <sys/wait.h>
#include <time.h>
#include <unordered_set>
#include <vector>

#include <libplatform/libplatform.h>
#include <v8.h>

#include "runtime/detail/platform.hpp"
#include "runtime/detail/realm_hardening.hpp"
#include "runtime/detail/v8_resources.hpp"
#include "warden/engine.hpp"
#include "warden/plugin_source.hpp"
#include "warden/v8_platform.hpp"

// The external-reference table must name IntlBudget::track and
// TransactionView::get (private statics) and the addresses of the
// TransactionView's per-field data, and must reset StdModule's Global: a probe may look inside, the
// engine's code stays as it is.
#define private public
#include "runtime/detail/intl_budget.hpp"
#include "runtime/detail/std_module.hpp"
#include "runtime/detail/transaction_view.hpp"
#undef private

namespace {

using namespace warden;           // NOLINT: a probe program
using namespace warden::runtime;  // NOLINT

struct Options {
  std::string plugin = std::string(WARDEN_SOURCE_DIR) + "/plugins/cookie-flags.js";
  int loads = 200;
  std::string path;  // empty: run every path in a child
};

double now_ms(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double median(std::vector<double> values) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// The console replica's callback: does what a console call costs nothing for.
void console_call(const v8::FunctionCallbackInfo<v8::Value>& /*info*/) {}

int console_target = 0;

constexpr const char* kNamespaceGetter =
    "_ZN2v88internal9Accessors26ModuleNamespaceEntryGetterENS_5LocalINS_4NameEEERKNS_"
    "20PropertyCallbackInfoINS_5ValueEEE";
constexpr const char* kNamespaceSetter =
    "_ZN2v88internal9Accessors26ModuleNamespaceEntrySetterENS_5LocalINS_4NameEEENS2_INS_"
    "5ValueEEERKNS_20PropertyCallbackInfoINS_7BooleanEEE";  // what the console's External points to

// What a realm's C++ side is: the objects the engine keeps in EngineState.
struct Realm {
  std::shared_ptr<detail::ArrayBufferUsage> usage = std::make_shared<detail::ArrayBufferUsage>();
  std::optional<detail::IntlBudget> intl;
  std::optional<detail::TransactionView> view;
  std::optional<detail::StdModule> std_module;
};

// load_module's realm set-up, in the same order.
void set_up_realm(v8::Local<v8::Context> ctx, Realm& realm) {
  v8::Isolate* isolate = ctx->GetIsolate();
  v8::Local<v8::Object> console = v8::Object::New(isolate);
  v8::Local<v8::External> self = v8::External::New(isolate, &console_target);
  for (const char* name : {"log", "info", "warn", "error", "debug"}) {
    v8::Local<v8::Function> fn =
        v8::Function::New(ctx, &console_call, self, 0, v8::ConstructorBehavior::kThrow)
            .ToLocalChecked();
    console->Set(ctx, v8::String::NewFromUtf8(isolate, name).ToLocalChecked(), fn).Check();
  }
  ctx->Global()->Set(ctx, v8::String::NewFromUtf8Literal(isolate, "console"), console).Check();
  detail::harden_realm(ctx);
  realm.intl.emplace(std::size_t{128} << 20, realm.usage);
  realm.intl->install(ctx);
  realm.view.emplace(ctx);
  realm.std_module.emplace(ctx);
}

// Every C++ address the realm leaves in the heap: callbacks and the data of
// the v8::External objects they read. nullptr-terminated.
std::vector<intptr_t> external_references(const Realm& realm) {
  std::vector<intptr_t> refs = {
      reinterpret_cast<intptr_t>(&console_call),
      reinterpret_cast<intptr_t>(&detail::IntlBudget::track),
      reinterpret_cast<intptr_t>(&detail::TransactionView::get),
      reinterpret_cast<intptr_t>(&console_target),
      reinterpret_cast<intptr_t>(&*realm.intl),
  };
  for (const auto& field : realm.view->fields_)
    refs.push_back(reinterpret_cast<intptr_t>(&field));
  refs.push_back(0);
  return refs;
}

// Compile (from the code cache), instantiate, evaluate, default export,
// scan, init: load_module's steps without its error reporting.
v8::Local<v8::Object> load_plugin(v8::Local<v8::Context> ctx, const PluginSource& source) {
  v8::Isolate* isolate = ctx->GetIsolate();
  v8::Local<v8::String> code =
      v8::String::NewFromUtf8(isolate, source.code().data(), v8::NewStringType::kNormal,
                              static_cast<int>(source.code().size()))
          .ToLocalChecked();
  // is_module must be true, or CompileModule aborts the process.
  v8::ScriptOrigin origin(isolate,
                          v8::String::NewFromUtf8(isolate, source.path().c_str()).ToLocalChecked(),
                          0, 0, false, -1, v8::Local<v8::Value>(), false, false, true);
  std::shared_ptr<const std::vector<uint8_t>> cache = source.code_cache();
  auto* data =
      cache ? new v8::ScriptCompiler::CachedData(cache->data(), static_cast<int>(cache->size()),
                                                 v8::ScriptCompiler::CachedData::BufferNotOwned)
            : nullptr;
  v8::ScriptCompiler::Source compile_source(code, origin, data);
  v8::Local<v8::Module> module =
      v8::ScriptCompiler::CompileModule(
          isolate, &compile_source,
          data ? v8::ScriptCompiler::kConsumeCodeCache : v8::ScriptCompiler::kNoCompileOptions)
          .ToLocalChecked();
  module->InstantiateModule(ctx, &detail::StdModule::resolve).Check();
  v8::Local<v8::Value> done = module->Evaluate(ctx).ToLocalChecked();
  isolate->PerformMicrotaskCheckpoint();
  if (!done->IsPromise() || done.As<v8::Promise>()->State() != v8::Promise::kFulfilled) {
    std::fprintf(stderr, "module evaluation did not fulfil\n");
    std::exit(3);
  }
  v8::Local<v8::Object> plugin = module->GetModuleNamespace()
                                     .As<v8::Object>()
                                     ->Get(ctx, v8::String::NewFromUtf8Literal(isolate, "default"))
                                     .ToLocalChecked()
                                     .As<v8::Object>();
  v8::Local<v8::Value> scan =
      plugin->Get(ctx, v8::String::NewFromUtf8Literal(isolate, "scan")).ToLocalChecked();
  v8::Local<v8::Value> init =
      plugin->Get(ctx, v8::String::NewFromUtf8Literal(isolate, "init")).ToLocalChecked();
  if (!scan->IsFunction()) {
    std::fprintf(stderr, "no scan function\n");
    std::exit(3);
  }
  if (init->IsFunction()) {
    v8::Local<v8::Value> argv[] = {
        v8::JSON::Parse(ctx, v8::String::NewFromUtf8Literal(isolate, "{}")).ToLocalChecked()};
    init.As<v8::Function>()->Call(ctx, plugin, 1, argv).ToLocalChecked();
    isolate->PerformMicrotaskCheckpoint();
  }
  return plugin;
}

v8::Global<v8::Module> entry_target;  // the plugin module, for entry_resolve

v8::MaybeLocal<v8::Module> entry_resolve(v8::Local<v8::Context> context,
                                         v8::Local<v8::String> specifier,
                                         v8::Local<v8::FixedArray> import_assertions,
                                         v8::Local<v8::Module> referrer) {
  v8::String::Utf8Value name(context->GetIsolate(), specifier);
  if (*name != nullptr && std::string(*name) == "warden:probe-plugin")
    return entry_target.Get(context->GetIsolate());
  return detail::StdModule::resolve(context, specifier, import_assertions, referrer);
}

// load_plugin without a module namespace object: a second module imports
// the plugin's default export (an import binding, no namespace) and hands it
// over through a global property that is deleted again.
v8::Local<v8::Object> load_plugin_via_entry(v8::Local<v8::Context> ctx,
                                            const PluginSource& source) {
  v8::Isolate* isolate = ctx->GetIsolate();
  auto origin = [&](const char* name) {
    // is_module must be true, or CompileModule aborts the process.
    return v8::ScriptOrigin(isolate, v8::String::NewFromUtf8(isolate, name).ToLocalChecked(), 0, 0,
                            false, -1, v8::Local<v8::Value>(), false, false, true);
  };
  std::shared_ptr<const std::vector<uint8_t>> cache = source.code_cache();
  auto* data =
      cache ? new v8::ScriptCompiler::CachedData(cache->data(), static_cast<int>(cache->size()),
                                                 v8::ScriptCompiler::CachedData::BufferNotOwned)
            : nullptr;
  v8::ScriptCompiler::Source plugin_source(
      v8::String::NewFromUtf8(isolate, source.code().data(), v8::NewStringType::kNormal,
                              static_cast<int>(source.code().size()))
          .ToLocalChecked(),
      origin(source.path().c_str()), data);
  v8::Local<v8::Module> plugin_module =
      v8::ScriptCompiler::CompileModule(
          isolate, &plugin_source,
          data ? v8::ScriptCompiler::kConsumeCodeCache : v8::ScriptCompiler::kNoCompileOptions)
          .ToLocalChecked();
  entry_target.Reset(isolate, plugin_module);
  v8::ScriptCompiler::Source entry_source(
      v8::String::NewFromUtf8Literal(isolate,
                                     "import plugin from 'warden:probe-plugin';\n"
                                     "globalThis.__wardenProbePlugin = plugin;\n"),
      origin("warden:probe-entry"));
  v8::Local<v8::Module> entry =
      v8::ScriptCompiler::CompileModule(isolate, &entry_source).ToLocalChecked();
  entry->InstantiateModule(ctx, &entry_resolve).Check();
  v8::Local<v8::Value> done = entry->Evaluate(ctx).ToLocalChecked();
  isolate->PerformMicrotaskCheckpoint();
  if (!done->IsPromise() || done.As<v8::Promise>()->State() != v8::Promise::kFulfilled) {
    std::fprintf(stderr, "entry module evaluation did not fulfil\n");
    std::exit(3);
  }
  v8::Local<v8::String> key = v8::String::NewFromUtf8Literal(isolate, "__wardenProbePlugin");
  v8::Local<v8::Object> plugin = ctx->Global()->Get(ctx, key).ToLocalChecked().As<v8::Object>();
  ctx->Global()->Delete(ctx, key).Check();
  entry_target.Reset();
  v8::Local<v8::Value> init =
      plugin->Get(ctx, v8::String::NewFromUtf8Literal(isolate, "init")).ToLocalChecked();
  if (init->IsFunction()) {
    v8::Local<v8::Value> argv[] = {
        v8::JSON::Parse(ctx, v8::String::NewFromUtf8Literal(isolate, "{}")).ToLocalChecked()};
    init.As<v8::Function>()->Call(ctx, plugin, 1, argv).ToLocalChecked();
    isolate->PerformMicrotaskCheckpoint();
  }
  return plugin;
}

constexpr const char* kTransactionJson =
    R"({"id":"t1","startedDateTime":"2026-01-01T00:00:00Z",)"
    R"("request":{"method":"GET","url":"https://example.com/","httpVersion":"HTTP/1.1",)"
    R"("headers":[],"body":null},"response":{"status":200,"statusText":"OK",)"
    R"("httpVersion":"HTTP/1.1","headers":[{"name":"Set-Cookie","value":"session=abc; Path=/"}],)"
    R"("mimeType":"text/html","body":"","bodyEncoding":""}})";

// The plugin works in the booted isolate: scan() of one plain-object
// transaction: how many findings and the start of their JSON, or why it failed.
std::string scan_once(v8::Local<v8::Context> ctx, v8::Local<v8::Object> plugin) {
  v8::Isolate* isolate = ctx->GetIsolate();
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Value> scan =
      plugin->Get(ctx, v8::String::NewFromUtf8Literal(isolate, "scan")).ToLocalChecked();
  v8::Local<v8::Value> argv[] = {
      v8::JSON::Parse(ctx, v8::String::NewFromUtf8(isolate, kTransactionJson).ToLocalChecked())
          .ToLocalChecked()};
  v8::Local<v8::Value> found;
  if (!scan.As<v8::Function>()->Call(ctx, plugin, 1, argv).ToLocal(&found)) {
    v8::String::Utf8Value what(isolate, try_catch.Exception());
    return std::string("threw ") + (*what ? *what : "?");
  }
  isolate->PerformMicrotaskCheckpoint();
  if (found->IsPromise())
    found = found.As<v8::Promise>()->Result();
  v8::Local<v8::String> json;
  if (!v8::JSON::Stringify(ctx, found).ToLocal(&json))
    return "unprintable";
  v8::String::Utf8Value text(isolate, json);
  const int count = found->IsArray() ? static_cast<int>(found.As<v8::Array>()->Length()) : 0;
  return std::to_string(count) + " findings " + std::string(*text ? *text : "").substr(0, 48);
}

std::string plugin_id(v8::Local<v8::Context> ctx, v8::Local<v8::Object> plugin) {
  v8::Isolate* isolate = ctx->GetIsolate();
  v8::Local<v8::Value> id =
      plugin->Get(ctx, v8::String::NewFromUtf8Literal(isolate, "id")).ToLocalChecked();
  v8::String::Utf8Value text(isolate, id);
  return *text ? *text : "";
}

// One blob: the realm, and with `with_module` the evaluated plugin as the
// default context's data slot 0. The creator's C++ realm stays alive (leaked)
// so the addresses in the table stay valid for the isolates booted from it.
v8::StartupData make_blob(const PluginSource& source, const std::string& path,
                          std::vector<intptr_t>* refs, double* ms) {
  // The table must be handed to the creator before the realm exists, whose
  // addresses it lists: it is filled in place once the realm is built (V8
  // keeps the pointer and reads the table in CreateBlob).
  static std::vector<intptr_t> table(64, 0);
  auto* realm = new Realm;  // leaked on purpose, see above
  const double start = now_ms(CLOCK_MONOTONIC);
  v8::SnapshotCreator creator(table.data());
  v8::Isolate* isolate = creator.GetIsolate();
  isolate->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
  {
    v8::HandleScope handle_scope(isolate);
    v8::Local<v8::Context> ctx = v8::Context::New(isolate);
    v8::Context::Scope context_scope(ctx);
    set_up_realm(ctx, *realm);
    std::vector<intptr_t> made = external_references(*realm);
    std::copy(made.begin(), made.end(), table.begin());
    if (path == "module+ns") {
      // V8's own accessor for module namespace entries is not in V8's
      // table of its external references: named here, from libnode's
      // exported symbols.
      std::size_t end = made.size() - 1;
      for (const char* symbol : {kNamespaceGetter, kNamespaceSetter})
        table[end++] = reinterpret_cast<intptr_t>(dlsym(RTLD_DEFAULT, symbol));
      table[end] = 0;
    }
    if (path == "module" || path == "module+ns")
      creator.AddData(ctx, load_plugin(ctx, source));
    else if (path == "module-entry")
      creator.AddData(ctx, load_plugin_via_entry(ctx, source));
    creator.SetDefaultContext(ctx);
  }
  // The realm's Globals (templates, the std module) must not outlive the
  // creator's isolate; its Externals' addresses stay valid (the memory stays).
  realm->view->header_builder_.Reset();
  realm->view->transaction_shape_.Reset();
  realm->view->request_shape_.Reset();
  realm->view->response_shape_.Reset();
  realm->view->header_block_.reset();
  realm->std_module->module_.Reset();
  v8::StartupData blob = creator.CreateBlob(v8::SnapshotCreator::FunctionCodeHandling::kKeep);
  *ms = now_ms(CLOCK_MONOTONIC) - start;
  *refs = table;
  return blob;
}

struct Figures {
  double load_ms = 0;     // median wall, isolate creation to plugin ready
  double cpu_ms = 0;      // median thread CPU of the same
  double cycle_ms = 0;    // median wall, load and dispose
  double isolate_ms = 0;  // median wall of Isolate::New alone
  std::size_t blob_bytes = 0;
  double blob_ms = 0;
};

// One path, `loads` times; prints its result line.
int run_path(const Options& options) {
  V8Platform platform;
  Result<std::shared_ptr<const PluginSource>> read = PluginSource::read(options.plugin);
  if (!read.ok()) {
    std::fprintf(stderr, "%s\n", read.error().message.c_str());
    return 2;
  }
  std::shared_ptr<const PluginSource> source = *read;
  // One load leaves the code cache on the source, as in Warden after the
  // first worker; the engine is kept as the "other isolate alive".
  Result<Engine> keeper = Engine::load(source, EngineOptions{});
  if (!keeper.ok()) {
    std::fprintf(stderr, "load failed: %s\n", keeper.error().message.c_str());
    return 2;
  }
  {
    auto transaction = std::make_shared<Transaction>();
    transaction->id = "t1";
    transaction->started_date_time = "2026-01-01T00:00:00Z";
    transaction->request = Request{"GET", "https://example.com/", "HTTP/1.1", {}, std::nullopt};
    transaction->response.status = 200;
    transaction->response.status_text = "OK";
    transaction->response.http_version = "HTTP/1.1";
    transaction->response.headers = {{"Set-Cookie", "session=abc; Path=/"}};
    transaction->response.mime_type = "text/html";
    Result<std::vector<Finding>> found = keeper->scan(transaction);
    if (options.path == "engine") {
      std::fprintf(stderr, "Engine::scan of the test transaction: %d findings\n",
                   found.ok() ? static_cast<int>(found->size()) : -1);
    }
  }
  Figures figures;
  std::vector<intptr_t> refs;
  v8::StartupData blob{nullptr, 0};
  const bool snapshot = options.path != "engine" && options.path != "plain";
  if (snapshot) {
    blob = make_blob(*source, options.path, &refs, &figures.blob_ms);
    figures.blob_bytes = static_cast<std::size_t>(blob.raw_size);
    std::fprintf(stderr, "blob %d bytes, valid %d, rehashable %d\n", blob.raw_size,
                 blob.IsValid() ? 1 : 0, blob.CanBeRehashed() ? 1 : 0);
  }
  std::unique_ptr<v8::ArrayBuffer::Allocator> allocator(
      v8::ArrayBuffer::Allocator::NewDefaultAllocator());
  const std::string want_id = keeper->info().id;
  std::vector<double> load, cpu, cycle, isolate_new;
  for (int i = 0; i < options.loads; ++i) {
    const double t0 = now_ms(CLOCK_MONOTONIC);
    const double c0 = now_ms(CLOCK_THREAD_CPUTIME_ID);
    if (options.path == "engine") {
      std::optional<Result<Engine>> engine(Engine::load(source, EngineOptions{}));
      if (!engine->ok())
        return 3;
      load.push_back(now_ms(CLOCK_MONOTONIC) - t0);
      cpu.push_back(now_ms(CLOCK_THREAD_CPUTIME_ID) - c0);
      engine.reset();
      cycle.push_back(now_ms(CLOCK_MONOTONIC) - t0);
      continue;
    }
    v8::Isolate::CreateParams params;
    params.constraints.ConfigureDefaultsFromHeapSize(0, std::size_t{128} << 20);
    params.array_buffer_allocator = allocator.get();
    if (snapshot) {
      params.snapshot_blob = &blob;
      params.external_references = refs.data();
    }
    v8::Isolate* isolate = v8::Isolate::New(params);
    isolate_new.push_back(now_ms(CLOCK_MONOTONIC) - t0);
    isolate->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
    Realm realm;
    {
      v8::Isolate::Scope isolate_scope(isolate);
      v8::HandleScope handle_scope(isolate);
      v8::Local<v8::Context> ctx = v8::Context::New(isolate);
      v8::Context::Scope context_scope(ctx);
      v8::Local<v8::Object> plugin;
      if (options.path == "plain") {
        set_up_realm(ctx, realm);
        plugin = load_plugin(ctx, *source);
      } else if (options.path == "realm") {
        realm.std_module.emplace(ctx);  // the context's slot must name this isolate's
        plugin = load_plugin(ctx, *source);
      } else {
        plugin = ctx->GetDataFromSnapshotOnce<v8::Object>(0).ToLocalChecked();
        v8::Local<v8::Value> scan =
            plugin->Get(ctx, v8::String::NewFromUtf8Literal(isolate, "scan")).ToLocalChecked();
        if (!scan->IsFunction())
          return 3;
      }
      load.push_back(now_ms(CLOCK_MONOTONIC) - t0);
      cpu.push_back(now_ms(CLOCK_THREAD_CPUTIME_ID) - c0);
      if (i < 2) {
        std::fprintf(stderr, "load %d: id %s, scan(): %s\n", i + 1, plugin_id(ctx, plugin).c_str(),
                     scan_once(ctx, plugin).c_str());
      }
      if (i == 0 && plugin_id(ctx, plugin) != want_id) {
        std::fprintf(stderr, "booted plugin id '%s', want '%s'\n", plugin_id(ctx, plugin).c_str(),
                     want_id.c_str());
        return 3;
      }
    }
    {
      v8::Isolate::Scope isolate_scope(isolate);
      realm.view.reset();
      realm.std_module.reset();
      realm.intl.reset();
    }
    if (v8::Platform* p = detail::current_platform())
      v8::platform::NotifyIsolateShutdown(p, isolate);
    isolate->Dispose();
    cycle.push_back(now_ms(CLOCK_MONOTONIC) - t0);
  }
  figures.load_ms = median(load);
  figures.cpu_ms = median(cpu);
  figures.cycle_ms = median(cycle);
  figures.isolate_ms = median(isolate_new);
  std::printf("RESULT %s %zu %.1f %.3f %.3f %.3f %.3f\n", options.path.c_str(), figures.blob_bytes,
              figures.blob_ms, figures.load_ms, figures.cpu_ms, figures.cycle_ms,
              figures.isolate_ms);
  std::fflush(stdout);
  delete[] blob.data;  // every isolate booted from it is disposed
  return 0;
}

const char* includes(const std::string& path) {
  if (path == "engine")
    return "today: Isolate::New + Context::New + realm + plugin (code cache) + watchdog";
  if (path == "plain")
    return "the same by hand: isolate, context, realm, plugin from code cache";
  if (path == "realm")
    return "isolate + context (realm set up) from blob; plugin from code cache";
  if (path == "module")
    return "isolate + context + realm + evaluated plugin (namespace read) from blob";
  if (path == "module+ns")
    return "as module, V8's namespace accessors added to the table";
  return "isolate + context + realm + evaluated plugin (no namespace object) from blob";
}

// Runs each path in a child (a V8 fatal error there costs only its row).
int run_all(const char* self, const Options& options) {
  std::printf("plugin %s, %d loads per path, medians; another isolate alive\n\n",
              options.plugin.c_str(), options.loads);
  std::printf(
      "| load path | blob size | blob made in | ms per load | CPU ms per load | "
      "of which Isolate::New | ms per load+dispose | what it includes |\n"
      "|---|---:|---:|---:|---:|---:|---:|---|\n");
  for (const std::string path :
       {"engine", "plain", "realm", "module", "module+ns", "module-entry"}) {
    std::string command = std::string(self) + " --path " + path + " --loads " +
                          std::to_string(options.loads) + " --plugin '" + options.plugin + "' 2>&1";
    FILE* child = popen(command.c_str(), "r");
    if (child == nullptr)
      return 2;
    std::string result, last_message;
    std::array<char, 4096> line{};
    while (std::fgets(line.data(), line.size(), child) != nullptr) {
      std::string text(line.data());
      if (!text.empty() && text.back() == '\n')
        text.pop_back();
      if (text.rfind("RESULT ", 0) == 0)
        result = text;
      else if (!text.empty())
        last_message += (last_message.empty() ? "" : " / ") + text;
    }
    const int status = pclose(child);
    char name[16] = {};
    std::size_t blob = 0;
    double blob_ms = 0, load_ms = 0, cpu_ms = 0, cycle_ms = 0, isolate_ms = 0;
    if (!result.empty() &&
        std::sscanf(result.c_str(), "RESULT %15s %zu %lf %lf %lf %lf %lf", name, &blob, &blob_ms,
                    &load_ms, &cpu_ms, &cycle_ms, &isolate_ms) == 7) {
      std::string size = blob ? std::to_string(blob / 1024) + " KB" : "-";
      std::string made = blob ? std::to_string(static_cast<int>(blob_ms)) + " ms" : "-";
      std::string isolate = path == "engine" ? "-" : std::to_string(isolate_ms).substr(0, 4);
      std::printf("| %s | %s | %s | %.2f | %.2f | %s | %.2f | %s |\n", path.c_str(), size.c_str(),
                  made.c_str(), load_ms, cpu_ms, isolate.c_str(), cycle_ms, includes(path));
    } else {
      std::printf("| %s | - | - | failed | - | - | - | exit status %d: %s |\n", path.c_str(),
                  WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
                  last_message.substr(0, 400).c_str());
    }
    if (!last_message.empty() && !result.empty())
      std::printf("  (%s: %s)\n", path.c_str(), last_message.substr(0, 260).c_str());
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::printf(
          "usage: snapshot_probe [--plugin FILE] [--loads N] [--path PATH]\n"
          "Compares loading a plugin today (Engine::load) with booting its isolate from a\n"
          "V8 startup snapshot of the realm, or of the realm and the evaluated plugin.\n"
          "Without --path every path runs in a child process and one table is printed.\n"
          "  --plugin FILE  the plugin (default plugins/cookie-flags.js)\n"
          "  --loads N      loads per path (default 200)\n"
          "  --path PATH    engine, plain, realm, module, module+ns or module-entry\n");
      return 0;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "missing value after %s (see --help)\n", arg.c_str());
      return 2;
    }
    if (arg == "--plugin")
      options.plugin = argv[++i];
    else if (arg == "--loads")
      options.loads = std::max(1, std::atoi(argv[++i]));
    else if (arg == "--path")
      options.path = argv[++i];
    else {
      std::fprintf(stderr, "unknown option %s (see --help)\n", arg.c_str());
      return 2;
    }
  }
  if (options.path.empty())
    return run_all(argv[0], options);
  return run_path(options);
}
