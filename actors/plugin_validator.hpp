#pragma once
// The one decision whether a plugin may run, shared by Warden::start and
// `warden plugins check`: its file reads, its module loads (once, in an
// Engine on the calling thread) and its id is not taken by a plugin accepted
// before it. Plain class, no CAF; needs a live V8Platform.

#include <map>
#include <string>

#include "runtime/engine.hpp"
#include "runtime/plugin_source.hpp"
#include "runtime/result.hpp"

namespace warden::actors {

// A plugin that passed validation: its source, read once and shared by every
// isolate that runs it, and what it says about itself.
struct ValidPlugin {
  runtime::PluginSourcePtr source;
  runtime::PluginInfo info;
};

// Validates plugins one after another; remembers the ids it accepted, so a
// second plugin with the same id is rejected (ErrorCode::duplicate_id, naming
// the file that has it first). Every error names the plugin's file.
class PluginValidator {
 public:
  // `options`: limits and console sink of the validation load; each plugin's
  // config_json is passed to validate().
  explicit PluginValidator(runtime::EngineOptions options);

  Result<ValidPlugin> validate(const std::string& path, const std::string& config_json = "{}");

 private:
  runtime::EngineOptions options_;
  std::map<std::string, std::string> accepted_ids_;  // id -> file of the plugin accepted with it
};

}  // namespace warden::actors
