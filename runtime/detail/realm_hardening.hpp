#pragma once
// Realm hardening: removes WebAssembly and Atomics.waitAsync and replaces the
// built-ins whose native loops or allocations neither the watchdog nor the
// heap limit can stop, in a fresh context before the plugin runs. Private to
// runtime/.

#include <v8.h>

namespace warden::runtime::detail {

// Call once per context, after the engine's own globals are installed and
// before any plugin code. Our own code: a failure is a bug, and aborts.
void harden_realm(v8::Local<v8::Context> context);

}  // namespace warden::runtime::detail
