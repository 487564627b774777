// Text to and from V8 values, and the description of a value's type.
#include "runtime/detail/v8_strings.hpp"

namespace warden::runtime::detail {

std::string to_std(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  v8::String::Utf8Value utf8(isolate, value);
  return *utf8 ? std::string(*utf8, utf8.length()) : std::string();
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
