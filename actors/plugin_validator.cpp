// Plugin validation shared by Warden::start and `warden plugins check`
// (plugin_validator.hpp).
#include "actors/plugin_validator.hpp"

#include <string_view>
#include <utility>

namespace warden::actors {
namespace {

constexpr std::string_view kCrashedWhileLoading = "crashed while loading: ";

// The load in a child process: its info() is the plugin's; the child is
// killed when `process` goes.
Result<ValidPlugin> load_in_child(runtime::ProcessLauncher& launcher,
                                  const runtime::PluginSourcePtr& source,
                                  const runtime::EngineOptions& options) {
  auto process = launcher.launch(source, options);
  if (!process.ok()) {
    Error error = std::move(process).error();
    if (error.code == ErrorCode::crashed &&
        error.message.compare(0, kCrashedWhileLoading.size(), kCrashedWhileLoading) != 0) {
      error.message = std::string{kCrashedWhileLoading} + error.message;
    }
    return error;
  }
  return ValidPlugin{source, process.value()->info()};
}

Result<ValidPlugin> load_source(const runtime::PluginSourcePtr& source,
                                runtime::EngineOptions options,
                                runtime::ProcessLauncher* launcher) {
  if (launcher != nullptr) {
    return load_in_child(*launcher, source, options);
  }
  auto engine = runtime::Engine::load(source, std::move(options));
  if (!engine.ok()) {
    return std::move(engine).error();
  }
  return ValidPlugin{source, engine->info()};
}

Result<ValidPlugin> load_once(const std::string& path, runtime::EngineOptions options,
                              runtime::ProcessLauncher* launcher) {
  auto source = runtime::PluginSource::read(path, options.limits.max_plugin_bytes);
  if (!source.ok()) {
    return std::move(source).error();
  }
  return load_source(*source, std::move(options), launcher);
}

// The file name a plugin given as source stands under when it has none.
constexpr std::string_view kUnnamedSource = "plugin-source.js";

}  // namespace

PluginValidator::PluginValidator(runtime::EngineOptions options,
                                 std::shared_ptr<runtime::ProcessLauncher> launcher)
    : options_(std::move(options)), launcher_(std::move(launcher)) {}

Result<ValidPlugin> PluginValidator::validate(const std::string& path) {
  return validate(path, options_.config_json);
}

Result<ValidPlugin> PluginValidator::validate(const std::string& path,
                                              const std::string& config_json) {
  runtime::EngineOptions options = options_;
  options.config_json = config_json;
  return accept(path, load_once(path, std::move(options), launcher_.get()));
}

Result<ValidPlugin> PluginValidator::validate(const PluginSpec& spec) {
  if (spec.source.empty()) {
    return validate(spec.path, spec.config_json);
  }
  const std::string name = spec.name.empty() ? std::string{kUnnamedSource} : spec.name;
  runtime::EngineOptions options = options_;
  options.config_json = spec.config_json;
  if (spec.source.size() > options.limits.max_plugin_bytes) {
    return runtime::PluginSource::too_large(name, spec.source.size(),
                                            options.limits.max_plugin_bytes);
  }
  auto source = std::make_shared<const runtime::PluginSource>(name, spec.source);
  return accept(name, load_source(source, std::move(options), launcher_.get()));
}

Result<ValidPlugin> PluginValidator::accept(const std::string& path, Result<ValidPlugin> plugin) {
  if (!plugin.ok()) {
    Error error = std::move(plugin).error();
    if (error.file.empty()) {
      error.file = path;
    }
    return error;
  }
  const std::string& id = plugin->info.id;
  if (auto [first, fresh] = accepted_ids_.emplace(id, path); !fresh) {
    return Error{ErrorCode::duplicate_id,
                 "plugin id \"" + id + "\" is also used by " + first->second, path};
  }
  return plugin;
}

}  // namespace warden::actors
