// The supervisor actor's behaviour: its handlers for host requests, worker messages and
// down messages, and spawn_supervisor.
#include "actors/supervisor.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <spdlog/spdlog.h>
#include <thread>
#include <utility>

#include "actors/batch_deadline.hpp"
#include "actors/failure_accounting.hpp"
#include "actors/host_requests.hpp"
#include "actors/plugin_lifecycle.hpp"
#include "actors/pool_growth.hpp"
#include "actors/sender_check.hpp"
#include "actors/supervisor_state.hpp"

namespace warden::actors {
namespace {

using namespace detail;

// A scan that killed its worker twice is answered with its error: a poison
// input must not loop.
constexpr uint8_t kMaxFatalAttempts = 2;
// A job whose worker died without answering (killed, crashed) is queued again
// after its first and second such loss and answered worker_lost at the third.
constexpr uint8_t kMaxLosses = 3;

std::string reason_name(const caf::error& reason) {
  if (auto ours = exit_reason_of(reason)) {
    return std::string{to_string(*ours)};
  }
  if (reason == caf::exit_reason::kill) {
    return "killed";
  }
  if (!reason) {
    return "normal";
  }
  return to_string(reason);
}

// -- worker messages -------------------------------------------------------------

void on_batch_done(Self self, BatchDone& done) {
  auto& state = self->state;
  if (!names_slot(state, done.plugin, done.slot)) {
    return;
  }
  auto& entry = state.plugins[done.plugin];
  entry.policy.charge(done.failed_scan_time);
  auto batch = entry.pool.answered(done.slot, done.generation, done.batch_id, done.executions,
                                   done.heap_used_bytes);
  if (!batch) {
    return;  // cannot happen: a worker answers in order, before its down message
  }
  std::vector<uint64_t> again;
  std::size_t answered = 0;
  const auto now = Clock::now();
  for (auto& outcome : done.outcomes) {
    ++answered;
    Job* job = state.jobs.find(outcome.job_id);
    if (job == nullptr) {
      continue;
    }
    if (outcome.error && outcome.error->code == ErrorCode::engine_unusable) {
      again.push_back(outcome.job_id);  // never really ran: not this input's fault
      continue;
    }
    if (outcome.error && is_fatal_for_engine(outcome.error->code) &&
        ++job->fatal_attempts < kMaxFatalAttempts) {
      ++entry.counters->retries;  // killed its isolate: once more on another one
      again.push_back(outcome.job_id);
      continue;
    }
    finish_job(self, outcome.job_id,
               PluginOutcome{std::move(outcome.findings), std::move(outcome.error)}, now);
  }
  // Jobs after a scan that broke the engine were never attempted, nor were
  // the batches it still held: it quits right after this answer.
  const auto unattempted = static_cast<std::ptrdiff_t>(std::min(answered, batch->size()));
  again.insert(again.end(), batch->begin() + unattempted, batch->end());
  if (done.engine_unusable) {
    const auto unstarted = entry.pool.take_unstarted(done.slot);
    again.insert(again.end(), unstarted.begin(), unstarted.end());
  }
  requeue_front(self, done.plugin, again);
  if (done.engine_unusable) {
    entry.pool.quitting(done.slot);  // its down message follows
  }
  dispatch(self, done.plugin);
  drain_retiring(self, done.plugin);
}

void on_ready(Self self, const WorkerReady& ready) {
  auto& state = self->state;
  if (!names_slot(state, ready.plugin, ready.slot)) {
    return;
  }
  auto& entry = state.plugins[ready.plugin];
  const WorkerThread thread{ready.thread, ready.os_thread_id, ready.pid};
  const auto verdict =
      entry.pool.ready(ready.slot, ready.generation, ready.heap_used_bytes, thread);
  if (verdict.verdict == Pool::ReadyVerdict::stale) {
    return;
  }
  count_load(self, ready.plugin, ready.slot, ready.heap_used_bytes);
  switch (verdict.verdict) {
    case Pool::ReadyVerdict::stale:
      return;
    case Pool::ReadyVerdict::parked:
      dispatch(self, ready.plugin);  // a worker waiting for the spare may retire now
      return;
    case Pool::ReadyVerdict::serving:
      break;
  }
  emit(self, WorkerEvent::Kind::ready, ready.plugin, ready.slot, ready.generation, {}, &thread);
  if (verdict.replacing_since) {
    entry.counters->recycle_latency.record(Clock::now() - *verdict.replacing_since);
  }
  dispatch(self, ready.plugin);
  // A sibling that waited for a serving worker before retiring may go now.
  for (uint32_t slot = 0; slot < entry.pool.size(); ++slot) {
    if (slot != ready.slot) {
      retire_if_due(self, ready.plugin, slot);
    }
  }
}

// -- a worker's down message, in three steps ---------------------------------------

// Where a worker lives.
struct WorkerPlace {
  uint32_t plugin = 0;
  uint32_t slot = 0;
};

// Step 1: the slot of the worker that went down; none when it is not ours
// any more.
std::optional<WorkerPlace> find_slot(Self self, const caf::actor_addr& worker) {
  auto& plugins = self->state.plugins;
  for (uint32_t plugin = 0; plugin < plugins.size(); ++plugin) {
    if (const auto slot = plugins[plugin].pool.find_worker(worker)) {
      return WorkerPlace{plugin, *slot};
    }
  }
  return std::nullopt;
}

// Step 2: what the worker had not answered was lost with it: queue it again,
// or answer worker_lost a job lost kMaxLosses times. Only its oldest batch
// was being scanned; the later ones were never started and do not count as a
// loss.
void requeue_lost(Self self, uint32_t plugin, const Pool::LostWork& work) {
  auto& state = self->state;
  std::vector<uint64_t> again;
  for (const auto job_id : work.lost) {
    Job* job = state.jobs.find(job_id);
    if (job == nullptr) {
      continue;
    }
    if (++job->losses >= kMaxLosses) {
      fail_job(self, job_id, ErrorCode::worker_lost,
               "the worker of plugin " + state.plugins[plugin].spec.info.id + " died " +
                   std::to_string(kMaxLosses) + " times while scanning this transaction");
    } else {
      again.push_back(job_id);
    }
  }
  again.insert(again.end(), work.never_started.begin(), work.never_started.end());
  requeue_front(self, plugin, again);
}

// A planned recycle with WardenConfig::warm_spare, after slot `downed`'s down
// message: the plugin's spare takes over at once (or as soon as it loaded),
// and a new spare is spawned into the slot just vacated. With no spare yet
// (the first recycle, or it failed), the slot gets an ordinary replacement
// and the empty spare place its first spare. Every worker spawned here
// follows the down message of the worker whose place it takes, on a new
// thread (docs/design.md, "Guarantees", 2); the spare is the one that takes
// the place.
void take_over_from_spare(Self self, uint32_t plugin, uint32_t downed, Clock::time_point since) {
  auto& entry = self->state.plugins[plugin];
  auto& pool = entry.pool;
  const auto takeover = pool.promote_spare(downed, since);
  using Kind = Pool::Takeover::Kind;
  switch (takeover.kind) {
    case Kind::no_spare:
      spawn_worker(self, plugin, downed);
      pool.replacing(downed, since);
      return;
    case Kind::promoted_loaded:
      emit(self, WorkerEvent::Kind::ready, plugin, takeover.spare,
           pool.slot(takeover.spare).generation, {}, &takeover.thread);
      entry.counters->recycle_latency.record(Clock::now() - since);
      spawn_worker(self, plugin, downed);  // the next spare
      return;
    case Kind::promoted_loading:
      spawn_worker(self, plugin, downed);  // the next spare
      return;
    case Kind::spare_not_loading:
      spawn_worker(self, plugin, downed);
      pool.replacing(downed, since);
      if (pool.slot(takeover.spare).status == SlotStatus::empty) {
        spawn_worker(self, plugin, takeover.spare);
      }
      return;
  }
}

// Step 3: counts the restart and fills the vacated slot: at once after a
// clean or planned exit (from the warm spare, if any), after a backoff after
// a failure, not at all when quarantined or shutting down. `cost`: failure
// time the down adds beyond what its worker reported (a failed load's time is
// measured here).
void replace_worker(Self self, uint32_t plugin, uint32_t slot, const caf::error& exit_reason,
                    const std::string& reason, Clock::time_point now,
                    std::chrono::nanoseconds cost = std::chrono::nanoseconds{0}) {
  auto& state = self->state;
  auto& entry = state.plugins[plugin];
  const auto ours = exit_reason_of(exit_reason);
  const bool load_failure = ours == errc::load_failed;
  if (load_failure) {
    cost += now - entry.spawned_in(slot).at;
  }
  const bool clean = ours == errc::shutdown;
  const bool planned = ours == errc::recycle_threshold || ours == errc::heap_soft_limit ||
                       ours == errc::recycle_requested;
  if (!clean) {
    entry.counters->count_restart(reason);
  }
  // A retiring version with nothing left to run is not refilled.
  if (entry.quarantined || (entry.retiring && entry.queue.empty()) ||
      (state.shutting_down && state.groups.empty())) {
    check_shutdown(self);
    return;
  }
  if (entry.pool.slot(slot).released) {
    dispatch(self, plugin);  // given back: not refilled
    return;
  }
  if (planned && state.config.warm_spare && !entry.pool.slot(slot).spare) {
    take_over_from_spare(self, plugin, slot, now);
  } else if (clean || planned) {
    spawn_worker(self, plugin, slot);
    entry.pool.replacing(slot, now);
  } else if (!back_off(self, plugin, slot,
                       load_failure ? reason + ": " + load_error_of(exit_reason) : reason, now,
                       cost, load_failure)) {
    check_shutdown(self);
    return;
  }
  if (!clean) {
    const std::string why = ours ? std::string{to_string(*ours)} : reason;
    publish_event(self, plugin, EventKind::worker_restarted, why,
                  "worker " + std::to_string(slot) + " went down (" + reason + ")" +
                      (planned ? ", a planned recycle" : ", a failure restart"));
  }
  dispatch(self, plugin);
}

void on_down(Self self, caf::down_msg& down) {
  forget_child(self, down.source);
  if (forget_abandoned(self, down.source)) {
    return;  // answered and replaced when it was abandoned
  }
  const auto place = find_slot(self, down.source);
  if (!place) {
    return;
  }
  const auto now = Clock::now();
  const auto reason = reason_name(down.reason);
  auto& pool = self->state.plugins[place->plugin].pool;
  emit(self, WorkerEvent::Kind::down, place->plugin, place->slot, pool.slot(place->slot).generation,
       reason);
  requeue_lost(self, place->plugin, pool.vacate(place->slot));
  replace_worker(self, place->plugin, place->slot, down.reason, reason, now);
  drain_retiring(self, place->plugin);
}

supervisor_actor::behavior_type supervisor(Self self, std::vector<SupervisedPlugin> plugins,
                                           WardenConfig config,
                                           std::shared_ptr<runtime::ProcessLauncher> launcher,
                                           std::vector<Error> load_errors) {
  auto& state = self->state;
  state.launcher = std::move(launcher);
  state.load_errors = std::move(load_errors);
  if (config.workers_per_plugin == 0) {
    config.workers_per_plugin = default_workers_per_plugin(
        plugins.size(), std::thread::hardware_concurrency(), config.recycle_after_scans);
  }
  if (config.max_batch == 0) {
    config.max_batch = 1;
  }
  resolve_pool_limits(config, plugins.size());
  state.budget = WorkerBudget{BudgetLimits{config.max_workers, config.max_heap_total_bytes,
                                           config.max_abandoned_threads_total}};
  state.config = std::move(config);
  state.plugins.reserve(plugins.size());
  for (auto& plugin : plugins) {
    add_entry(self, std::move(plugin));
  }
  self->set_down_handler([self](caf::down_msg& down) { on_down(self, down); });
  for (uint32_t plugin = 0; plugin < state.plugins.size(); ++plugin) {
    spawn_workers(self, plugin);
  }
  return {
      [self](scan_atom, TransactionPtr& transaction) {
        return answer_scan(self, std::move(transaction), live_plugins(self->state));
      },
      [self](scan_atom, std::vector<TransactionPtr>& transactions) {
        return answer_scans(self, std::move(transactions), live_plugins(self->state));
      },
      [self](scan_atom, const std::string& plugin_id,
             TransactionPtr& transaction) -> caf::result<ScanReport> {
        const auto plugin = find_plugin(self->state, plugin_id);
        if (!plugin) {
          ScanReport report;
          report.transaction_id = transaction ? transaction->id : std::string{};
          report.failures.push_back(
              PluginFailure{plugin_id, unknown_plugin(self->state, plugin_id)});
          return report;
        }
        return answer_scan(self, std::move(transaction), {*plugin});
      },
      [self](scan_atom, const std::string& plugin_id, std::vector<TransactionPtr>& transactions) {
        return answer_plugin_scans(self, plugin_id, std::move(transactions));
      },
      [self](stats_atom) {
        std::vector<PluginStats> result;
        for (const auto plugin : live_plugins(self->state)) {
          result.push_back(stats_of(self, plugin));
        }
        return result;
      },
      [self](stats_atom, const std::string& plugin_id) -> caf::result<PluginStats> {
        const auto plugin = find_plugin(self->state, plugin_id);
        if (!plugin) {
          return unknown_plugin_error(self->state, plugin_id);
        }
        return stats_of(self, *plugin);
      },
      [self](quarantine_atom, const std::string& plugin_id) {
        const auto plugin = find_plugin(self->state, plugin_id);
        if (!plugin) {
          return false;
        }
        quarantine_plugin(self, *plugin, "host", "quarantined by the host");
        return true;
      },
      [self](enable_atom, const std::string& plugin_id) {
        const auto plugin = find_plugin(self->state, plugin_id);
        if (!plugin || self->state.shutting_down) {
          return false;
        }
        enable_plugin(self, *plugin);
        dispatch(self, *plugin);
        return true;
      },
      [self](plugin_atom, const std::string& plugin_id) -> caf::result<plugin_actor> {
        const auto plugin = find_plugin(self->state, plugin_id);
        if (!plugin) {
          return unknown_plugin_error(self->state, plugin_id);
        }
        if (self->state.shutting_down) {
          return caf::make_error(ErrorCode::shutting_down, "Warden is shutting down");
        }
        return plugin_handle_of(self, *plugin);
      },
      [self](subscribe_atom, const event_listener_actor& listener) {
        return listener && self->state.events.subscribe(listener);
      },
      [self](unsubscribe_atom, const event_listener_actor& listener) {
        return self->state.events.unsubscribe(listener);
      },
      [self](shutdown_atom) -> caf::result<bool> {
        self->state.shutting_down = true;
        auto promise = self->make_response_promise<bool>();
        self->state.shutdown_promises.push_back(promise);
        check_shutdown(self);
        return promise;
      },
      [self](budget_atom) { return self->state.budget.stats(budget_use(self->state)); },
      [self](describe_atom) {
        NodeInfo info;
        for (const auto plugin : live_plugins(self->state)) {
          info.plugins.push_back(self->state.plugins[plugin].spec.info);
          info.revisions.push_back(
              PluginRevision{self->state.plugin_ids[plugin], stats_of(self, plugin).revision});
        }
        info.load_errors = self->state.load_errors;
        return info;
      },
      // -- internal: each from its one sender (actors/sender_check.hpp) --
      [self](workers_atom) -> caf::result<std::vector<plugin_worker_actor>> {
        if (!self->state.config.expose_workers_for_tests) {
          log_refused(self, "workers");
          return caf::make_error(caf::sec::unexpected_message);
        }
        std::vector<plugin_worker_actor> result;
        for (const auto& entry : self->state.plugins) {
          const auto serving = entry.pool.serving_workers();
          result.insert(result.end(), serving.begin(), serving.end());
        }
        return result;
      },
      [self](pool_tick_atom) {
        if (from_itself(self, "pool_tick")) {
          on_pool_tick(self);
        }
      },
      [self](ready_atom, const WorkerReady& ready) {
        if (from_own_worker(self, ready.plugin, ready.slot, "ready")) {
          on_ready(self, ready);
        }
      },
      [self](batch_done_atom, BatchDone& done) {
        if (from_own_worker(self, done.plugin, done.slot, "batch_done")) {
          on_batch_done(self, done);
        }
      },
      [self](deadline_atom, uint32_t plugin, uint32_t slot, uint64_t generation,
             uint64_t batch_id) {
        if (!from_itself(self, "deadline")) {
          return;
        }
        if (self->state.config.isolation == Isolation::process &&
            kill_child_if_overdue(self, plugin, slot, generation, batch_id)) {
          return;  // its worker answers and goes down by itself
        }
        if (abandon_if_overdue(self, plugin, slot, generation, batch_id)) {
          // Its batch held the worker past the scan's limit and the margin.
          const auto& limits = self->state.config.limits;
          replace_worker(self, plugin, slot, caf::make_error(errc::timeout), "abandoned",
                         Clock::now(), limits.scan_timeout + kDeadlineMargin);
          drain_retiring(self, plugin);
        }
      },
      [self](respawn_atom, uint32_t plugin, uint32_t slot, uint64_t token) {
        if (!from_itself(self, "respawn") || !names_slot(self->state, plugin, slot) ||
            !self->state.plugins[plugin].pool.backoff_due(slot, token)) {
          return;  // refused, or quarantined, re-enabled or shut down meanwhile
        }
        // The slot keeps its replacing_since: the recycle latency counts from
        // the predecessor's down message, backoff included.
        spawn_worker(self, plugin, slot);
      },
      // plugin lifecycle
      [self](add_atom, PluginSpec& spec) { return add_plugin(self, std::move(spec)); },
      [self](remove_atom, const std::string& id) { return remove_plugin(self, id); },
      [self](reload_atom, const std::string& id, PluginSpec& spec) {
        return reload_plugin(self, id, std::move(spec));
      },
      [self](recycle_atom, const std::string& id) { return recycle_plugin(self, id); },
  };
}

}  // namespace

std::size_t default_workers_per_plugin(std::size_t plugin_count, unsigned hardware_threads,
                                       uint64_t recycle_after_scans) {
  if (hardware_threads == 0) {
    return 2;
  }
  const std::size_t plugins = std::max<std::size_t>(plugin_count, 1);
  const std::size_t floor =
      recycle_after_scans != 0 && recycle_after_scans < kFrequentRecycle ? 2 : 1;
  return std::max<std::size_t>(floor, (hardware_threads + plugins - 1) / plugins);
}

supervisor_actor spawn_supervisor(caf::actor_system& system, std::vector<SupervisedPlugin> plugins,
                                  WardenConfig config,
                                  std::shared_ptr<runtime::ProcessLauncher> launcher,
                                  std::vector<Error> load_errors) {
  return system.spawn<caf::detached>(supervisor, std::move(plugins), std::move(config),
                                     std::move(launcher), std::move(load_errors));
}

}  // namespace warden::actors
