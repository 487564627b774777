#pragma once
// The one promise pump: runs the isolate's microtasks, then says whether a
// value the plugin handed back (a promise or not) has settled. Private to
// runtime/.
//
// Microtasks run only at these explicit checkpoints (MicrotasksPolicy
// kExplicit), inside the caller's deadline. The sandbox has no timers, I/O or
// host tasks, so once the checkpoint returns nothing else can settle a
// promise: one still pending then never settles, and the caller reports it at
// once instead of idling until the deadline. A checkpoint that runs too long
// is stopped by the caller's deadline (TerminateExecution); the caller checks
// for that before it looks at the outcome.

#include <v8.h>

namespace warden::runtime::detail {

struct Settled {
  enum class State { fulfilled, rejected, pending };
  State state = State::pending;
  v8::Local<v8::Value> value;  // the result, the rejection reason, or empty while pending
};

// Pumps the microtask queue once (always: a synchronous result may still have
// queued work, which must run inside this deadline, not leak into the next),
// then reads `value`: a promise's state, or any other value as fulfilled.
Settled await_settled(v8::Isolate* isolate, v8::Local<v8::Value> value);

}  // namespace warden::runtime::detail
