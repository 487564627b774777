#pragma once
// Engine-private subclasses of V8 interfaces, behind factory functions so only
// their own translation unit (v8_resources.cpp) needs -fno-rtti: libnode has
// no RTTI, so a class deriving from a V8 interface fails to link without it.
// Included by runtime/ sources only.

#include <atomic>
#include <cstddef>
#include <memory>
#include <string_view>

#include <v8.h>

namespace warden::runtime::detail {

// Bytes currently held by ArrayBuffer backing stores of one isolate.
struct ArrayBufferUsage {
  std::atomic<std::size_t> bytes{0};
};

// An ArrayBuffer allocator that refuses (returns null, which V8 turns into a
// RangeError inside the plugin) once `cap_bytes` are live, so `new
// ArrayBuffer(2**31)` cannot eat host memory. `usage` is updated as it goes.
std::shared_ptr<v8::ArrayBuffer::Allocator> make_counting_allocator(
    std::size_t cap_bytes, std::shared_ptr<ArrayBufferUsage> usage);

// A JS string that points at `text` without copying it. `text` must be ASCII
// (checked by the caller) and stay unchanged while `owner` lives; the string
// keeps a reference to `owner` until V8 collects it.
v8::MaybeLocal<v8::String> new_external_ascii(v8::Isolate* isolate, std::string_view text,
                                              std::shared_ptr<const void> owner);

// The owner of a string made by new_external_ascii (null for any other
// string). Lets a JS value carry a C++ reference that V8's garbage collector
// releases: no weak handle, no finalizer of our own.
std::shared_ptr<const void> external_ascii_owner(v8::Local<v8::String> string);

}  // namespace warden::runtime::detail
