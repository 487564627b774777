// Realm hardening: what the engine changes in a fresh context before any plugin code runs.
#include "runtime/detail/realm_hardening.hpp"

#include "runtime/detail/internal_script.hpp"

namespace warden::runtime::detail {
namespace {

// Runs in the plugin's realm before the plugin. Array.prototype.fill on a huge
// sparse array runs V8's generic C++ fill loop, which has no interrupt check:
// neither the watchdog nor the heap limit can stop it, and V8 aborts the
// process once the heap cannot grow. Large ranges go through a JS loop instead,
// which honours both; small ones keep the native fill.
constexpr const char* kRealmHardening = R"JS((() => {
  "use strict";
  const nativeFill = Array.prototype.fill;
  const apply = Reflect.apply, trunc = Math.trunc, min = Math.min, max = Math.max;
  // Captured now: a plugin may replace the globals before calling a guard.
  const toObject = Object, RangeErr = RangeError;
  const relative = (value, length, fallback) => {
    if (value === undefined) return fallback;
    const n = trunc(+value) || 0;
    return n < 0 ? max(length + n, 0) : min(n, length);
  };
  const fill = {
    fill(value, start, end) {
      if (this === null || this === undefined) {
        throw new TypeError("Array.prototype.fill called on null or undefined");
      }
      const o = toObject(this);
      const length = min(max(trunc(+o.length) || 0, 0), 2 ** 53 - 1);
      let k = relative(start, length, 0);
      const final = relative(end, length, length);
      if (final - k <= 1048576) return apply(nativeFill, o, [value, k, final]);
      for (; k < final; k++) o[k] = value;
      return o;
    },
  }.fill;
  Object.defineProperty(Array.prototype, "fill", {
    value: fill, writable: true, enumerable: false, configurable: true,
  });
  // Replaces holder[name] by `wrapped`, a built-in-looking method: the
  // native's length, writable, configurable, not enumerable.
  const install = (holder, name, wrapped) => {
    Object.defineProperty(wrapped, "length", { value: holder[name].length });
    Object.defineProperty(holder, name, {
      value: wrapped, writable: true, enumerable: false, configurable: true,
    });
  };
  // Wraps String.prototype[name]: the receiver (a String object too) is
  // converted once, as the native would, and the native gets the primitive,
  // so its length is what it walks. `check` sees the primitive and the
  // arguments; it throws to refuse, or returns the arguments to pass on.
  const concat = String.prototype.concat;
  const wrapString = (name, check) => {
    const native = String.prototype[name];
    install(String.prototype, name, {
      [name](...args) {
        const s = typeof this === "string" || this == null ? this : apply(concat, "", [this]);
        return apply(native, s, typeof s === "string" ? check(s, args) : args);
      },
    }[name]);
  };
  // split/match/replace build their result in one C++ array; on a string of
  // 2**27+ characters it can exceed V8's largest array, a fatal error.
  const guard = (name, bound, what = "Invalid array length") =>
    wrapString(name, (s, args) => {
      if (s.length > bound) {
        throw new RangeErr(what + ": String.prototype." + name + " on a string of " +
                           s.length + " characters");
      }
      return args;
    });
  guard("split", 2 ** 27 - 64);
  guard("match", 2 ** 27 - 64);
  guard("replace", 2 ** 26);
  guard("replaceAll", 2 ** 26);
  // Case mapping and normalization allocate their whole result in one piece
  // after flattening the source: on a two-byte string near V8's largest (1 GiB)
  // that is a second giant allocation past the heap limit, a fatal
  // out-of-memory error instead of a termination. No scan converts a string
  // of 2**26 characters whole.
  for (const name of ["toUpperCase", "toLowerCase", "toLocaleUpperCase", "toLocaleLowerCase",
                      "normalize"]) {
    guard(name, 2 ** 26, "Invalid string length");
  }
  // repeat, padStart and padEnd know their result's length before they build
  // it; one past 2**27 characters (256 MiB two-byte) is past any heap a plugin
  // gets, and flattening it later is one allocation the heap limit cannot
  // stop in time (a 1 GiB string took the process past 1 GiB of RSS). `+`
  // can still build one; process isolation bounds that (RLIMIT_AS).
  const kMaxBuilt = 2 ** 27;
  const sizeGuard = (name, resultLength) =>
    wrapString(name, (s, args) => {
      // Converted once here (a valueOf runs once, as in the native), then
      // handed to the native as the number it gave.
      const n = +args[0];
      if (resultLength(s, n) > kMaxBuilt) {
        throw new RangeErr("Invalid string length: String.prototype." + name +
                           " would build more than " + kMaxBuilt + " characters");
      }
      return [n, args[1]];
    });
  sizeGuard("repeat", (s, n) => (s.length === 0 ? 0 : s.length * n));
  sizeGuard("padStart", (s, n) => n);
  sizeGuard("padEnd", (s, n) => n);
  // These walk an array-like index by index in V8's builtins, which never
  // check for interrupts: on a length of 2**32-1 (sparse arrays and plain
  // objects alike) they run for hours past the watchdog. A receiver longer
  // than 2**24 (a dense array that long is past any heap limit) is refused;
  // sort on such a length was a fatal out-of-memory error instead.
  // A length getter can still lie to this check; the supervisor's deadline
  // is what guarantees progress (docs/design.md, "Guarantees", 3).
  const kMaxWalk = 2 ** 24;
  for (const name of ["lastIndexOf", "indexOf", "includes", "reverse", "unshift", "forEach",
                      "every", "some", "filter", "map", "reduce", "reduceRight", "slice",
                      "splice", "copyWithin", "join", "toLocaleString", "flat", "flatMap",
                      "sort", "concat"]) {
    const native = Array.prototype[name];
    install(Array.prototype, name, {
      [name](...args) {
        if (this !== null && this !== undefined && toObject(this).length > kMaxWalk) {
          throw new RangeErr("Array.prototype." + name + " on an array-like longer than " +
                               kMaxWalk);
        }
        return apply(native, this, args);
      },
    }[name]);
  }
  // Typed arrays hold their elements outside the heap, a byte each for a
  // Uint8Array; these turn every element into a heap value (an index string,
  // a number slot, a property) in one C++ loop that ignores the time limit:
  // Object.values of a 60-million-element view was one 480 MB allocation past
  // a 64 MiB heap limit (peak RSS 1.8 GB). Views over 2**22 elements are
  // refused here; spread, Array.from and the view's own methods are not
  // affected (they grow step by step, under the heap limit).
  const isView = ArrayBuffer.isView, kMaxView = 2 ** 22;
  const viewLength = Object.getOwnPropertyDescriptor(
      Object.getPrototypeOf(Uint8Array.prototype), "length").get;
  const elements = (o) => {
    if (!isView(o)) return 0;
    try { return apply(viewLength, o, []); } catch (e) { return 0; }  // a DataView
  };
  // [holder, name, index of the first argument checked, all after it too?]
  for (const [holder, name, first, rest] of [
           [Object, "values", 0, false], [Object, "entries", 0, false],
           [Object, "keys", 0, false], [Object, "getOwnPropertyNames", 0, false],
           [Object, "getOwnPropertyDescriptors", 0, false],
           [Object, "assign", 1, true], [Reflect, "ownKeys", 0, false]]) {
    const native = holder[name];
    install(holder, name, {
      [name](...args) {
        const end = rest ? args.length : first + 1;
        for (let i = first; i < end; i++) {
          if (elements(args[i]) > kMaxView) {
            throw new RangeErr(name + " of a typed array longer than " + kMaxView +
                               " elements");
          }
        }
        return apply(native, holder, args);
      },
    }[name]);
  }
  // Array.from on an array-like (no iterator) walks its length too, and
  // builds an array that long: refused past the same bound.
  const nativeFrom = Array.from, iterator = Symbol.iterator;
  install(Array, "from", {
    from(items, ...rest) {
      if (items !== null && items !== undefined && items[iterator] === undefined &&
          toObject(items).length > kMaxWalk) {
        throw new RangeErr("Array.from on an array-like longer than " + kMaxWalk);
      }
      return apply(nativeFrom, this, [items, ...rest]);
    },
  }.from);
})();)JS";

}  // namespace

void harden_realm(v8::Local<v8::Context> context) {
  v8::Isolate* isolate = context->GetIsolate();
  // Not an ECMAScript built-in, and its memories grow outside the heap limit.
  context->Global()
      ->Delete(context, v8::String::NewFromUtf8Literal(isolate, "WebAssembly"))
      .Check();
  // Atomics.waitAsync settles its promise from a delayed platform task (its
  // timeout) or another thread's notify; the engine runs no delayed tasks
  // and a plugin has no other thread, so a promise still pending after the
  // microtask checkpoint would be reported as one nothing can settle while
  // it would. Without it, that report is true.
  v8::Local<v8::Value> atomics;
  if (context->Global()
          ->Get(context, v8::String::NewFromUtf8Literal(isolate, "Atomics"))
          .ToLocal(&atomics) &&
      atomics->IsObject()) {
    atomics.As<v8::Object>()
        ->Delete(context, v8::String::NewFromUtf8Literal(isolate, "waitAsync"))
        .Check();
  }
  run_internal_script(context, "warden:realm.js", kRealmHardening);
}

}  // namespace warden::runtime::detail
