#pragma once
// The plugin worker: a detached actor (one thread) that owns one Engine. It
// loads the engine in its spawn function, on its own thread, and the engine
// dies with the actor's state in on_exit, on that same thread. It scans the
// batches the supervisor sends, answers each with one BatchDone, and exits
// with an errc reason: load_failed (its plugin did not load, or reported
// another id or version than the validated one), timeout / out_of_memory / fatal_error
// (its engine became unusable), or whatever the supervisor sends it
// (recycle_threshold, heap_soft_limit, shutdown). Spawned only by the
// supervisor.

#include <cstdint>
#include <optional>
#include <string>

#include <caf/all.hpp>

#include "actors/worker_protocol.hpp"
#include "warden/config.hpp"
#include "warden/engine.hpp"
#include "warden/plugin_source.hpp"
#include "warden/protocol.hpp"

namespace warden::actors {

struct WorkerSetup {
  uint32_t plugin = 0;
  uint32_t slot = 0;
  uint64_t generation = 0;
  std::string plugin_id;       // as validated: the only id the host reports it under
  std::string plugin_version;  // as validated; a load reporting another id or version fails
  runtime::PluginSourcePtr source;
  runtime::EngineOptions options;
  supervisor_actor supervisor;
  WorkerEventHook on_event;
};

// Built on the spawning thread (empty); filled in the spawn function, on the
// worker's thread, and destroyed with the state in on_exit, on that thread.
struct WorkerState {
  std::optional<runtime::Engine> engine;
  static inline const char* name = "warden.plugin_worker";
};

plugin_worker_actor::behavior_type plugin_worker(
    plugin_worker_actor::stateful_pointer<WorkerState> self, WorkerSetup setup);

// spdlog, tagged with the plugin id: the default ConsoleSink.
runtime::ConsoleSink spdlog_console();

// -- shared by both kinds of worker (this one and actors/process_worker.hpp) --

// The worker's event template for the calling thread (its own); arms the
// `thread_exited` event for when that thread ends, if setup.on_event is set.
WorkerEvent worker_thread_events(const WorkerSetup& setup);

// Identity is the host's: an error (invalid_id, naming the file) when a
// worker's load reports another id or version than the validated one.
std::optional<Error> identity_mismatch(const WorkerSetup& setup, const runtime::PluginInfo& info);

// The exit reason of a worker whose engine became unusable with `code`.
errc exit_reason_for(ErrorCode code);

}  // namespace warden::actors
