#pragma once
// Runs OWASP ZAP passive scripts unmodified: tells one from a Warden module by
// its content, compiles it as a classic (sloppy) script in the plugin's
// context after installing ZAP's scripting environment (runtime/js/zap_*.js),
// and turns it into a plugin object the engine treats like a module's default
// export. Everything the script sees is built in its own isolate from the
// transaction view. Private to runtime/.
//
// Threads: used on the engine's thread, inside its isolate and context scopes.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <v8.h>

namespace warden::runtime::detail {

// True when `code` is a ZAP passive script: a top-level
// `function scan(helper, msg, ...)` declaration at the start of a line, and no
// line that starts with `import` or `export` (which only a module has).
bool is_zap_script(std::string_view code);

// Installs ZAP's environment in `context` (Java.type, the java and org
// packages, print, String.prototype.contains) and returns the adapter,
// adapt(entry, stem). Our own code, run before the script: failing is a bug
// and aborts. `std_namespace` is warden:std's namespace object.
v8::Local<v8::Function> prepare_zap_context(v8::Local<v8::Context> context,
                                            v8::Local<v8::Object> std_namespace);

// Compiles the script's source as a classic script named `path`, consuming
// `cache` when given (`*consumed` says whether V8 accepted it). Empty with the
// SyntaxError in the caller's TryCatch when it does not parse.
v8::MaybeLocal<v8::Script> compile_zap_script(
    v8::Local<v8::Context> context, v8::Local<v8::String> code, const std::string& path,
    const std::shared_ptr<const std::vector<uint8_t>>& cache, bool* consumed);

// After the script ran: the plugin object, adapt({scan, getMetadata,
// appliesToHistoryType}, stem) with the script's own top-level functions.
// Empty with the exception in the caller's TryCatch when getMetadata() threw
// or returned something else than ScanRuleMetadata.
v8::MaybeLocal<v8::Value> zap_plugin_object(v8::Local<v8::Context> context,
                                            v8::Local<v8::Function> adapt, const std::string& path);

// When an exception was thrown inside the engine's own scripts (a ZAP shim
// refusing a call), the place in the plugin that made the call: the first
// frame of `stack` in `path`. False when the stack names none.
bool plugin_frame(const std::string& stack, const std::string& path, int* line, int* column);

}  // namespace warden::runtime::detail
