// The promise pump shared by module evaluation, init() and scan().
#include "runtime/detail/await_settled.hpp"

namespace warden::runtime::detail {

Settled await_settled(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  isolate->PerformMicrotaskCheckpoint();
  if (!value->IsPromise())
    return Settled{Settled::State::fulfilled, value};
  v8::Local<v8::Promise> promise = value.As<v8::Promise>();
  switch (promise->State()) {
    case v8::Promise::kFulfilled:
      return Settled{Settled::State::fulfilled, promise->Result()};
    case v8::Promise::kRejected:
      return Settled{Settled::State::rejected, promise->Result()};
    case v8::Promise::kPending:
      break;
  }
  return Settled{Settled::State::pending, {}};
}

}  // namespace warden::runtime::detail
