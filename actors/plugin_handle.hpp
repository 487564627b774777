#pragma once
// A plugin handle: the small event-based actor behind a plugin_actor. It
// names one plugin by id and delegates every request to the supervisor's
// single-plugin path, so whichever workers serve the plugin at the time answer
// (it never holds a worker: recycles, restarts, quarantine and reloads leave
// it valid). Spawned and owned by the supervisor, one per plugin; once the
// plugin is removed it answers every request itself, with an error naming it.

#include <atomic>
#include <memory>
#include <string>

#include <caf/all.hpp>

#include "warden/protocol.hpp"

namespace warden::actors {

// The supervisor's side of one handle. `removed` is set on the supervisor's
// thread and read on the handle's (a pooled actor): an atomic, not a message,
// so no host can send the handle a removal of its own.
struct PluginHandle {
  plugin_actor actor;
  std::shared_ptr<std::atomic<bool>> removed;
};

// Spawns the handle of `plugin_id` (pooled: it holds no isolate) for the
// supervisor `supervisor`.
PluginHandle spawn_plugin_handle(caf::actor_system& system, warden_actor supervisor,
                                 std::string plugin_id);

// What a removed plugin's handle answers: unknown_plugin, "plugin X was removed".
Error removed_plugin_error(const std::string& plugin_id);

}  // namespace warden::actors
