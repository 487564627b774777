#pragma once
// Text to and from V8 values: UTF-8 std::string <-> v8::String, and the
// typeof-like description of a value that error messages use. Private to runtime/.

#include <cstddef>
#include <string>
#include <string_view>

#include <v8.h>

namespace warden::runtime::detail {

// The value as UTF-8 (String(value) semantics); "" when it cannot be converted.
// May run plugin code (toString): call it under a TryCatch.
std::string to_std(v8::Isolate* isolate, v8::Local<v8::Value> value);

// At most `max_bytes` of the value as UTF-8 (String(value) semantics), cut on
// a character boundary and marked ("… [cut N bytes]"); only the kept bytes
// are copied. May run plugin code (toString): call it under a TryCatch.
std::string to_std_capped(v8::Isolate* isolate, v8::Local<v8::Value> value, std::size_t max_bytes);

// The first at most `max_bytes` bytes of `text` as UTF-8, whole characters
// only (V8 writes no partial character); only those bytes are copied.
std::string utf8_prefix(v8::Isolate* isolate, v8::Local<v8::String> text, std::size_t max_bytes);

// A JS string holding `text`; the empty string beyond v8::String::kMaxLength.
v8::Local<v8::String> v8_string(v8::Isolate* isolate, std::string_view text);

// "undefined", "a string", "an array", ... for error messages. Runs no JS.
std::string describe_type(v8::Local<v8::Value> value);

}  // namespace warden::runtime::detail
