// The supervisor's plugin lifecycle handlers: add, remove, hot reload, recycle
// (plugin_lifecycle.hpp).
#include "actors/plugin_lifecycle.hpp"

#include <memory>
#include <spdlog/spdlog.h>
#include <utility>

#include "actors/plugin_revision.hpp"
#include "actors/plugin_validator.hpp"
#include "actors/plugin_worker.hpp"
#include "warden/logger.hpp"

namespace warden::actors::detail {
namespace {

// What one validating load made of a plugin: the plugin, or its load error.
struct Validation {
  std::optional<ValidPlugin> plugin;
  std::optional<Error> error;
};

}  // namespace
}  // namespace warden::actors::detail

// Carries a shared source between threads of this process only.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(warden::actors::detail::Validation)

namespace warden::actors::detail {
namespace {

using validate_atom = caf::atom_constant<caf::atom("validate")>;
using validator_actor = caf::typed_actor<caf::replies_to<validate_atom>::with<Validation>>;

// One validating load, exactly as Warden::start's: in thread isolation on a
// scratch engine on this actor's own thread (detached: the supervisor keeps
// serving meanwhile), in process isolation in a child. Quits after answering.
validator_actor::behavior_type validator(validator_actor::pointer self, PluginSpec spec,
                                         runtime::EngineOptions options,
                                         std::shared_ptr<runtime::ProcessLauncher> launcher) {
  return {
      [self, spec, options, launcher](validate_atom) {
        PluginValidator validator(options, launcher);
        auto loaded = validator.validate(spec);
        self->quit();
        Validation result;
        if (loaded.ok()) {
          result.plugin = std::move(loaded).value();
        } else {
          result.error = std::move(loaded).error();
        }
        return result;
      },
  };
}

void answer(caf::typed_response_promise<LifecycleResult>& promise, LifecycleResult result) {
  promise.deliver(std::move(result));
}

LifecycleResult failed(std::string plugin_id, std::string revision, Error error) {
  return LifecycleResult{std::move(plugin_id), std::move(revision), std::move(error)};
}

void publish(Self self, EventKind kind, const std::string& plugin_id, const std::string& revision,
             std::string detail = {}) {
  WardenEvent event;
  event.kind = kind;
  event.plugin_id = plugin_id;
  event.revision = revision;
  event.detail = std::move(detail);
  self->state.events.publish(event);
}

// Validates `spec` off this thread, then calls `then(Validation&)` on it.
template <class Then>
void validate(Self self, PluginSpec spec, Then then) {
  auto& state = self->state;
  runtime::EngineOptions options;
  options.limits = state.config.limits;
  options.console = state.config.console ? state.config.console : spdlog_console();
  auto loader = self->system().spawn<caf::detached>(validator, std::move(spec), std::move(options),
                                                    state.launcher);
  self->request(loader, caf::infinite, validate_atom::value)
      .then([then](Validation& validation) mutable { then(validation); },
            [then](caf::error& error) mutable {
              Validation validation;
              validation.error = Error(ErrorCode::engine_unusable,
                                       "the validating load did not answer: " + to_string(error));
              then(validation);
            });
}

// The reload proper, once the new code loaded: a new entry serves new
// requests and the old one's queue; the old one retires.
LifecycleResult switch_to(Self self, uint32_t old, const ValidPlugin& plugin,
                          const std::string& config_json) {
  const auto fresh = add_entry(self, SupervisedPlugin{plugin.source, plugin.info, config_json});
  auto& state = self->state;
  auto& entry = state.plugins[fresh];
  auto& retiring = state.plugins[old];
  entry.counters = retiring.counters;         // one set of counts across the plugin's versions
  entry.handle = std::move(retiring.handle);  // a handle names the plugin, not a version
  retiring.handle.reset();
  retiring.retiring = true;
  retiring.successor = fresh;
  for (const auto job_id : retiring.queue) {
    if (Job* job = state.jobs.find(job_id)) {
      job->plugin = fresh;  // not dispatched yet: the new version may run it
      entry.queue.push_back(job_id);
    }
  }
  retiring.queue.clear();
  logger()->info("plugin {} reloaded: revision {} replaces {}", entry.spec.info.id, entry.revision,
                 retiring.revision);
  spawn_workers(self, fresh);
  drain_retiring(self, old);
  return LifecycleResult{entry.spec.info.id, entry.revision, std::nullopt};
}

}  // namespace

uint32_t add_entry(Self self, SupervisedPlugin plugin) {
  auto& state = self->state;
  const auto index = static_cast<uint32_t>(state.plugins.size());
  const std::string id = plugin.info.id;
  const auto revision = content_revision(plugin.source->code(), plugin.config_json);
  state.plugin_ids.push_back(id);
  state.plugins.emplace_back(std::move(plugin), state.config, Clock::now());
  state.plugins.back().revision = revision;
  state.live[id] = index;
  state.removed.erase(id);
  return index;
}

void spawn_workers(Self self, uint32_t plugin) {
  for (uint32_t slot = 0; slot < self->state.plugins[plugin].pool.size(); ++slot) {
    spawn_worker(self, plugin, slot);
  }
}

std::optional<uint32_t> find_plugin(const SupervisorState& state, const std::string& plugin_id) {
  const auto it = state.live.find(plugin_id);
  if (it == state.live.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::vector<uint32_t> live_plugins(const SupervisorState& state) {
  std::vector<uint32_t> targets;
  targets.reserve(state.live.size());
  for (uint32_t plugin = 0; plugin < state.plugins.size(); ++plugin) {
    if (!state.plugins[plugin].retiring) {
      targets.push_back(plugin);
    }
  }
  return targets;
}

Error unknown_plugin(const SupervisorState& state, const std::string& plugin_id) {
  if (state.removed.count(plugin_id) != 0) {
    return Error(ErrorCode::unknown_plugin, "plugin '" + plugin_id + "' was removed");
  }
  return Error(ErrorCode::unknown_plugin, "no plugin with id '" + plugin_id + "' is loaded");
}

void drain_retiring(Self self, uint32_t plugin) {
  auto& entry = self->state.plugins[plugin];
  if (!entry.retiring || entry.retired || !entry.queue.empty() || entry.pool.any_in_flight()) {
    return;
  }
  entry.stopped = true;
  for (const auto slot : entry.pool.stop_all()) {
    stop_worker(self, plugin, slot, errc::shutdown);
  }
  if (!entry.pool.all_empty()) {
    return;  // again after the last down message
  }
  entry.retired = true;
  entry.spec.source.reset();  // no worker of this version will load it again: free the code
  const LifecycleResult result{entry.spec.info.id, entry.revision, std::nullopt};
  for (auto& promise : entry.on_retired) {
    promise.deliver(result);
  }
  entry.on_retired.clear();
}

caf::result<LifecycleResult> add_plugin(Self self, PluginSpec spec) {
  const std::string name = spec.source.empty() ? spec.path : spec.name;
  if (self->state.shutting_down) {
    return failed(name, {}, Error(ErrorCode::shutting_down, "Warden is shutting down"));
  }
  auto promise = self->make_response_promise<LifecycleResult>();
  const auto config_json = spec.config_json;
  validate(self, std::move(spec), [self, promise, name, config_json](Validation& loaded) mutable {
    auto& state = self->state;
    if (loaded.error) {
      return answer(promise, failed(name, {}, std::move(*loaded.error)));
    }
    const auto& id = loaded.plugin->info.id;
    if (state.shutting_down) {
      return answer(promise,
                    failed(id, {}, Error(ErrorCode::shutting_down, "Warden is shutting down")));
    }
    if (find_plugin(state, id)) {
      return answer(promise, failed(id, {},
                                    Error{ErrorCode::duplicate_id,
                                          "plugin id \"" + id + "\" is already loaded", name}));
    }
    const auto plugin =
        add_entry(self, SupervisedPlugin{loaded.plugin->source, loaded.plugin->info, config_json});
    spawn_workers(self, plugin);
    const auto& revision = state.plugins[plugin].revision;
    logger()->info("plugin {} added: revision {}", id, revision);
    publish(self, EventKind::plugin_added, id, revision);
    promise.deliver(LifecycleResult{id, revision, std::nullopt});
  });
  return promise;
}

caf::result<LifecycleResult> remove_plugin(Self self, const std::string& plugin_id) {
  auto& state = self->state;
  const auto plugin = find_plugin(state, plugin_id);
  if (!plugin) {
    return failed(plugin_id, {}, unknown_plugin(state, plugin_id));
  }
  state.live.erase(plugin_id);
  state.removed.insert(plugin_id);
  retire_plugin_handle(state, *plugin);  // from now on it answers "plugin X was removed"
  auto& entry = state.plugins[*plugin];
  entry.retiring = true;
  logger()->info("plugin {} removed", plugin_id);
  publish(self, EventKind::plugin_removed, plugin_id, entry.revision);
  auto promise = self->make_response_promise<LifecycleResult>();
  entry.on_retired.push_back(promise);
  drain_retiring(self, *plugin);
  return promise;
}

caf::result<LifecycleResult> reload_plugin(Self self, const std::string& plugin_id,
                                           PluginSpec spec) {
  auto& state = self->state;
  if (!find_plugin(state, plugin_id)) {
    return failed(plugin_id, {}, unknown_plugin(state, plugin_id));
  }
  if (state.shutting_down) {
    return failed(plugin_id, {}, Error(ErrorCode::shutting_down, "Warden is shutting down"));
  }
  auto promise = self->make_response_promise<LifecycleResult>();
  const auto config_json = spec.config_json;
  validate(
      self, std::move(spec), [self, promise, plugin_id, config_json](Validation& loaded) mutable {
        auto& state = self->state;
        const auto old = find_plugin(state, plugin_id);
        if (!old) {  // removed meanwhile
          return answer(promise, failed(plugin_id, {}, unknown_plugin(state, plugin_id)));
        }
        const auto serving = state.plugins[*old].revision;
        if (!loaded.error && loaded.plugin->info.id != plugin_id) {
          loaded.error = Error{
              ErrorCode::invalid_id,
              "the new code's id is \"" + loaded.plugin->info.id + "\", not \"" + plugin_id + "\"",
              loaded.plugin->source->path()};
        }
        if (!loaded.error && state.shutting_down) {
          loaded.error = Error(ErrorCode::shutting_down, "Warden is shutting down");
        }
        if (loaded.error) {
          logger()->warn("plugin {} not reloaded, revision {} keeps serving: {}", plugin_id,
                         serving, loaded.error->describe());
          publish(self, EventKind::reload_failed, plugin_id, serving, loaded.error->describe());
          return answer(promise, failed(plugin_id, serving, std::move(*loaded.error)));
        }
        auto result = switch_to(self, *old, *loaded.plugin, config_json);
        publish(self, EventKind::reload_done, plugin_id, result.revision);
        promise.deliver(std::move(result));
      });
  return promise;
}

LifecycleResult recycle_plugin(Self self, const std::string& plugin_id) {
  auto& state = self->state;
  const auto plugin = find_plugin(state, plugin_id);
  if (!plugin) {
    return failed(plugin_id, {}, unknown_plugin(state, plugin_id));
  }
  auto& entry = state.plugins[*plugin];
  if (entry.quarantined) {
    return failed(plugin_id, entry.revision,
                  Error(ErrorCode::quarantined, "plugin " + plugin_id + " is quarantined"));
  }
  entry.pool.request_recycle();
  dispatch(self, *plugin);  // idle workers retire now, busy ones when their batch is answered
  return LifecycleResult{plugin_id, entry.revision, std::nullopt};
}

}  // namespace warden::actors::detail
