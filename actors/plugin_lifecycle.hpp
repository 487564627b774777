#pragma once
// The supervisor's plugin lifecycle at run time: add, remove, hot reload and
// recycle, each new version validated first by one load off the
// supervisor's thread. Private to the supervisor; runs on its thread alone.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/supervisor_state.hpp"
#include "warden/config.hpp"
#include "warden/error.hpp"
#include "warden/protocol.hpp"

namespace warden::actors::detail {

// Makes a new entry for one version of a plugin (never reusing an index),
// names it the plugin's newest and returns its index. Spawns no worker.
uint32_t add_entry(Self self, SupervisedPlugin plugin);

// Spawns a worker into every slot of a new entry.
void spawn_workers(Self self, uint32_t plugin);

// The newest entry of the live plugin `plugin_id`.
std::optional<uint32_t> find_plugin(const SupervisorState& state, const std::string& plugin_id);

// Every live plugin's newest entry, in load order: the targets of a scan of
// all plugins when it arrives.
std::vector<uint32_t> live_plugins(const SupervisorState& state);

// The unknown_plugin error for an id that is not live (says when it was removed).
Error unknown_plugin(const SupervisorState& state, const std::string& plugin_id);

// add: validates `spec`, then runs it; duplicate ids are errors.
caf::result<LifecycleResult> add_plugin(Self self, PluginSpec spec);

// remove: the plugin takes no new requests; answered once everything
// handed to it is answered and its workers are down.
caf::result<LifecycleResult> remove_plugin(Self self, const std::string& plugin_id);

// reload: validates `spec` (its id must be `plugin_id`); on success a new
// entry serves new requests and jobs not yet dispatched, and the old one
// retires; on failure the old one keeps serving.
caf::result<LifecycleResult> reload_plugin(Self self, const std::string& plugin_id,
                                           PluginSpec spec);

// recycle: every worker of the plugin retires when idle, one after another
// (a planned recycle, errc::recycle_requested).
LifecycleResult recycle_plugin(Self self, const std::string& plugin_id);

}  // namespace warden::actors::detail
