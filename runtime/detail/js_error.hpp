#pragma once
// The one place a JS exception (thrown, or a promise's rejection reason)
// becomes a warden::Error with message, stack, file, line and column.
// Private to runtime/.

#include <cstddef>
#include <string>

#include <v8.h>

#include "warden/engine.hpp"
#include "warden/error.hpp"

namespace warden::runtime::detail {

// A JS exception as V8 hands it over: the value and, where known, the message
// that locates it.
struct JsException {
  v8::Local<v8::Value> value;      // empty when nothing was caught
  v8::Local<v8::Message> message;  // empty when the location is unknown

  // What `try_catch` caught; empty after a termination, which the caller
  // reports itself (a timeout or out-of-memory, not a JS exception).
  static JsException caught(const v8::TryCatch& try_catch);
  // A promise's rejection reason; an Error object's message carries where it
  // was created.
  static JsException rejected(v8::Isolate* isolate, v8::Local<v8::Value> reason);
};

// `prefix` + the exception as text ("unknown error" when empty), an Error
// object's stack, and the location of its message; `file` unless the message
// names a script. An exception thrown inside the engine's own scripts
// ("warden:..."), such as a ZAP shim's, is located at the first frame of
// `file` in its stack. Converting runs plugin code (toString, a stack getter): call
// it under the deadline of the work that threw. It never throws into the
// caller; a termination while converting is passed on.
// The exception's text, its stack and the script name are each cut to
// `max_bytes` (marked, see EngineLimits::max_text_bytes), so a plugin cannot
// make the host copy an unbounded message.
Error js_error(v8::Isolate* isolate, ErrorCode code, const std::string& prefix,
               const JsException& exception, const std::string& file,
               std::size_t max_bytes = EngineLimits{}.max_text_bytes);

}  // namespace warden::runtime::detail
