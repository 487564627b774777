// Loading a plugin as named steps: compile, evaluate, read the default export
// (or, for a ZAP passive script, the adapter's plugin object), run
// init(config).
#include "runtime/detail/module_loader.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "runtime/detail/await_settled.hpp"
#include "runtime/detail/console.hpp"
#include "runtime/detail/js_error.hpp"
#include "runtime/detail/realm_hardening.hpp"
#include "runtime/detail/std_module.hpp"
#include "runtime/detail/v8_strings.hpp"
#include "runtime/detail/zap_script.hpp"

namespace warden::runtime::detail {
namespace {

// Plugin ids: [a-z0-9][a-z0-9-]*.
bool valid_id(const std::string& id) {
  if (id.empty())
    return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && c == '-');
    if (!ok)
      return false;
  }
  return true;
}

// 1-based line of the first `export default` in the source, 1 if none: where
// errors about the default export's shape point.
int default_export_line(const std::string& code) {
  static const std::regex pattern(R"(export\s+default\b)");
  std::smatch match;
  if (!std::regex_search(code, match, pattern))
    return 1;
  auto begin = code.begin();
  return 1 + static_cast<int>(std::count(begin, begin + match.position(0), '\n'));
}

// The parts of the default export the engine keeps or calls.
struct DefaultExport {
  v8::Local<v8::Object> object;
  v8::Local<v8::Function> scan;
  v8::Local<v8::Value> init;  // called only when it is a function
};

// One load: the steps share the context, the TryCatch and (from evaluation
// on) the load deadline.
class ModuleLoader {
 public:
  ModuleLoader(EngineState& state, v8::Local<v8::Context> context, v8::TryCatch& try_catch)
      : state_(state),
        isolate_(state.isolate),
        context_(context),
        try_catch_(try_catch),
        export_line_(default_export_line(state.source->code())) {}

  // Compiles (from the source's code cache when there is one), refuses every
  // import but warden:std and instantiates.
  Result<v8::Local<v8::Module>> compile(ScanDeadline& deadline);
  // For a ZAP passive script: installs ZAP's environment and compiles the
  // script as a classic one (from the code cache when there is one).
  Result<v8::Local<v8::Script>> compile_zap(v8::Local<v8::Function>* adapt, ScanDeadline& deadline);
  // Runs the module body, top-level await included.
  Status evaluate(v8::Local<v8::Module> module, ScanDeadline& deadline);
  // The module's default export.
  Result<v8::Local<v8::Value>> default_export(v8::Local<v8::Module> module, ScanDeadline& deadline);
  // Runs the ZAP script and returns the adapter's plugin object for it.
  Result<v8::Local<v8::Value>> run_zap(v8::Local<v8::Script> script, v8::Local<v8::Function> adapt,
                                       ScanDeadline& deadline);
  // Checks the plugin object's shape and fills in the plugin's info.
  Result<DefaultExport> read_plugin(v8::Local<v8::Value> exported, ScanDeadline& deadline);
  // Calls init(config) when the plugin has one, and awaits it.
  Status run_init(const DefaultExport& plugin, ScanDeadline& deadline);
  // Leaves a code cache on the source, made after evaluation so it holds what
  // ran: recycled engines then skip parsing.
  void leave_code_cache(v8::Local<v8::UnboundModuleScript> module);
  void leave_code_cache(v8::Local<v8::UnboundScript> script);
  void leave_code_cache(v8::ScriptCompiler::CachedData* made);

 private:
  // The forced stop (timeout or heap limit) of `what`, if one happened;
  // disarms the deadline then.
  std::optional<Error> stopped(const std::string& what, ScanDeadline& deadline);
  // The exception the TryCatch holds, as an Error naming the plugin.
  Error thrown(ErrorCode code, const std::string& prefix);
  Error load_error(ErrorCode code, std::string message, int line, int column = 0) const {
    return Error{code, std::move(message), state_.source->path(), line, column};
  }
  // What a load step's result means once awaited: fulfilled is ok, rejected
  // is `code` with the reason after `rejected_prefix`, still pending is a
  // load timeout (`pending_message`, at `line`) and the engine is spent.
  Status settle(v8::Local<v8::Value> value, const std::string& what, ErrorCode code,
                const std::string& rejected_prefix, std::string pending_message, int line,
                ScanDeadline& deadline);
  // Reads one property of the default export; getters and Proxies run JS here.
  std::optional<Error> read_property(v8::Local<v8::Object> object, const char* name, ErrorCode code,
                                     v8::Local<v8::Value>* out, ScanDeadline& deadline);

  EngineState& state_;
  v8::Isolate* isolate_;
  v8::Local<v8::Context> context_;
  v8::TryCatch& try_catch_;
  const int export_line_;
};

std::optional<Error> ModuleLoader::stopped(const std::string& what, ScanDeadline& deadline) {
  if (!state_.termination_happened(try_catch_, false))
    return std::nullopt;
  deadline.finish();
  return state_.forced_stop(ErrorCode::load_timeout, what, state_.options.limits.load_timeout);
}

Error ModuleLoader::thrown(ErrorCode code, const std::string& prefix) {
  return js_error(isolate_, code, prefix, JsException::caught(try_catch_), state_.source->path());
}

Result<v8::Local<v8::Module>> ModuleLoader::compile(ScanDeadline& deadline) {
  const PluginSource& source = *state_.source;
  v8::Local<v8::String> code;
  if (!v8::String::NewFromUtf8(isolate_, source.code().data(), v8::NewStringType::kNormal,
                               static_cast<int>(source.code().size()))
           .ToLocal(&code)) {
    return load_error(ErrorCode::syntax_error, "source is too large", 0);
  }
  // is_module MUST be true: otherwise CompileModule aborts the process
  // ("Invalid ScriptOrigin: is_module must be true").
  v8::ScriptOrigin origin(isolate_, v8_string(isolate_, source.path()), 0, 0, false, -1,
                          v8::Local<v8::Value>(), false, false, /*is_module=*/true);
  std::shared_ptr<const std::vector<uint8_t>> cache = source.code_cache();
  v8::ScriptCompiler::CachedData* cached_data = nullptr;
  if (cache) {
    // Source takes ownership of the CachedData object, not of the bytes, which
    // `cache` keeps alive until compilation is done.
    cached_data =
        new v8::ScriptCompiler::CachedData(cache->data(), static_cast<int>(cache->size()),
                                           v8::ScriptCompiler::CachedData::BufferNotOwned);
  }
  v8::ScriptCompiler::Source compile_source(code, origin, cached_data);
  v8::Local<v8::Module> module;
  if (!v8::ScriptCompiler::CompileModule(
           isolate_, &compile_source,
           cache ? v8::ScriptCompiler::kConsumeCodeCache : v8::ScriptCompiler::kNoCompileOptions)
           .ToLocal(&module)) {
    if (auto error = stopped("compiling", deadline))
      return *error;
    return thrown(ErrorCode::syntax_error, "");
  }
  // A rejected cache (other V8, other flags) means V8 compiled from source.
  state_.code_cache_consumed = cache && !compile_source.GetCachedData()->rejected;
  state_.module.Reset(isolate_, module);

  // Checked before instantiation: warden:std is the only module a plugin may import.
  v8::Local<v8::FixedArray> requests = module->GetModuleRequests();
  for (int i = 0; i < requests->Length(); ++i) {
    v8::Local<v8::ModuleRequest> request = requests->Get(context_, i).As<v8::ModuleRequest>();
    std::string specifier = to_std(isolate_, request->GetSpecifier());
    if (specifier == StdModule::kSpecifier)
      continue;
    v8::Location where = module->SourceOffsetToLocation(request->GetSourceOffset());
    return load_error(ErrorCode::static_import,
                      "static import of '" + specifier +
                          "' is not allowed: a Warden plugin may import only warden:std",
                      where.GetLineNumber() + 1, where.GetColumnNumber() + 1);
  }
  if (!module->InstantiateModule(context_, &StdModule::resolve).FromMaybe(false)) {
    if (auto error = stopped("instantiating", deadline))
      return *error;
    return thrown(ErrorCode::module_threw, "");
  }
  return module;
}

Result<v8::Local<v8::Script>> ModuleLoader::compile_zap(v8::Local<v8::Function>* adapt,
                                                        ScanDeadline& deadline) {
  const PluginSource& source = *state_.source;
  v8::Local<v8::String> code;
  if (!v8::String::NewFromUtf8(isolate_, source.code().data(), v8::NewStringType::kNormal,
                               static_cast<int>(source.code().size()))
           .ToLocal(&code)) {
    return load_error(ErrorCode::syntax_error, "source is too large", 0);
  }
  v8::Local<v8::Object> std_namespace;
  if (!state_.std_module->namespace_object(context_).ToLocal(&std_namespace)) {
    if (auto error = stopped("compiling", deadline))
      return *error;
    return thrown(ErrorCode::module_threw, "warden:std: ");
  }
  *adapt = prepare_zap_context(context_, std_namespace);
  v8::Local<v8::Script> script;
  if (!compile_zap_script(context_, code, source.path(), source.code_cache(),
                          &state_.code_cache_consumed)
           .ToLocal(&script)) {
    if (auto error = stopped("compiling", deadline))
      return *error;
    return thrown(ErrorCode::syntax_error, "");
  }
  return script;
}

Result<v8::Local<v8::Value>> ModuleLoader::run_zap(v8::Local<v8::Script> script,
                                                   v8::Local<v8::Function> adapt,
                                                   ScanDeadline& deadline) {
  v8::Local<v8::Value> ran;
  if (!script->Run(context_).ToLocal(&ran)) {
    if (auto error = stopped("script evaluation", deadline))
      return *error;
    return thrown(ErrorCode::module_threw, "");
  }
  v8::Local<v8::Value> plugin;
  if (!zap_plugin_object(context_, adapt, state_.source->path()).ToLocal(&plugin)) {
    if (auto error = stopped("getMetadata()", deadline))
      return *error;
    return thrown(ErrorCode::module_threw, "");
  }
  return plugin;
}

Status ModuleLoader::evaluate(v8::Local<v8::Module> module, ScanDeadline& deadline) {
  v8::Local<v8::Value> evaluated;
  if (!module->Evaluate(context_).ToLocal(&evaluated)) {
    if (auto error = stopped("module evaluation", deadline))
      return *error;
    return thrown(ErrorCode::module_threw, "");
  }
  // Top-level await is on: Evaluate always returns a promise; a throwing
  // module gives a rejected one and the TryCatch sees nothing.
  return settle(evaluated, "module evaluation", ErrorCode::module_threw, "",
                "module evaluation did not settle within " +
                    format_ms(state_.options.limits.load_timeout) +
                    ": a top-level await waits on a promise nothing can settle",
                0, deadline);
}

Status ModuleLoader::settle(v8::Local<v8::Value> value, const std::string& what, ErrorCode code,
                            const std::string& rejected_prefix, std::string pending_message,
                            int line, ScanDeadline& deadline) {
  Settled settled = await_settled(isolate_, value);
  if (auto error = stopped(what, deadline))
    return *error;
  switch (settled.state) {
    case Settled::State::fulfilled:
      return {};
    case Settled::State::rejected:
      return js_error(isolate_, code, rejected_prefix,
                      JsException::rejected(isolate_, settled.value), state_.source->path());
    case Settled::State::pending:
      break;
  }
  state_.usable = false;
  return load_error(ErrorCode::load_timeout, std::move(pending_message), line);
}

std::optional<Error> ModuleLoader::read_property(v8::Local<v8::Object> object, const char* name,
                                                 ErrorCode code, v8::Local<v8::Value>* out,
                                                 ScanDeadline& deadline) {
  if (object->Get(context_, v8_string(isolate_, name)).ToLocal(out))
    return std::nullopt;
  if (auto error = stopped("reading the default export", deadline))
    return error;
  return thrown(code, std::string("reading ") + name + ": ");
}

Result<v8::Local<v8::Value>> ModuleLoader::default_export(v8::Local<v8::Module> module,
                                                          ScanDeadline& deadline) {
  v8::Local<v8::Object> ns = module->GetModuleNamespace().As<v8::Object>();
  v8::Local<v8::Value> exported;
  if (!ns->Get(context_, v8::String::NewFromUtf8Literal(isolate_, "default")).ToLocal(&exported)) {
    if (auto error = stopped("module evaluation", deadline))
      return *error;
    return thrown(ErrorCode::no_default_export, "reading the default export: ");
  }
  return exported;
}

Result<DefaultExport> ModuleLoader::read_plugin(v8::Local<v8::Value> exported,
                                                ScanDeadline& deadline) {
  if (!exported->IsObject() || exported->IsFunction()) {
    return load_error(
        ErrorCode::no_default_export,
        "the default export must be an object { id, scan(txn) }, got " + describe_type(exported),
        export_line_);
  }
  DefaultExport plugin;
  plugin.object = exported.As<v8::Object>();
  PluginInfo& info = state_.info;

  v8::Local<v8::Value> id_value, name_value, version_value, scan_value;
  if (auto error = read_property(plugin.object, "id", ErrorCode::invalid_id, &id_value, deadline))
    return *error;
  if (!id_value->IsString()) {
    return load_error(ErrorCode::invalid_id,
                      "the default export's id must be a string matching [a-z0-9][a-z0-9-]*, got " +
                          describe_type(id_value),
                      export_line_);
  }
  info.id = to_std(isolate_, id_value);
  info.path = state_.source->path();
  if (!valid_id(info.id)) {
    return load_error(ErrorCode::invalid_id,
                      "id '" + info.id + "' does not match [a-z0-9][a-z0-9-]*", export_line_);
  }
  if (auto error = read_property(plugin.object, "scan", ErrorCode::no_scan_function, &scan_value,
                                 deadline)) {
    return *error;
  }
  if (!scan_value->IsFunction()) {
    return load_error(
        ErrorCode::no_scan_function,
        "the default export has no scan function (scan is " + describe_type(scan_value) + ")",
        export_line_);
  }
  plugin.scan = scan_value.As<v8::Function>();
  if (auto error = read_property(plugin.object, "name", ErrorCode::no_default_export, &name_value,
                                 deadline)) {
    return *error;
  }
  if (name_value->IsString())
    info.name = to_std(isolate_, name_value);
  if (auto error = read_property(plugin.object, "version", ErrorCode::no_default_export,
                                 &version_value, deadline)) {
    return *error;
  }
  if (version_value->IsString())
    info.version = to_std(isolate_, version_value);
  if (info.kind == PluginKind::zap_passive) {
    v8::Local<v8::Value> help_value;
    if (auto error = read_property(plugin.object, "helpUri", ErrorCode::no_default_export,
                                   &help_value, deadline)) {
      return *error;
    }
    if (help_value->IsString())
      info.help_uri = to_std(isolate_, help_value);
  }
  if (auto error =
          read_property(plugin.object, "init", ErrorCode::init_failed, &plugin.init, deadline)) {
    return *error;
  }
  return plugin;
}

Status ModuleLoader::run_init(const DefaultExport& plugin, ScanDeadline& deadline) {
  if (!plugin.init->IsFunction())
    return {};
  v8::Local<v8::Value> config;
  if (!v8::JSON::Parse(context_, v8_string(isolate_, state_.options.config_json))
           .ToLocal(&config)) {
    Error error = thrown(ErrorCode::init_failed, "config is not valid JSON: ");
    error.file = state_.source->path();
    error.line = export_line_;
    return error;
  }
  v8::Local<v8::Value> argv[] = {config};
  v8::Local<v8::Value> returned;
  if (!plugin.init.As<v8::Function>()->Call(context_, plugin.object, 1, argv).ToLocal(&returned)) {
    if (auto error = stopped("init()", deadline))
      return *error;
    return thrown(ErrorCode::init_failed, "init() threw: ");
  }
  return settle(
      returned, "init()", ErrorCode::init_failed, "init() rejected: ",
      "init() promise did not settle within " + format_ms(state_.options.limits.load_timeout),
      export_line_, deadline);
}

void ModuleLoader::leave_code_cache(v8::Local<v8::UnboundModuleScript> module) {
  if (!state_.code_cache_consumed)
    leave_code_cache(v8::ScriptCompiler::CreateCodeCache(module));
}

void ModuleLoader::leave_code_cache(v8::Local<v8::UnboundScript> script) {
  if (!state_.code_cache_consumed)
    leave_code_cache(v8::ScriptCompiler::CreateCodeCache(script));
}

void ModuleLoader::leave_code_cache(v8::ScriptCompiler::CachedData* made) {
  std::unique_ptr<v8::ScriptCompiler::CachedData> data(made);
  if (data && data->length > 0) {
    state_.source->set_code_cache(
        std::make_shared<const std::vector<uint8_t>>(data->data, data->data + data->length));
  }
}

}  // namespace

Status load_module(EngineState& state) {
  v8::Isolate* isolate = state.isolate;
  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope handle_scope(isolate);
  v8::Local<v8::Context> context = v8::Context::New(isolate);
  v8::Context::Scope context_scope(context);
  state.context.Reset(isolate, context);
  install_console(context, &state.console_target);
  harden_realm(context);
  state.intl_budget.emplace(state.external_limit(), state.array_buffer_usage);
  state.intl_budget->install(context);
  state.view.emplace(context);  // before any plugin code runs in this context
  state.std_module.emplace(context);
  state.findings_reader.emplace(isolate, state.source->path(), state.options.limits.max_findings);
  state.then_key = v8::Eternal<v8::String>(
      isolate, v8::String::NewFromUtf8Literal(isolate, "then", v8::NewStringType::kInternalized));

  v8::TryCatch try_catch(isolate);
  ModuleLoader loader(state, context, try_catch);
  const bool zap = is_zap_script(state.source->code());
  state.info.kind = zap ? PluginKind::zap_passive : PluginKind::module;
  v8::Local<v8::Module> module;
  v8::Local<v8::Script> script;
  v8::Local<v8::Function> adapt;
  // Compiling, evaluation and init() share one deadline: armed before the
  // compiler runs, so a source that takes long to parse spends the load's
  // time, not more.
  ScanDeadline deadline(*state.watchdog, state.options.limits.load_timeout);
  if (zap) {
    Result<v8::Local<v8::Script>> compiled = loader.compile_zap(&adapt, deadline);
    if (!compiled.ok())
      return std::move(compiled).error();
    script = *compiled;
  } else {
    Result<v8::Local<v8::Module>> compiled = loader.compile(deadline);
    if (!compiled.ok())
      return std::move(compiled).error();
    module = *compiled;
  }
  Result<v8::Local<v8::Value>> exported = [&]() -> Result<v8::Local<v8::Value>> {
    if (zap)
      return loader.run_zap(script, adapt, deadline);
    if (Status evaluated = loader.evaluate(module, deadline); !evaluated.ok())
      return std::move(evaluated).error();
    return loader.default_export(module, deadline);
  }();
  if (!exported.ok())
    return std::move(exported).error();
  Result<DefaultExport> plugin = loader.read_plugin(*exported, deadline);
  if (!plugin.ok())
    return std::move(plugin).error();
  if (Status initialized = loader.run_init(*plugin, deadline); !initialized.ok())
    return initialized;
  const bool fired = deadline.finish();
  if (state.termination_happened(try_catch, fired))
    return state.forced_stop(ErrorCode::load_timeout, "init()", state.options.limits.load_timeout);

  state.plugin.Reset(isolate, plugin->object);
  state.scan_function.Reset(isolate, plugin->scan);
  state.std_module->after_evaluation();
  if (zap)
    loader.leave_code_cache(script->GetUnboundScript());
  else
    loader.leave_code_cache(module->GetUnboundModuleScript());
  return {};
}

}  // namespace warden::runtime::detail
