// The plugin's console object: console.log/info/warn/error/debug turned into
// text lines for the host's ConsoleSink, each cut to EngineLimits::max_text_bytes.
#include "runtime/detail/console.hpp"

#include "runtime/detail/v8_strings.hpp"
#include "runtime/inert_text.hpp"

namespace warden::runtime::detail {
namespace {

// One argument as console.log shows it; empty when it cannot be shown. Runs
// plugin code (toString, toJSON, getters): a termination is left in
// `try_catch` for the caller.
v8::Local<v8::String> show(v8::Isolate* isolate, v8::Local<v8::Context> ctx,
                           v8::Local<v8::Value> arg, v8::TryCatch& try_catch) {
  auto literal = [&](const char* text) { return v8_string(isolate, text); };
  if (arg->IsString())
    return arg.As<v8::String>();
  if (arg->IsSymbol()) {
    v8::Local<v8::Value> description = arg.As<v8::Symbol>()->Description(isolate);
    v8::Local<v8::String> inner =
        description->IsString() ? description.As<v8::String>() : literal("");
    return v8::String::Concat(isolate, v8::String::Concat(isolate, literal("Symbol("), inner),
                              literal(")"));
  }
  if (arg->IsFunction())
    return literal("[Function]");
  v8::Local<v8::String> text;
  if (arg->IsObject() && !arg->IsNativeError()) {
    // JSON like console.log's object view; cycles, BigInts or throwing getters
    // fall back to String(value), then to a fixed text.
    if (v8::JSON::Stringify(ctx, arg).ToLocal(&text))
      return text;
    if (try_catch.HasTerminated())
      return literal("");
    try_catch.Reset();
    return arg->ToString(ctx).ToLocal(&text) ? text : literal("[object]");
  }
  if (arg->ToString(ctx).ToLocal(&text))
    return text;
  return literal(arg->IsNativeError() ? "" : "?");
}

// The arguments as one line, at most `max_bytes` of it copied (then cut on a
// UTF-8 boundary and marked with how much was cut). Never throws into the
// plugin; a termination is passed on.
std::string format_console_args(const v8::FunctionCallbackInfo<v8::Value>& info,
                                std::size_t max_bytes) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> ctx = isolate->GetCurrentContext();
  std::string out;
  std::size_t cut = 0;
  for (int i = 0; i < info.Length(); ++i) {
    std::string part = i > 0 ? " " : "";
    v8::TryCatch try_catch(isolate);
    v8::Local<v8::String> text = show(isolate, ctx, info[i], try_catch);
    if (try_catch.HasTerminated()) {
      try_catch.ReThrow();  // termination must reach the top
      return out;
    }
    const std::size_t full = part.size() + static_cast<std::size_t>(text->Utf8Length(isolate));
    const std::size_t room = out.size() < max_bytes ? max_bytes - out.size() : 0;
    if (full <= room) {
      part += to_std(isolate, text);
    } else if (room > part.size()) {
      part += utf8_prefix(isolate, text, room - part.size());
    } else {
      part.clear();
    }
    cut += full - part.size();
    out += part;
  }
  if (cut > 0)
    out += cut_marker(cut);
  return out;
}

template <LogLevel level>
void console_call(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* target = static_cast<const ConsoleTarget*>(info.Data().As<v8::External>()->Value());
  std::string text = format_console_args(info, *target->max_bytes);
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
