// YAML text to plain JS values with yaml-cpp, bounded in size, count and depth.
#include "runtime/detail/yaml_value.hpp"

#include <exception>
#include <stdexcept>
#include <string>
#include <yaml-cpp/yaml.h>

namespace warden::runtime::detail {
namespace {

struct TooLarge : std::runtime_error {
  using std::runtime_error::runtime_error;
};

v8::Local<v8::String> js_string(v8::Isolate* isolate, const std::string& text) {
  v8::Local<v8::String> result;
  if (!v8::String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal,
                               static_cast<int>(text.size()))
           .ToLocal(&result)) {
    throw TooLarge("a YAML string is too long");
  }
  return result;
}

// Builds the JS value of `node`; throws TooLarge past the bounds. Keys are
// defined as own data properties, so "__proto__" stays an ordinary key.
v8::Local<v8::Value> to_js(v8::Local<v8::Context> context, const YAML::Node& node, int depth,
                           int& nodes) {
  v8::Isolate* isolate = context->GetIsolate();
  if (++nodes > kMaxYamlNodes)
    throw TooLarge("the YAML has more than " + std::to_string(kMaxYamlNodes) + " values");
  if (depth > kMaxYamlDepth)
    throw TooLarge("the YAML nests deeper than " + std::to_string(kMaxYamlDepth) + " levels");
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return js_string(isolate, node.Scalar());
    case YAML::NodeType::Sequence: {
      v8::Local<v8::Array> array = v8::Array::New(isolate, 0);
      uint32_t index = 0;
      for (const YAML::Node& item : node) {
        if (array->Set(context, index++, to_js(context, item, depth + 1, nodes)).IsNothing())
          throw TooLarge("the YAML could not be converted");
      }
      return array;
    }
    case YAML::NodeType::Map: {
      v8::Local<v8::Object> object = v8::Object::New(isolate);
      for (const auto& pair : node) {
        if (!pair.first.IsScalar())
          throw TooLarge("a YAML mapping key is not a plain value");
        v8::Local<v8::Value> value = to_js(context, pair.second, depth + 1, nodes);
        if (object->CreateDataProperty(context, js_string(isolate, pair.first.Scalar()), value)
                .IsNothing()) {
          throw TooLarge("the YAML could not be converted");
        }
      }
      return object;
    }
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return v8::Null(isolate);
}

}  // namespace

void parse_yaml(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  auto fail = [&](const std::string& message) {
    isolate->ThrowException(v8::Exception::SyntaxError(
        v8::String::NewFromUtf8(isolate, ("YAML metadata: " + message).c_str()).ToLocalChecked()));
  };
  if (info.Length() < 1 || !info[0]->IsString()) {
    fail("expected a string");
    return;
  }
  v8::Local<v8::String> text = info[0].As<v8::String>();
  if (text->Utf8Length(isolate) > kMaxYamlBytes) {
    fail("longer than " + std::to_string(kMaxYamlBytes) + " bytes");
    return;
  }
  v8::String::Utf8Value utf8(isolate, text);
  std::string error;
  // No C++ exception may unwind through V8 frames: everything is caught here.
  try {
    YAML::Node document = YAML::Load(std::string(*utf8, utf8.length()));
    int nodes = 0;
    v8::TryCatch try_catch(isolate);
    v8::Local<v8::Value> value = to_js(context, document, 0, nodes);
    if (try_catch.HasCaught()) {
      try_catch.ReThrow();
      return;
    }
    info.GetReturnValue().Set(value);
    return;
  } catch (const YAML::Exception& e) {
    error = "line " + std::to_string(e.mark.line + 1) + ", column " +
            std::to_string(e.mark.column + 1) + ": " + e.msg;
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "could not be parsed";
  }
  if (!isolate->IsExecutionTerminating())
    fail(error);
}

}  // namespace warden::runtime::detail
