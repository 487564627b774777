// The supervisor's shared operations on its state: jobs, dispatch, workers, quarantine, shutdown.
#include "actors/supervisor_state.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>
#include <utility>

#include "actors/batch_deadline.hpp"
#include "actors/plugin_worker.hpp"
#include "warden/logger.hpp"

namespace warden::actors::detail {

PoolLimits pool_limits(const WardenConfig& config) {
  PoolLimits limits;
  limits.workers = config.workers_per_plugin;
  limits.warm_spare = config.warm_spare;
  limits.recycle_after_scans = config.recycle_after_scans;
  limits.heap_soft_limit_bytes = config.heap_soft_limit_bytes != 0
                                     ? config.heap_soft_limit_bytes
                                     : config.limits.heap_limit_bytes / 4 * 3;
  limits.max_batch = config.max_batch;
  return limits;
}

RestartLimits restart_limits(const WardenConfig& config) {
  RestartLimits limits;
  limits.max_restarts = config.max_failure_restarts;
  limits.window = config.failure_window;
  limits.base_backoff = config.restart_backoff;
  limits.max_load_failures = config.max_load_failures;
  limits.max_failure_share = config.max_failure_share;
  limits.min_failure_time = config.min_failure_time;
  return limits;
}

BudgetUse budget_use(const SupervisorState& state) {
  BudgetUse use;
  use.heap_limit_bytes = state.config.limits.heap_limit_bytes;
  for (const auto& entry : state.plugins) {
    const auto occupancy = entry.pool.occupancy();
    use.workers += occupancy.workers;
    use.spares += occupancy.spares;
    use.abandoned += entry.abandoned_running;
  }
  return use;
}

PluginEntry::PluginEntry(SupervisedPlugin spec, const WardenConfig& config,
                         Clock::time_point started)
    : spec(std::move(spec)),
      pool(pool_limits(config)),
      policy(restart_limits(config), started),
      spawned(pool.size()),
      sizer(SizerLimits{config.workers_per_plugin, config.max_workers_per_plugin,
                        SizerLimits{}.grow_after_ticks, config.pool_idle_release},
            started) {}

bool names_slot(const SupervisorState& state, uint32_t plugin, uint32_t slot) {
  return plugin < state.plugins.size() && state.plugins[plugin].pool.has_slot(slot);
}

errc exit_reason_for(RetireReason reason) {
  switch (reason) {
    case RetireReason::recycle_threshold:
      return errc::recycle_threshold;
    case RetireReason::heap_soft_limit:
      return errc::heap_soft_limit;
    case RetireReason::requested:
      return errc::recycle_requested;
  }
  return errc::recycle_threshold;
}

void emit(Self self, WorkerEvent::Kind kind, uint32_t plugin, uint32_t slot, uint64_t generation,
          std::string reason, const WorkerThread* thread) {
  const auto& hook = self->state.config.on_worker_event;
  if (!hook) {
    return;
  }
  WorkerEvent event;
  event.kind = kind;
  event.plugin_id = self->state.plugin_ids[plugin];
  event.slot = slot;
  event.generation = generation;
  event.reason = std::move(reason);
  event.at = Clock::now();
  if (thread) {
    event.thread = thread->id;
    event.os_thread_id = thread->os_id;
    event.pid = thread->pid;
  }
  hook(event);
}

namespace {

// The plugin's queue is at its bound: overloaded is published once, until
// the queue drained below half of it (note_drained).
void note_overload(Self self, uint32_t plugin) {
  auto& entry = self->state.plugins[plugin];
  if (entry.overloaded) {
    return;
  }
  entry.overloaded = true;
  const auto capacity = self->state.config.queue_capacity;
  publish_event(self, plugin, EventKind::overloaded, "queue_full",
                "plugin " + entry.spec.info.id + " has " + std::to_string(entry.queue.size()) +
                    " requests waiting (queue_capacity " + std::to_string(capacity) +
                    "); more are answered overloaded");
}

void note_drained(PluginEntry& entry, std::size_t capacity) {
  if (entry.overloaded && entry.queue.size() * 2 < capacity) {
    entry.overloaded = false;
  }
}

}  // namespace

// -- settling jobs ---------------------------------------------------------------

void settle(Self self, uint64_t group_id, uint32_t index, uint32_t plugin, PluginOutcome outcome) {
  auto& state = self->state;
  if (outcome.error) {
    state.plugins[plugin].counters->count_error(outcome.error->code);
  }
  auto it = state.groups.find(group_id);
  if (it == state.groups.end() || !it->second.settle(index, plugin, std::move(outcome))) {
    return;
  }
  auto group = std::move(it->second);
  state.groups.erase(it);
  group.answer(state.plugin_ids);
  check_shutdown(self);
}

void finish_job(Self self, uint64_t job_id, PluginOutcome outcome,
                std::optional<Clock::time_point> answered) {
  if (self->state.jobs.find(job_id) == nullptr) {
    return;
  }
  const Job job = self->state.jobs.take(job_id);
  if (answered) {
    auto& entry = self->state.plugins[job.plugin];
    entry.counters->count_answer(outcome.findings.size(), *answered - job.enqueued);
    outcome.revision = entry.revision;  // a worker of this version produced it
  }
  settle(self, job.group, job.index, job.target, std::move(outcome));
}

void fail_job(Self self, uint64_t job_id, ErrorCode code, std::string message) {
  PluginOutcome outcome;
  outcome.error = Error(code, std::move(message));
  finish_job(self, job_id, std::move(outcome), std::nullopt);
}

void enqueue(Self self, uint64_t group_id, uint32_t index, uint32_t plugin, Clock::time_point now) {
  auto& state = self->state;
  auto& entry = state.plugins[plugin];
  auto refuse = [&](ErrorCode code, std::string message) {
    PluginOutcome outcome;
    outcome.error = Error(code, std::move(message));
    settle(self, group_id, index, plugin, std::move(outcome));
  };
  if (state.shutting_down) {
    return refuse(ErrorCode::shutting_down, "Warden is shutting down");
  }
  if (entry.quarantined) {
    return refuse(ErrorCode::quarantined,
                  "plugin " + entry.spec.info.id + " is quarantined after too many failures");
  }
  if (entry.queue.size() >= state.config.queue_capacity) {
    note_overload(self, plugin);
    return refuse(ErrorCode::overloaded, "plugin " + entry.spec.info.id + " has " +
                                             std::to_string(entry.queue.size()) +
                                             " requests waiting");
  }
  const auto& transaction = state.groups.at(group_id).transaction(index);
  entry.queue.push_back(
      state.jobs.add(Job{group_id, index, plugin, transaction, now, 0, 0, plugin}));
  if (entry.queue.size() >= state.config.queue_capacity) {
    note_overload(self, plugin);
  }
}

void requeue_front(Self self, uint32_t plugin, const std::vector<uint64_t>& job_ids) {
  auto& state = self->state;
  const uint32_t first = plugin;
  while (state.plugins[plugin].successor) {
    plugin = *state.plugins[plugin].successor;
  }
  for (const auto job_id : job_ids) {
    if (Job* job = state.jobs.find(job_id)) {
      job->plugin = plugin;
    }
  }
  auto& entry = state.plugins[plugin];
  for (auto it = job_ids.rbegin(); it != job_ids.rend(); ++it) {
    if (entry.stopped) {  // removed, and its workers are gone: nobody can run it
      fail_job(self, *it, ErrorCode::unknown_plugin,
               "plugin " + entry.spec.info.id + " was removed");
    } else if (entry.quarantined) {
      fail_job(self, *it, ErrorCode::quarantined,
               "plugin " + entry.spec.info.id + " is quarantined after too many failures");
    } else {
      entry.queue.push_front(*it);
    }
  }
  if (plugin != first) {
    dispatch(self, plugin);  // the caller dispatches the retired version only
  }
}

// -- workers -------------------------------------------------------------------

void spawn_worker(Self self, uint32_t plugin, uint32_t slot) {
  auto& state = self->state;
  auto& entry = state.plugins[plugin];
  WorkerSetup setup;
  setup.plugin = plugin;
  setup.slot = slot;
  setup.generation = entry.pool.next_generation();
  setup.plugin_id = entry.spec.info.id;
  setup.plugin_version = entry.spec.info.version;
  setup.source = entry.spec.source;
  setup.options.limits = state.config.limits;
  // Console lines are tagged with the validated id, not the one the load reads.
  auto sink = state.config.console ? state.config.console : spdlog_console();
  setup.options.console = [sink, id = setup.plugin_id](runtime::LogLevel level, std::string_view,
                                                       std::string_view text) {
    sink(level, id, text);
  };
  setup.options.config_json = entry.spec.config_json;
  setup.supervisor = self;
  setup.on_event = state.config.on_worker_event;
  const auto generation = setup.generation;
  entry.spawned_in(slot) = {Clock::now(), entry.pool.slot(slot).status == SlotStatus::backoff};
  plugin_worker_actor worker;
  if (state.config.isolation == Isolation::process) {
    auto child = std::make_shared<ChildSwitch>();
    worker = self->system().spawn<caf::detached>(
        process_worker, ProcessWorkerSetup{std::move(setup), state.launcher, child});
    state.children.emplace_back(worker.address(), std::move(child));
  } else {
    worker = self->system().spawn<caf::detached>(plugin_worker, std::move(setup));
  }
  self->monitor(worker);
  entry.pool.started(slot, std::move(worker), generation);
  entry.counters->workers_peak =
      std::max(entry.counters->workers_peak, entry.pool.occupancy().workers);
  state.budget.observe(budget_use(state));
  emit(self, WorkerEvent::Kind::spawned, plugin, slot, generation);
}

std::shared_ptr<ChildSwitch> child_switch(Self self, const caf::actor_addr& worker) {
  for (const auto& [address, child] : self->state.children) {
    if (address == worker) {
      return child;
    }
  }
  return nullptr;
}

void forget_child(Self self, const caf::actor_addr& worker) {
  auto& children = self->state.children;
  children.erase(std::remove_if(children.begin(), children.end(),
                                [&](const auto& entry) { return entry.first == worker; }),
                 children.end());
}

void stop_worker(Self self, uint32_t plugin, uint32_t slot, errc reason) {
  self->send_exit(self->state.plugins[plugin].pool.slot(slot).worker, caf::make_error(reason));
}

void retire_if_due(Self self, uint32_t plugin, uint32_t slot) {
  if (const auto reason = self->state.plugins[plugin].pool.retire_if_due(slot)) {
    stop_worker(self, plugin, slot, exit_reason_for(*reason));
  }
}

void dispatch(Self self, uint32_t plugin) {
  auto& state = self->state;
  auto& entry = state.plugins[plugin];
  if (entry.quarantined) {
    return;
  }
  const auto takers = entry.pool.takers();
  for (const auto& retiring : takers.retiring) {
    stop_worker(self, plugin, retiring.slot, exit_reason_for(retiring.reason));
  }
  const auto& slots = takers.slots;
  for (std::size_t i = 0; i < slots.size() && !entry.queue.empty(); ++i) {
    const auto count = entry.pool.batch_size_for(slots[i], entry.queue.size(), slots.size() - i);
    if (count == 0) {
      continue;
    }
    std::vector<ScanJob> batch;
    batch.reserve(count);
    std::vector<uint64_t> job_ids;
    job_ids.reserve(count);
    while (batch.size() < count && !entry.queue.empty()) {
      const uint64_t job_id = entry.queue.front();
      entry.queue.pop_front();
      const Job* job = state.jobs.find(job_id);
      if (job == nullptr) {
        continue;
      }
      batch.push_back(ScanJob{job_id, job->transaction});
      job_ids.push_back(job_id);
    }
    if (batch.empty()) {
      break;
    }
    const uint64_t batch_id = state.next_batch++;
    entry.pool.sent(slots[i], batch_id, std::move(job_ids));
    self->send(entry.pool.slot(slots[i]).worker, batch_atom::value, batch_id, std::move(batch));
    arm_deadline(self, plugin, slots[i], batch_id);
  }
  note_drained(entry, state.config.queue_capacity);
}

void quarantine_plugin(Self self, uint32_t plugin, std::string_view reason,
                       const std::string& why) {
  auto& entry = self->state.plugins[plugin];
  if (entry.quarantined) {
    return;
  }
  entry.quarantined = true;
  logger()->error("plugin {} quarantined: {}", entry.spec.info.id, why);
  auto waiting = std::move(entry.queue);
  entry.queue.clear();
  note_drained(entry, self->state.config.queue_capacity);
  for (const auto job_id : waiting) {
    fail_job(self, job_id, ErrorCode::quarantined,
             "plugin " + entry.spec.info.id + " is quarantined: " + why);
  }
  for (const auto slot : entry.pool.stop_all()) {
    stop_worker(self, plugin, slot, errc::shutdown);
  }
  publish_event(self, plugin, EventKind::plugin_quarantined, std::string{reason}, why);
}

void enable_plugin(Self self, uint32_t plugin) {
  auto& entry = self->state.plugins[plugin];
  if (!entry.quarantined) {
    return;
  }
  entry.quarantined = false;
  entry.policy.reset(Clock::now());
  logger()->info("plugin {} re-enabled", entry.spec.info.id);
  for (const auto slot : entry.pool.empty_slots()) {
    spawn_worker(self, plugin, slot);
  }
  publish_event(self, plugin, EventKind::plugin_enabled, "host", "enabled by the host");
}

// -- events and plugin handles ------------------------------------------------------

WardenEvent plugin_event(const SupervisorState& state, uint32_t plugin, EventKind kind,
                         std::string reason, std::string detail) {
  WardenEvent event;
  event.kind = kind;
  event.plugin_id = state.plugin_ids[plugin];
  event.reason = std::move(reason);
  event.detail = std::move(detail);
  return event;
}

void publish_event(Self self, uint32_t plugin, EventKind kind, std::string reason,
                   std::string detail) {
  self->state.events.publish(
      plugin_event(self->state, plugin, kind, std::move(reason), std::move(detail)));
}

plugin_actor plugin_handle_of(Self self, uint32_t plugin) {
  auto& entry = self->state.plugins[plugin];
  if (!entry.handle) {
    entry.handle = spawn_plugin_handle(self->system(), caf::actor_cast<warden_actor>(self),
                                       entry.spec.info.id);
  }
  return entry.handle->actor;
}

void retire_plugin_handle(SupervisorState& state, uint32_t plugin) {
  auto& entry = state.plugins[plugin];
  if (!entry.handle) {
    return;
  }
  entry.handle->removed->store(true);
  state.retired_handles.push_back(std::move(*entry.handle));
  entry.handle.reset();
}

void stop_plugin_handles(Self self) {
  auto& state = self->state;
  for (auto& entry : state.plugins) {
    if (entry.handle) {
      self->send_exit(entry.handle->actor, caf::exit_reason::user_shutdown);
      entry.handle.reset();
    }
  }
  for (const auto& retired : state.retired_handles) {
    self->send_exit(retired.actor, caf::exit_reason::user_shutdown);
  }
  state.retired_handles.clear();
}

void check_shutdown(Self self) {
  auto& state = self->state;
  if (!state.shutting_down || !state.groups.empty()) {
    return;
  }
  bool all_down = true;
  for (uint32_t plugin = 0; plugin < state.plugins.size(); ++plugin) {
    auto& pool = state.plugins[plugin].pool;
    for (const auto slot : pool.stop_all()) {
      stop_worker(self, plugin, slot, errc::shutdown);
    }
    all_down = all_down && pool.all_empty();
  }
  if (all_down) {
    for (uint32_t plugin = 0; plugin < state.plugins.size(); ++plugin) {
      drain_retiring(self, plugin);  // a remove in progress is answered too
    }
    stop_plugin_handles(self);  // before the answer: a host's later request fails at once
    for (auto& promise : state.shutdown_promises) {
      promise.deliver(true);
    }
    state.shutdown_promises.clear();
    self->quit();
  }
}

}  // namespace warden::actors::detail
