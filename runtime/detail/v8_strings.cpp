// Text to and from V8 values, and the description of a value's type.
#include "runtime/detail/v8_strings.hpp"

#include "runtime/inert_text.hpp"

namespace warden::runtime::detail {

std::string to_std(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  v8::String::Utf8Value utf8(isolate, value);
  return *utf8 ? std::string(*utf8, utf8.length()) : std::string();
}

std::string to_std_capped(v8::Isolate* isolate, v8::Local<v8::Value> value, std::size_t max_bytes) {
  v8::Local<v8::String> text;
  if (value->IsString()) {
    text = value.As<v8::String>();
  } else if (!value->ToString(isolate->GetCurrentContext()).ToLocal(&text)) {
    return std::string();
  }
  const std::size_t total = static_cast<std::size_t>(text->Utf8Length(isolate));
  if (total <= max_bytes) {
    return to_std(isolate, text);
  }
  std::string out = utf8_prefix(isolate, text, max_bytes);
  out += cut_marker(total - out.size());
  return out;
}

std::string utf8_prefix(v8::Isolate* isolate, v8::Local<v8::String> text, std::size_t max_bytes) {
  std::string out(max_bytes, '\0');
  const int written =
      text->WriteUtf8(isolate, out.data(), static_cast<int>(max_bytes), nullptr,
                      v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
  out.resize(static_cast<std::size_t>(written));
  return out;
}

v8::Local<v8::String> v8_string(v8::Isolate* isolate, std::string_view text) {
  v8::Local<v8::String> result;
  if (!v8::String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal,
                               static_cast<int>(text.size()))
           .ToLocal(&result)) {
    return v8::String::Empty(isolate);  // only beyond String::kMaxLength
  }
  return result;
}

std::string describe_type(v8::Local<v8::Value> value) {
  if (value->IsUndefined())
    return "undefined";
  if (value->IsNull())
    return "null";
  if (value->IsString())
    return "a string";
  if (value->IsNumber())
    return "a number";
  if (value->IsBoolean())
    return "a boolean";
  if (value->IsBigInt())
    return "a bigint";
  if (value->IsSymbol())
    return "a symbol";
  if (value->IsFunction())
    return "a function";
  if (value->IsProxy())
    return "a Proxy";
  if (value->IsPromise())
    return "a Promise";
  if (value->IsArray())
    return "an array";
  return "an object";
}

}  // namespace warden::runtime::detail
