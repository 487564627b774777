#pragma once
// The one decision whether a plugin may run, shared by Warden::start and
// `warden plugins check`: its file reads, its module loads (once, in an
// Engine on the calling thread, or with process isolation in a child process,
// so no plugin code runs in the host) and its id is not taken by a plugin
// accepted before it. Plain class, no CAF; needs a live V8Platform.

#include <map>
#include <memory>
#include <string>

#include "warden/config.hpp"
#include "warden/engine.hpp"
#include "warden/plugin_source.hpp"
#include "warden/result.hpp"
#include "warden/worker_process.hpp"

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
  // `options`: limits, console sink and default config of the validation
  // load. With a `launcher`, each plugin loads in a child process of its own
  // (then killed); a child that dies while loading is a load error,
  // ErrorCode::crashed, "crashed while loading: ...".
  explicit PluginValidator(runtime::EngineOptions options,
                           std::shared_ptr<runtime::ProcessLauncher> launcher = nullptr);

  // Validates the plugin at `path`, passing `options.config_json` to its init().
  Result<ValidPlugin> validate(const std::string& path);
  // Same, passing `config_json` (the plugin's own) instead.
  Result<ValidPlugin> validate(const std::string& path, const std::string& config_json);
  // Same for a spec: its file, or its source under its name (errors name it
  // as the file), passing its config.
  Result<ValidPlugin> validate(const PluginSpec& spec);

 private:
  runtime::EngineOptions options_;
  std::shared_ptr<runtime::ProcessLauncher> launcher_;
  // The error of a failed load, naming `path` as its file; else the plugin,
  // unless its id was accepted before.
  Result<ValidPlugin> accept(const std::string& path, Result<ValidPlugin> plugin);

  std::map<std::string, std::string> accepted_ids_;  // id -> file of the plugin accepted with it
};

}  // namespace warden::actors
