#pragma once
// Runs the engine's own JS (the realm hardening, the view's header builder) in
// a fresh context. Such scripts are compiled in every isolate an engine
// creates, so each is compiled from source once per process and later isolates
// consume its code cache: cheaper recycles. Private to runtime/.

#include <v8.h>

namespace warden::runtime::detail {

// `name` identifies the script (its origin, and its code cache); `source` must
// be the same text for the same name. Our own code in a context no plugin has
// run in: failing to compile or run is a bug, and aborts.
v8::Local<v8::Value> run_internal_script(v8::Local<v8::Context> context, const char* name,
                                         const char* source);

}  // namespace warden::runtime::detail
