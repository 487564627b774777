// Running the engine's own scripts, each compiled from source once per process.
#include "runtime/detail/internal_script.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace warden::runtime::detail {
namespace {

// Code caches by script name, shared by every isolate of the process.
struct CodeCaches {
  std::mutex mutex;
  std::map<std::string, std::vector<uint8_t>> by_name;
};

CodeCaches& code_caches() {
  static CodeCaches caches;
  return caches;
}

}  // namespace

v8::Local<v8::Value> run_internal_script(v8::Local<v8::Context> context, const char* name,
                                         const char* source) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::ScriptOrigin origin(isolate, v8::String::NewFromUtf8(isolate, name).ToLocalChecked());
  v8::Local<v8::String> code = v8::String::NewFromUtf8(isolate, source).ToLocalChecked();

  CodeCaches& caches = code_caches();
  std::vector<uint8_t> cached;
  {
    std::lock_guard<std::mutex> guard{caches.mutex};
    if (auto it = caches.by_name.find(name); it != caches.by_name.end())
      cached = it->second;
  }
  auto* data = cached.empty() ? nullptr
                              : new v8::ScriptCompiler::CachedData(
                                    cached.data(), static_cast<int>(cached.size()),
                                    v8::ScriptCompiler::CachedData::BufferNotOwned);
  v8::ScriptCompiler::Source compile_source(code, origin, data);  // owns `data`
  v8::Local<v8::Script> script =
      v8::ScriptCompiler::Compile(
          context, &compile_source,
          data ? v8::ScriptCompiler::kConsumeCodeCache : v8::ScriptCompiler::kEagerCompile)
          .ToLocalChecked();
  if (data == nullptr || data->rejected) {
    std::unique_ptr<v8::ScriptCompiler::CachedData> made(
        v8::ScriptCompiler::CreateCodeCache(script->GetUnboundScript()));
    if (made && made->length > 0) {
      std::lock_guard<std::mutex> guard{caches.mutex};
      caches.by_name[name].assign(made->data, made->data + made->length);
    }
  }
  return script->Run(context).ToLocalChecked();
}

}  // namespace warden::runtime::detail
