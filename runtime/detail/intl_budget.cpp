// IntlBudget: the realm's Intl constructors, wrapped to count what their objects hold outside
// the heap.
#include "runtime/detail/intl_budget.hpp"

#include <utility>

#include "runtime/detail/internal_script.hpp"

namespace warden::runtime::detail {
namespace {

// Runs in the plugin's realm before the plugin; evaluates to a function that
// takes the native `track(object, bytes)` (false: over the budget). The
// estimates are what each object added to the process's malloc'ed bytes
// (ICU 72, 1,000 objects each, mallinfo2), rounded up.
constexpr const char* kIntlGuard = R"JS(((track) => {
  "use strict";
  const construct = Reflect.construct, apply = Reflect.apply, defineProperty = Object.defineProperty;
  const RangeErr = RangeError;
  const costs = {
    DateTimeFormat: 65536, RelativeTimeFormat: 16384, Segmenter: 8192, PluralRules: 4096,
    NumberFormat: 4096, Collator: 2048, DisplayNames: 2048, ListFormat: 1024, Locale: 1024,
  };
  for (const name of Object.keys(costs)) {
    const native = Intl[name];
    if (typeof native !== "function") continue;
    const bytes = costs[name];
    // Called with new (Reflect.construct and subclasses too) or without, as
    // the native allows; the object it makes is counted either way.
    const ctor = function (...args) {
      const made = new.target === undefined ? apply(native, this, args)
                                            : construct(native, args, new.target);
      if (made !== null && typeof made === "object" && !track(made, bytes)) {
        throw new RangeErr("Intl." + name + ": the isolate's memory outside the heap " +
                           "(Intl objects, ArrayBuffers) is at its limit");
      }
      return made;
    };
    defineProperty(ctor, "name", { value: name });
    defineProperty(ctor, "length", { value: native.length });
    defineProperty(ctor, "prototype", { value: native.prototype, writable: false });
    defineProperty(native.prototype, "constructor", {
      value: ctor, writable: true, enumerable: false, configurable: true,
    });
    if (typeof native.supportedLocalesOf === "function") {
      defineProperty(ctor, "supportedLocalesOf", {
        value: native.supportedLocalesOf, writable: true, enumerable: false, configurable: true,
      });
    }
    defineProperty(Intl, name, { value: ctor, writable: true, enumerable: false, configurable: true });
  }
}))JS";

}  // namespace

// One live Intl object's weak handle and what it holds.
struct IntlBudget::Tracked {
  IntlBudget* owner = nullptr;
  std::size_t bytes = 0;
  v8::Global<v8::Object> handle;
};

IntlBudget::IntlBudget(std::size_t budget_bytes, std::shared_ptr<ArrayBufferUsage> array_buffers)
    : budget_bytes_(budget_bytes), array_buffers_(std::move(array_buffers)) {}

IntlBudget::~IntlBudget() {
  for (Tracked* tracked : tracked_) {
    tracked->handle.Reset();
    delete tracked;
  }
}

bool IntlBudget::fits(std::size_t more) const {
  const std::size_t used = bytes_ + array_buffers_->bytes.load(std::memory_order_relaxed);
  return more <= budget_bytes_ && used <= budget_bytes_ - more;
}

void IntlBudget::track(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* self = static_cast<IntlBudget*>(info.Data().As<v8::External>()->Value());
  v8::Isolate* isolate = info.GetIsolate();
  if (info.Length() < 2 || !info[0]->IsObject() || !info[1]->IsUint32()) {
    info.GetReturnValue().Set(false);
    return;
  }
  const std::size_t bytes = info[1].As<v8::Uint32>()->Value();
  if (!self->fits(bytes)) {
    // Dead objects may still be counted: collect them (their weak callbacks
    // run during the collection) before refusing.
    isolate->LowMemoryNotification();
  }
  if (!self->fits(bytes)) {
    self->exhausted_ = true;
    info.GetReturnValue().Set(false);
    return;
  }
  auto* tracked =
      new Tracked{self, bytes, v8::Global<v8::Object>(isolate, info[0].As<v8::Object>())};
  tracked->handle.SetWeak(tracked, &IntlBudget::collected, v8::WeakCallbackType::kParameter);
  self->tracked_.insert(tracked);
  self->bytes_ += bytes;
  info.GetReturnValue().Set(true);
}

void IntlBudget::collected(const v8::WeakCallbackInfo<Tracked>& info) {
  // First pass: only Reset and our own bookkeeping.
  Tracked* tracked = info.GetParameter();
  tracked->handle.Reset();
  tracked->owner->bytes_ -= tracked->bytes;
  tracked->owner->tracked_.erase(tracked);
  delete tracked;
}

void IntlBudget::install(v8::Local<v8::Context> context) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::Local<v8::Value> guard = run_internal_script(context, "warden:intl.js", kIntlGuard);
  v8::Local<v8::Function> track_function =
      v8::Function::New(context, &IntlBudget::track, v8::External::New(isolate, this))
          .ToLocalChecked();
  v8::Local<v8::Value> argv[] = {track_function};
  guard.As<v8::Function>()->Call(context, v8::Undefined(isolate), 1, argv).ToLocalChecked();
}

}  // namespace warden::runtime::detail
