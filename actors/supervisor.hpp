#pragma once
// The supervisor: owns every plugin's pool of workers, routes transactions to
// them in batches, merges their answers into one ScanReport per transaction,
// and replaces workers, each on a fresh thread and only after the old one's
// down message arrived. Holds the restart policy, the bounded queues and the
// statistics. Spawned by Warden::start (or a host that wants the raw handle).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/worker_protocol.hpp"
#include "warden/config.hpp"
#include "warden/engine.hpp"
#include "warden/plugin_source.hpp"
#include "warden/protocol.hpp"
#include "warden/worker_process.hpp"

namespace warden::actors {

// One plugin the supervisor runs: its source (read once, shared by every
// isolate) and what its validation load said about it.
struct SupervisedPlugin {
  runtime::PluginSourcePtr source;
  runtime::PluginInfo info;
  std::string config_json = "{}";
};

// WardenConfig::workers_per_plugin when it is 0: just enough workers that
// every hardware thread has one (plugins x workers >= hardware threads), at
// least one per plugin. More only add threads that wait for a core, switches
// between isolates, and JIT warm-up paid once per isolate. With one worker, a
// plugin's requests wait (queued, never lost) while it recycles, and with
// them every transaction that needs its answer; so when recycles are frequent
// (recycle_after_scans below kFrequentRecycle: a reload costs about as much
// as that many scans) each plugin gets at least 2, one serving while the
// other reloads. 0 hardware threads (unknown): 2.
inline constexpr uint64_t kFrequentRecycle = 1000;
std::size_t default_workers_per_plugin(std::size_t plugin_count, unsigned hardware_threads,
                                       uint64_t recycle_after_scans);

// Spawns the supervisor (detached: its wake-ups do not depend on the host's
// scheduler policy) and its workers. The caller must eventually send
// shutdown_atom (Warden::shutdown does), or ~actor_system waits forever.
// Workers abandoned past their batch deadline, in this process, whose
// threads have not returned (as far as a live supervisor saw). While any
// runs, destroying the actor system waits for it, perhaps forever.
std::size_t abandoned_threads_running();

// `load_errors`: the plugins that failed to load, for describe_atom's answer.
// In Isolation::process its workers' children come from `launcher` (which
// every worker keeps alive); without one they fail to load.
supervisor_actor spawn_supervisor(caf::actor_system& system, std::vector<SupervisedPlugin> plugins,
                                  WardenConfig config,
                                  std::shared_ptr<runtime::ProcessLauncher> launcher = nullptr,
                                  std::vector<Error> load_errors = {});

}  // namespace warden::actors
