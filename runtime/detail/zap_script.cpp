// OWASP ZAP passive scripts: detected by content, loaded as a classic script with the ZAP layer.
#include "runtime/detail/zap_script.hpp"

#include <cstdio>

#include "runtime/detail/internal_script.hpp"
#include "runtime/detail/yaml_value.hpp"
#include "runtime/js/zap_adapter.js.hpp"
#include "runtime/js/zap_java.js.hpp"
#include "runtime/js/zap_message.js.hpp"

namespace warden::runtime::detail {
namespace {

// Reads the script's entry points by name after it ran: top-level function
// declarations and let/const bindings of a classic script are both visible to
// a later script in the same context.
constexpr const char kEntryPoints[] = R"JS(({
  scan: typeof scan === "function" ? scan : undefined,
  getMetadata: typeof getMetadata === "function" ? getMetadata : undefined,
  appliesToHistoryType:
      typeof appliesToHistoryType === "function" ? appliesToHistoryType : undefined,
}))JS";

v8::Local<v8::Value> call(v8::Local<v8::Context> context, v8::Local<v8::Value> function,
                          std::initializer_list<v8::Local<v8::Value>> args) {
  std::vector<v8::Local<v8::Value>> argv(args);
  return function.As<v8::Function>()
      ->Call(context, v8::Undefined(context->GetIsolate()), static_cast<int>(argv.size()),
             argv.data())
      .ToLocalChecked();
}

}  // namespace

namespace {

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

// Reads `word` at `at` when it is a whole word; moves `at` past it.
bool take_word(std::string_view line, std::size_t& at, std::string_view word) {
  if (line.substr(at, word.size()) != word)
    return false;
  std::size_t end = at + word.size();
  if (end < line.size() && is_identifier_char(line[end]))
    return false;
  at = end;
  return true;
}

void skip_blanks(std::string_view line, std::size_t& at) {
  while (at < line.size() && (line[at] == ' ' || line[at] == '\t'))
    ++at;
}

bool take_char(std::string_view line, std::size_t& at, char c) {
  skip_blanks(line, at);
  if (at >= line.size() || line[at] != c)
    return false;
  ++at;
  return true;
}

// "function scan(a," at the start of a line (blanks before allowed).
bool declares_scan(std::string_view line) {
  std::size_t at = 0;
  skip_blanks(line, at);
  if (!take_word(line, at, "function"))
    return false;
  skip_blanks(line, at);
  if (!take_word(line, at, "scan") || !take_char(line, at, '('))
    return false;
  skip_blanks(line, at);
  std::size_t name = at;
  while (at < line.size() && is_identifier_char(line[at]))
    ++at;
  return at > name && take_char(line, at, ',');
}

bool starts_module_syntax(std::string_view line) {
  std::size_t at = 0;
  skip_blanks(line, at);
  std::size_t again = at;
  return take_word(line, at, "import") || take_word(line, again, "export");
}

}  // namespace

// A line scanner rather than std::regex, whose matcher recurses once per
// character and can overflow the stack on a long run of blanks.
bool is_zap_script(std::string_view code) {
  bool scan = false;
  for (std::size_t begin = 0; begin <= code.size();) {
    std::size_t end = code.find('\n', begin);
    if (end == std::string_view::npos)
      end = code.size();
    std::string_view line = code.substr(begin, end - begin);
    if (starts_module_syntax(line))
      return false;
    scan = scan || declares_scan(line);
    begin = end + 1;
  }
  return scan;
}

v8::Local<v8::Function> prepare_zap_context(v8::Local<v8::Context> context,
                                            v8::Local<v8::Object> std_namespace) {
  v8::Local<v8::Function> yaml = v8::Function::New(context, &parse_yaml, v8::Local<v8::Value>(), 1,
                                                   v8::ConstructorBehavior::kThrow)
                                     .ToLocalChecked();
  v8::Local<v8::Value> lib =
      call(context, run_internal_script(context, "warden:zap/java.js", kZapJavaSource),
           {std_namespace, yaml});
  v8::Local<v8::Value> make_message =
      call(context, run_internal_script(context, "warden:zap/message.js", kZapMessageSource),
           {std_namespace, lib});
  v8::Local<v8::Value> adapt =
      call(context, run_internal_script(context, "warden:zap/adapter.js", kZapAdapterSource),
           {std_namespace, lib, make_message});
  return adapt.As<v8::Function>();
}

v8::MaybeLocal<v8::Script> compile_zap_script(
    v8::Local<v8::Context> context, v8::Local<v8::String> code, const std::string& path,
    const std::shared_ptr<const std::vector<uint8_t>>& cache, bool* consumed) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::Local<v8::String> name;
  if (!v8::String::NewFromUtf8(isolate, path.c_str()).ToLocal(&name))
    return {};
  v8::ScriptOrigin origin(isolate, name);  // a classic script: is_module stays false
  // The Source owns the CachedData object; `cache` keeps its bytes alive.
  auto* data =
      cache ? new v8::ScriptCompiler::CachedData(cache->data(), static_cast<int>(cache->size()),
                                                 v8::ScriptCompiler::CachedData::BufferNotOwned)
            : nullptr;
  v8::ScriptCompiler::Source source(code, origin, data);
  v8::MaybeLocal<v8::Script> script = v8::ScriptCompiler::Compile(
      context, &source,
      data ? v8::ScriptCompiler::kConsumeCodeCache : v8::ScriptCompiler::kNoCompileOptions);
  *consumed = data != nullptr && !source.GetCachedData()->rejected;
  return script;
}

v8::MaybeLocal<v8::Value> zap_plugin_object(v8::Local<v8::Context> context,
                                            v8::Local<v8::Function> adapt,
                                            const std::string& path) {
  v8::Isolate* isolate = context->GetIsolate();
  // Not run_internal_script: plugin code has run, so reading these names may
  // throw (a global getter) and must fail the load, not abort.
  v8::Local<v8::Script> script;
  v8::Local<v8::Value> entry;
  if (!v8::Script::Compile(context, v8::String::NewFromUtf8Literal(isolate, kEntryPoints))
           .ToLocal(&script) ||
      !script->Run(context).ToLocal(&entry)) {
    return {};
  }
  std::string stem = path.substr(path.find_last_of('/') + 1);
  if (stem.size() > 3 && stem.compare(stem.size() - 3, 3, ".js") == 0)
    stem.resize(stem.size() - 3);
  v8::Local<v8::String> stem_value;
  if (!v8::String::NewFromUtf8(isolate, stem.c_str()).ToLocal(&stem_value))
    return {};
  v8::Local<v8::Value> argv[] = {entry, stem_value};
  return adapt->Call(context, v8::Undefined(isolate), 2, argv);
}

bool plugin_frame(const std::string& stack, const std::string& path, int* line, int* column) {
  // V8 frames read "    at f (PATH:LINE:COLUMN)" or "    at PATH:LINE:COLUMN".
  const std::string needle = path + ":";
  for (std::size_t at = stack.find(needle); at != std::string::npos;
       at = stack.find(needle, at + 1)) {
    if (at > 0 && stack[at - 1] != '(' && stack[at - 1] != ' ')
      continue;
    int l = 0, c = 0;
    if (std::sscanf(stack.c_str() + at + needle.size(), "%d:%d", &l, &c) == 2 && l > 0) {
      *line = l;
      *column = c;
      return true;
    }
  }
  return false;
}

}  // namespace warden::runtime::detail
