// The warden:std module: compiled once per process, from its code cache in every later isolate.
#include "runtime/detail/std_module.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/js/std.js.hpp"

namespace warden::runtime::detail {
namespace {

// Embedder data slot of the plugin context holding its StdModule (slot 0 is
// V8's own).
constexpr int kStdModuleSlot = 1;

// The module's code cache, shared by every isolate of the process. Made after
// the first evaluation, so it holds the functions that ran.
struct StdCodeCache {
  std::mutex mutex;
  std::shared_ptr<const std::vector<uint8_t>> bytes;
};

StdCodeCache& std_code_cache() {
  static StdCodeCache cache;
  return cache;
}

}  // namespace

StdModule::StdModule(v8::Local<v8::Context> context) : isolate_(context->GetIsolate()) {
  context->SetAlignedPointerInEmbedderData(kStdModuleSlot, this);
}

StdModule::~StdModule() {
  module_.Reset();
}

v8::Local<v8::Module> StdModule::module(v8::Local<v8::Context> /*context*/) {
  if (!module_.IsEmpty())
    return module_.Get(isolate_);
  std::shared_ptr<const std::vector<uint8_t>> cache;
  {
    StdCodeCache& shared = std_code_cache();
    std::lock_guard<std::mutex> guard{shared.mutex};
    cache = shared.bytes;
  }
  // is_module must be true, or CompileModule aborts the process.
  v8::ScriptOrigin origin(isolate_, v8::String::NewFromUtf8Literal(isolate_, "warden:std"), 0, 0,
                          false, -1, v8::Local<v8::Value>(), false, false, /*is_module=*/true);
  v8::Local<v8::String> code = v8::String::NewFromUtf8Literal(isolate_, kStdSource);
  // The Source owns the CachedData object; `cache` keeps its bytes alive.
  auto* data =
      cache ? new v8::ScriptCompiler::CachedData(cache->data(), static_cast<int>(cache->size()),
                                                 v8::ScriptCompiler::CachedData::BufferNotOwned)
            : nullptr;
  v8::ScriptCompiler::Source source(code, origin, data);
  v8::Local<v8::Module> compiled =
      v8::ScriptCompiler::CompileModule(
          isolate_, &source,
          data ? v8::ScriptCompiler::kConsumeCodeCache : v8::ScriptCompiler::kNoCompileOptions)
          .ToLocalChecked();
  code_cache_consumed_ = data != nullptr && !source.GetCachedData()->rejected;
  module_.Reset(isolate_, compiled);
  return compiled;
}

v8::MaybeLocal<v8::Module> StdModule::resolve(v8::Local<v8::Context> context,
                                              v8::Local<v8::String> specifier,
                                              v8::Local<v8::FixedArray> /*import_assertions*/,
                                              v8::Local<v8::Module> /*referrer*/) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::String::Utf8Value name(isolate, specifier);
  if (*name != nullptr && std::string(*name, name.length()) == kSpecifier) {
    auto* self =
        static_cast<StdModule*>(context->GetAlignedPointerFromEmbedderData(kStdModuleSlot));
    return self->module(context);
  }
  std::string text = "import of '" + std::string(*name ? *name : "") +
                     "' is not allowed: a Warden plugin may import only warden:std";
  isolate->ThrowException(
      v8::Exception::Error(v8::String::NewFromUtf8(isolate, text.c_str()).ToLocalChecked()));
  return {};
}

v8::MaybeLocal<v8::Object> StdModule::namespace_object(v8::Local<v8::Context> context) {
  v8::Local<v8::Module> mod = module(context);
  if (mod->GetStatus() < v8::Module::kInstantiated &&
      !mod->InstantiateModule(context, &StdModule::resolve).FromMaybe(false)) {
    return {};
  }
  if (mod->GetStatus() < v8::Module::kEvaluated) {
    v8::Local<v8::Value> done;
    if (!mod->Evaluate(context).ToLocal(&done))
      return {};
    // No top-level await in std.js: the promise is already settled.
  }
  if (mod->GetStatus() != v8::Module::kEvaluated)
    return {};
  after_evaluation();
  return mod->GetModuleNamespace().As<v8::Object>();
}

void StdModule::after_evaluation() {
  if (code_cache_consumed_ || module_.IsEmpty())
    return;
  StdCodeCache& shared = std_code_cache();
  {
    std::lock_guard<std::mutex> guard{shared.mutex};
    if (shared.bytes)
      return;
  }
  std::unique_ptr<v8::ScriptCompiler::CachedData> made(
      v8::ScriptCompiler::CreateCodeCache(module_.Get(isolate_)->GetUnboundModuleScript()));
  if (made && made->length > 0) {
    auto bytes =
        std::make_shared<const std::vector<uint8_t>>(made->data, made->data + made->length);
    std::lock_guard<std::mutex> guard{shared.mutex};
    if (!shared.bytes)
      shared.bytes = std::move(bytes);
  }
}

}  // namespace warden::runtime::detail
