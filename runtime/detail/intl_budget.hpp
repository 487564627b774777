#pragma once
// Bounds the memory Intl objects hold outside the V8 heap (their ICU data,
// ~55 KiB for a DateTimeFormat, which V8 does not count), per isolate: the
// realm's Intl constructors are wrapped so every object made is counted until
// the garbage collector frees it, and one past the budget is refused with a
// RangeError. Private to runtime/.
//
// Threads: the engine's thread only (weak callbacks run there, during GC).

#include <atomic>
#include <cstddef>
#include <memory>
#include <unordered_set>

#include <v8.h>

#include "runtime/detail/v8_resources.hpp"

namespace warden::runtime::detail {

class IntlBudget {
 public:
  // `budget_bytes` is shared with the ArrayBuffers `array_buffers` counts.
  IntlBudget(std::size_t budget_bytes, std::shared_ptr<ArrayBufferUsage> array_buffers);
  // Frees the bookkeeping of objects still alive; before the isolate is disposed.
  ~IntlBudget();
  IntlBudget(const IntlBudget&) = delete;
  IntlBudget& operator=(const IntlBudget&) = delete;

  // Wraps the Intl constructors of `context` (a fresh one, before any plugin
  // code runs). Our own code: a failure is a bug, and aborts.
  void install(v8::Local<v8::Context> context);

  // Estimated bytes held by live Intl objects.
  std::size_t bytes() const {
    return bytes_;
  }

  // True once an object was refused: the isolate is full outside its heap
  // and should be replaced.
  bool exhausted() const {
    return exhausted_;
  }

 private:
  struct Tracked;
  static void track(const v8::FunctionCallbackInfo<v8::Value>& info);
  static void collected(const v8::WeakCallbackInfo<Tracked>& info);
  bool fits(std::size_t more) const;

  const std::size_t budget_bytes_;
  std::shared_ptr<ArrayBufferUsage> array_buffers_;
  std::size_t bytes_ = 0;
  bool exhausted_ = false;
  std::unordered_set<Tracked*> tracked_;
};

}  // namespace warden::runtime::detail
