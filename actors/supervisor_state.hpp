#pragma once
// The supervisor's state and the operations its handlers share: settling and
// queueing jobs, dispatching batches, spawning and stopping workers,
// quarantine, events, plugin handles and the shutdown check. Private to the
// supervisor (included by its own files only); runs on its thread alone.

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/all.hpp>

#include "actors/event_bus.hpp"
#include "actors/job_table.hpp"
#include "actors/plugin_handle.hpp"
#include "actors/plugin_stats.hpp"
#include "actors/pool_sizer.hpp"
#include "actors/process_worker.hpp"
#include "actors/request_group.hpp"
#include "actors/restart_policy.hpp"
#include "actors/supervisor.hpp"
#include "actors/worker_budget.hpp"
#include "actors/worker_pool.hpp"
#include "actors/worker_protocol.hpp"
#include "warden/config.hpp"
#include "warden/protocol.hpp"

namespace warden::actors::detail {

using Clock = std::chrono::steady_clock;
using Pool = WorkerPool<plugin_worker_actor>;

// The pool's limits from the host's configuration (heap soft limit resolved).
PoolLimits pool_limits(const WardenConfig& config);

// The restart policy's bounds from the host's configuration.
RestartLimits restart_limits(const WardenConfig& config);

// One plugin as the supervisor runs it: what it is, its jobs waiting for a
// worker, its pool, its restart policy and its counters.
struct PluginEntry {
  PluginEntry(SupervisedPlugin spec, const WardenConfig& config, Clock::time_point started);

  SupervisedPlugin spec;
  std::deque<uint64_t> queue;  // job ids, oldest first
  Pool pool;
  RestartPolicy policy;
  bool quarantined = false;
  // Shared by every version of the plugin (a reload hands them on), so its
  // statistics count what old versions still answer after a reload.
  std::shared_ptr<PluginCounters> counters = std::make_shared<PluginCounters>();
  std::size_t abandoned_running = 0;  // abandoned workers whose down message has not come
  // Per slot: when its worker was spawned, and whether as a failure restart
  // (its load time is then failure time).
  struct Spawned {
    Clock::time_point at;
    bool after_failure = false;
  };
  std::vector<Spawned> spawned;
  // The record of `slot`, growing with the pool.
  Spawned& spawned_in(uint32_t slot) {
    if (spawned.size() <= slot) {
      spawned.resize(slot + 1);
    }
    return spawned[slot];
  }
  // A worker loaded with its heap already over the soft limit: recycling for
  // heap frees nothing, so the pool no longer does (reported once).
  bool heap_recycling_stopped = false;
  PoolSizer sizer;
  // Its plugin_actor, spawned on the first (plugin_atom, id) request.
  std::optional<PluginHandle> handle;
  // The queue reached queue_capacity and has not drained below half of it
  // since: the overloaded event was sent.
  bool overloaded = false;
  // -- plugin lifecycle: one entry per loaded version, never reused --------
  std::string revision;  // content_revision of the source and config
  // Removed, or replaced by a reload: takes no new jobs, and its workers
  // stop once what they were handed is answered (drain_retiring).
  bool retiring = false;
  bool stopped = false;               // retiring: its workers were told to stop
  bool retired = false;               // retiring, and every worker is down
  std::optional<uint32_t> successor;  // reload: the entry of the newer version
  std::vector<caf::typed_response_promise<LifecycleResult>> on_retired;  // remove's answer
};

struct SupervisorState {
  WardenConfig config;
  std::vector<PluginEntry> plugins;
  std::vector<std::string> plugin_ids;  // by plugin index, for the reports
  JobTable jobs;
  std::unordered_map<uint64_t, RequestGroup> groups;  // open requests, by id
  uint64_t next_group = 1;
  uint64_t next_batch = 1;
  bool shutting_down = false;
  std::vector<caf::typed_response_promise<bool>> shutdown_promises;
  std::vector<std::pair<caf::actor_addr, uint32_t>> abandoned;  // worker, plugin
  // Isolation::process: the fork server, and each live worker's switch to its child.
  std::shared_ptr<runtime::ProcessLauncher> launcher;
  std::vector<std::pair<caf::actor_addr, std::shared_ptr<ChildSwitch>>> children;
  WorkerBudget budget;
  std::vector<Error> load_errors;  // at start, for describe_atom
  bool pool_tick_armed = false;
  EventBus events;  // lifecycle events' subscribers
  // Handles of removed plugins: they answer errors, and are stopped at shutdown.
  std::vector<PluginHandle> retired_handles;
  // Internal messages refused from a wrong sender: the first of each kind is
  // logged at warn, the others at debug.
  std::vector<std::string> refused_kinds;
  // -- plugin lifecycle
  std::unordered_map<std::string, uint32_t> live;  // plugin id -> its newest entry
  std::set<std::string> removed;                   // ids removed and not added again
  static inline const char* name = "warden.supervisor";
};

using Self = supervisor_actor::stateful_pointer<SupervisorState>;

// What lives now, for the budget.
BudgetUse budget_use(const SupervisorState& state);

// Whether a worker message's indices name a slot (messages carry plugin and
// slot indices, never pointers).
bool names_slot(const SupervisorState& state, uint32_t plugin, uint32_t slot);

errc exit_reason_for(RetireReason reason);

// Reports a worker's life-cycle step to WardenConfig::on_worker_event.
void emit(Self self, WorkerEvent::Kind kind, uint32_t plugin, uint32_t slot, uint64_t generation,
          std::string reason = {}, const WorkerThread* thread = nullptr);

// -- jobs ------------------------------------------------------------------------

// Records the final outcome of one (transaction, plugin) pair and answers its
// request once that was the last outcome it waited for.
void settle(Self self, uint64_t group_id, uint32_t index, uint32_t plugin, PluginOutcome outcome);

// Settles a job answered by a worker at `answered` (or given up on, without
// a time) and forgets it.
void finish_job(Self self, uint64_t job_id, PluginOutcome outcome,
                std::optional<Clock::time_point> answered);

void fail_job(Self self, uint64_t job_id, ErrorCode code, std::string message);

// Queues one (transaction, plugin) pair of a request group, or answers it at
// once when the plugin cannot take it (the group is not sealed yet: no reply).
void enqueue(Self self, uint64_t group_id, uint32_t index, uint32_t plugin, Clock::time_point now);

// Puts jobs back at the front of their plugin's queue, keeping their order
// (answers them quarantined when the plugin is). A plugin replaced by a
// reload hands them to its newest version instead.
void requeue_front(Self self, uint32_t plugin, const std::vector<uint64_t>& job_ids);

// -- workers ---------------------------------------------------------------------

// Spawns a worker into the empty `slot` (a detached actor: its own new
// thread; in Isolation::process a process worker, which launches a child).
void spawn_worker(Self self, uint32_t plugin, uint32_t slot);

// Isolation::process: the switch to `worker`'s child (null when none), and
// forgetting it once the worker is down.
std::shared_ptr<ChildSwitch> child_switch(Self self, const caf::actor_addr& worker);
void forget_child(Self self, const caf::actor_addr& worker);

void stop_worker(Self self, uint32_t plugin, uint32_t slot, errc reason);

// Stops the idle worker in `slot` when its pool says it is due to retire.
void retire_if_due(Self self, uint32_t plugin, uint32_t slot);

// Hands the plugin's waiting jobs to its workers in batches.
void dispatch(Self self, uint32_t plugin);

// Answers every waiting job `quarantined`, stops every worker and publishes
// plugin_quarantined. `reason` names who decided (WardenEvent::reason:
// "restart_policy", "load_failures", "failure_share", "abandoned_threads",
// "host"); `why` says it in words.
void quarantine_plugin(Self self, uint32_t plugin, std::string_view reason, const std::string& why);

// Forgets the failures, spawns a worker into every empty slot and publishes
// plugin_enabled.
void enable_plugin(Self self, uint32_t plugin);

// -- events and plugin handles ------------------------------------------------------

// An event about `plugin` (its id filled in).
WardenEvent plugin_event(const SupervisorState& state, uint32_t plugin, EventKind kind,
                         std::string reason, std::string detail = {});

// Sends plugin_event(...) to every subscriber.
void publish_event(Self self, uint32_t plugin, EventKind kind, std::string reason,
                   std::string detail = {});

// The plugin's handle, spawned on first use; it lives until the plugin is
// removed and Warden shuts down.
plugin_actor plugin_handle_of(Self self, uint32_t plugin);

// The plugin is being removed: its handle (if one was spawned) answers every
// later request with "plugin X was removed". Call before the entry goes.
void retire_plugin_handle(SupervisorState& state, uint32_t plugin);

// Stops every handle, live and retired (the supervisor is quitting).
void stop_plugin_handles(Self self);

// A retiring entry whose queue is empty and whose workers hold no batch:
// stops its workers; once all are down it is retired and remove is answered.
void drain_retiring(Self self, uint32_t plugin);

// After every answered request and every down message: once shutting down
// and nothing is pending, stop the workers; once they are all down, answer
// the shutdown requests and quit.
void check_shutdown(Self self);

}  // namespace warden::actors::detail
