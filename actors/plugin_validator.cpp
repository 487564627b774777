// Plugin validation shared by Warden::start and `warden plugins check`
// (plugin_validator.hpp).
#include "actors/plugin_validator.hpp"

#include <utility>

namespace warden::actors {
namespace {

Result<ValidPlugin> load_once(const std::string& path, runtime::EngineOptions options) {
  auto source = runtime::PluginSource::read(path, options.limits.max_plugin_bytes);
  if (!source.ok()) {
    return std::move(source).error();
  }
  auto engine = runtime::Engine::load(*source, std::move(options));
  if (!engine.ok()) {
    return std::move(engine).error();
  }
  return ValidPlugin{*source, engine->info()};
}

}  // namespace

PluginValidator::PluginValidator(runtime::EngineOptions options) : options_(std::move(options)) {}

Result<ValidPlugin> PluginValidator::validate(const std::string& path) {
  return validate(path, options_.config_json);
}

Result<ValidPlugin> PluginValidator::validate(const std::string& path,
                                              const std::string& config_json) {
  runtime::EngineOptions options = options_;
  options.config_json = config_json;
  auto plugin = load_once(path, std::move(options));
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
