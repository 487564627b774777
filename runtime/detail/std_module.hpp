#pragma once
// The built-in module "warden:std" (runtime/js/std.js) for one plugin context:
// the only specifier a plugin may import. Compiled from source once per
// process; every later isolate compiles it from that code cache. Private to
// runtime/.
//
// Threads: made and used on the engine's thread, inside its isolate scope.

#include <v8.h>

namespace warden::runtime::detail {

class StdModule {
 public:
  static constexpr const char* kSpecifier = "warden:std";

  // Registers itself in `context` (an embedder data slot) so resolve() can
  // find it; call before any plugin code runs there. Must outlive the context's
  // use and be destroyed before the isolate.
  explicit StdModule(v8::Local<v8::Context> context);
  ~StdModule();
  StdModule(const StdModule&) = delete;
  StdModule& operator=(const StdModule&) = delete;

  // A v8::Module::ResolveModuleCallback: "warden:std" gives this context's
  // module (one instance, however many imports), anything else throws an
  // Error saying only warden:std may be imported.
  static v8::MaybeLocal<v8::Module> resolve(v8::Local<v8::Context> context,
                                            v8::Local<v8::String> specifier,
                                            v8::Local<v8::FixedArray> import_assertions,
                                            v8::Local<v8::Module> referrer);

  // The module, compiled on first use. Our own code: failing to compile is a
  // bug and aborts.
  v8::Local<v8::Module> module(v8::Local<v8::Context> context);

  // Its namespace object, instantiating and evaluating it first if needed
  // (for the ZAP adapter, which is not a module). Empty only when V8 refuses
  // (termination).
  v8::MaybeLocal<v8::Object> namespace_object(v8::Local<v8::Context> context);

  // Leaves the process-wide code cache from this module once it has run, if
  // no isolate did yet; call after the plugin that imports it evaluated.
  void after_evaluation();

  // Whether this context's module was compiled from the process's code cache.
  bool code_cache_consumed() const {
    return code_cache_consumed_;
  }

 private:
  v8::Isolate* isolate_;
  v8::Global<v8::Module> module_;
  bool code_cache_consumed_ = false;
};

}  // namespace warden::runtime::detail
