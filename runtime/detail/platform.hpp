#pragma once
// The process's v8::Platform, for engines that must pump their isolate's
// foreground task queue (GC follow-ups, FinalizationRegistry callbacks). Set
// by V8Platform for its lifetime; null outside it. Included by runtime/ only.

namespace v8 {
class Platform;
}

namespace warden::runtime::detail {

v8::Platform* current_platform();

}  // namespace warden::runtime::detail
