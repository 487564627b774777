// Turns a JS exception or rejection reason into a warden::Error.
#include "runtime/detail/js_error.hpp"

#include "runtime/detail/v8_strings.hpp"
#include "runtime/detail/zap_script.hpp"

namespace warden::runtime::detail {

JsException JsException::caught(const v8::TryCatch& try_catch) {
  if (try_catch.HasTerminated())
    return JsException{};
  return JsException{try_catch.Exception(), try_catch.Message()};
}

JsException JsException::rejected(v8::Isolate* isolate, v8::Local<v8::Value> reason) {
  return JsException{reason, v8::Exception::CreateMessage(isolate, reason)};
}

Error js_error(v8::Isolate* isolate, ErrorCode code, const std::string& prefix,
               const JsException& exception, const std::string& file, std::size_t max_bytes) {
  v8::Local<v8::Context> ctx = isolate->GetCurrentContext();
  Error error{code, prefix, file};
  {
    // Converting may run plugin code (toString, getters): it must not throw out.
    v8::TryCatch inner(isolate);
    std::string text = exception.value.IsEmpty()
                           ? std::string("unknown error")
                           : to_std_capped(isolate, exception.value, max_bytes);
    if (inner.HasCaught() && !inner.HasTerminated())
      text = "(exception not printable)";
    error.message += text;
    if (!exception.value.IsEmpty() && exception.value->IsObject() && !exception.value->IsProxy()) {
      v8::Local<v8::Value> stack;
      if (exception.value.As<v8::Object>()
              ->Get(ctx, v8::String::NewFromUtf8Literal(isolate, "stack"))
              .ToLocal(&stack) &&
          stack->IsString()) {
        error.stack = to_std_capped(isolate, stack, max_bytes);
      }
    }
    if (inner.HasTerminated())
      inner.ReThrow();
  }
  if (!exception.message.IsEmpty()) {
    error.line = exception.message->GetLineNumber(ctx).FromMaybe(0);
    error.column = exception.message->GetStartColumn(ctx).FromMaybe(-1) + 1;  // 0-based in V8
    std::string resource =
        to_std_capped(isolate, exception.message->GetScriptResourceName(), max_bytes);
    if (!resource.empty() && resource != "undefined")
      error.file = resource;
    // Thrown inside the engine's own scripts (a ZAP shim refusing a call):
    // point at the plugin's call instead.
    int line = 0, column = 0;
    if (resource.rfind("warden:", 0) == 0 && plugin_frame(error.stack, file, &line, &column)) {
      error.file = file;
      error.line = line;
      error.column = column;
    }
  }
  return error;
}

}  // namespace warden::runtime::detail
