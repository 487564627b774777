// The plugin's console object: console.log/info/warn/error/debug turned into
// bounded text lines for the host's ConsoleSink.
#include "runtime/detail/console.hpp"

#include "runtime/detail/v8_strings.hpp"

namespace warden::runtime::detail {
namespace {

constexpr std::size_t kMaxConsoleMessageBytes = 8 * 1024;

// The arguments as one line, at most kMaxConsoleMessageBytes (then marked
// truncated). Never throws into the plugin; a termination is passed on.
std::string format_console_args(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> ctx = isolate->GetCurrentContext();
  std::string out;
  for (int i = 0; i < info.Length() && out.size() <= kMaxConsoleMessageBytes; ++i) {
    if (i > 0)
      out += ' ';
    v8::Local<v8::Value> arg = info[i];
    v8::TryCatch try_catch(isolate);
    std::string part;
    if (arg->IsString()) {
      part = to_std(isolate, arg);
    } else if (arg->IsSymbol()) {
      v8::Local<v8::Value> description = arg.As<v8::Symbol>()->Description(isolate);
      part = "Symbol(" + (description->IsUndefined() ? "" : to_std(isolate, description)) + ")";
    } else if (arg->IsFunction()) {
      part = "[Function]";
    } else if (arg->IsNativeError()) {
      part = to_std(isolate, arg);
    } else if (arg->IsObject()) {
      // JSON like console.log's object view; cycles, BigInts or throwing getters
      // fall back to String(value), then to a fixed text.
      v8::Local<v8::String> json;
      if (v8::JSON::Stringify(ctx, arg).ToLocal(&json)) {
        part = to_std(isolate, json);
      } else if (!try_catch.HasTerminated()) {
        try_catch.Reset();
        v8::Local<v8::String> text;
        part = arg->ToString(ctx).ToLocal(&text) ? to_std(isolate, text) : "[object]";
      }
    } else {
      v8::Local<v8::String> text;
      part = arg->ToString(ctx).ToLocal(&text) ? to_std(isolate, text) : "?";
    }
    if (try_catch.HasTerminated()) {
      try_catch.ReThrow();  // termination must reach the top
      return out;
    }
    out += part;
  }
  if (out.size() > kMaxConsoleMessageBytes) {
    out.resize(kMaxConsoleMessageBytes);
    out += "... (truncated)";
  }
  return out;
}

template <LogLevel level>
void console_call(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* target = static_cast<const ConsoleTarget*>(info.Data().As<v8::External>()->Value());
  std::string text = format_console_args(info);
  if (!*target->sink)
    return;
  try {
    (*target->sink)(level, *target->plugin_id, text);
  } catch (...) {
    // No C++ exception may unwind through V8 frames; a failing sink drops the line.
  }
}

}  // namespace

void install_console(v8::Local<v8::Context> ctx, ConsoleTarget* target) {
  v8::Isolate* isolate = ctx->GetIsolate();
  v8::Local<v8::Object> console = v8::Object::New(isolate);
  v8::Local<v8::External> self = v8::External::New(isolate, target);
  auto add = [&](const char* name, v8::FunctionCallback callback) {
    v8::Local<v8::Function> fn =
        v8::Function::New(ctx, callback, self, 0, v8::ConstructorBehavior::kThrow)
            .ToLocalChecked();  // fresh context, no plugin code has run
    console->Set(ctx, v8::String::NewFromUtf8(isolate, name).ToLocalChecked(), fn).Check();
  };
  add("log", &console_call<LogLevel::info>);
  add("info", &console_call<LogLevel::info>);
  add("warn", &console_call<LogLevel::warn>);
  add("error", &console_call<LogLevel::error>);
  add("debug", &console_call<LogLevel::debug>);
  v8::Local<v8::Object> global = ctx->Global();
  global->Set(ctx, v8::String::NewFromUtf8Literal(isolate, "console"), console).Check();
}

}  // namespace warden::runtime::detail
