#include "actors/supervisor.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <spdlog/spdlog.h>
#include <thread>
#include <unordered_map>
#include <utility>

#include "actors/job_table.hpp"
#include "actors/latency_histogram.hpp"
#include "actors/plugin_worker.hpp"
#include "actors/restart_policy.hpp"

namespace warden::actors {
namespace {

using Clock = std::chrono::steady_clock;

// A scan that killed its worker twice is answered with its error: a poison
// input must not loop.
constexpr uint8_t kMaxFatalAttempts = 2;
// A job whose worker died without answering (killed, crashed) is queued again
// after its first and second such loss and answered worker_lost at the third.
constexpr uint8_t kMaxLosses = 3;

// Batches a worker may hold unanswered. With two, the next batch already
// waits in its mailbox when it answers one: it goes on scanning instead of
// sleeping until the supervisor has read its answer and sent more (a thread
// wake-up and a switch between isolates per batch, ~1/3 of the scans' CPU on
// 2 cores with 16 plugins).
constexpr std::size_t kBatchesInFlight = 2;

enum class SlotStatus : uint8_t { empty, starting, ready, stopping, backoff };

// One place in a plugin's pool; holds at most one worker at a time.
struct Slot {
  SlotStatus status = SlotStatus::empty;
  plugin_worker_actor worker;
  caf::actor_addr address;
  uint64_t generation = 0;
  uint64_t backoff_token = 0;
  // Batches sent and not answered yet, in send order (the worker's order).
  struct SentBatch {
    uint64_t id = 0;
    std::vector<uint64_t> jobs;  // in batch order
  };
  std::deque<SentBatch> in_flight;
  uint64_t executions = 0;
  uint64_t heap_used_bytes = 0;
  std::optional<Clock::time_point> replacing_since;  // predecessor's down message
  // WardenConfig::warm_spare: this slot's worker loads but does not serve; it
  // is promoted (its `ready` reported) when a serving worker's planned
  // recycle goes down, and that worker's slot becomes the spare's place.
  bool spare = false;
  std::optional<WorkerReady> parked;  // a loaded spare's ready message
};

struct Outcome {
  std::vector<Finding> findings;
  std::optional<Error> error;
};

struct Entry {
  TransactionPtr transaction;
  std::vector<std::optional<Outcome>> outcomes;  // by plugin; nullopt: not asked or pending
  std::size_t remaining = 0;
};

// One host request: one transaction, or a batch of them from scan_stream.
struct Group {
  std::optional<caf::typed_response_promise<ScanReport>> single;
  std::optional<caf::typed_response_promise<std::vector<ScanReport>>> many;
  std::vector<Entry> entries;
  std::size_t remaining = 0;
  bool sealed = false;  // all jobs created; may be delivered
};

struct PluginRuntime {
  PluginRuntime(SupervisedPlugin spec, const WardenConfig& config)
      : spec(std::move(spec)),
        policy(config.max_failure_restarts, config.failure_window, config.restart_backoff) {}

  SupervisedPlugin spec;
  std::deque<uint64_t> queue;
  std::vector<Slot> slots;
  RestartPolicy policy;
  bool quarantined = false;
  uint64_t next_generation = 0;
  // statistics
  uint64_t scans = 0;
  uint64_t findings = 0;
  uint64_t retries = 0;
  std::map<std::string, uint64_t> errors_by_kind;
  std::map<std::string, uint64_t> restarts_by_reason;
  LatencyHistogram latency;
  LatencyHistogram recycle_latency;
};

struct SupervisorState {
  WardenConfig config;
  std::vector<PluginRuntime> plugins;
  JobTable jobs;
  std::unordered_map<uint64_t, Group> groups;
  uint64_t next_group = 1;
  uint64_t next_batch = 1;
  uint64_t next_backoff_token = 1;
  bool shutting_down = false;
  std::vector<caf::typed_response_promise<bool>> shutdown_promises;
  static inline const char* name = "warden.supervisor";
};

using Self = supervisor_actor::stateful_pointer<SupervisorState>;

// The slot a worker message names, or null when the indices are stale
// (messages carry plugin and slot indices, never pointers).
Slot* find_slot(SupervisorState& st, uint32_t plugin, uint32_t slot) {
  if (plugin >= st.plugins.size() || slot >= st.plugins[plugin].slots.size()) {
    return nullptr;
  }
  return &st.plugins[plugin].slots[slot];
}

Error make_plain_error(ErrorCode code, std::string message) {
  Error error;
  error.code = code;
  error.message = std::move(message);
  return error;
}

void emit(Self self, WorkerEvent::Kind kind, uint32_t plugin, uint32_t slot, uint64_t generation,
          std::string reason = {}, const WorkerReady* ready = nullptr) {
  const auto& hook = self->state.config.on_worker_event;
  if (!hook) {
    return;
  }
  WorkerEvent event;
  event.kind = kind;
  event.plugin_id = self->state.plugins[plugin].spec.info.id;
  event.slot = slot;
  event.generation = generation;
  event.reason = std::move(reason);
  event.at = Clock::now();
  if (ready) {
    event.thread = ready->thread;
    event.os_thread_id = ready->os_thread_id;
  }
  hook(event);
}

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

ScanReport build_report(Self self, Entry& entry) {
  ScanReport report;
  report.transaction_id = entry.transaction ? entry.transaction->id : std::string{};
  for (std::size_t p = 0; p < entry.outcomes.size(); ++p) {
    auto& outcome = entry.outcomes[p];
    if (!outcome) {
      continue;
    }
    for (auto& finding : outcome->findings) {
      report.findings.push_back(std::move(finding));
    }
    if (outcome->error) {
      report.failures.push_back(
          PluginFailure{self->state.plugins[p].spec.info.id, std::move(*outcome->error)});
    }
  }
  return report;
}

void check_shutdown(Self self);

void deliver_group(Self self, uint64_t group_id) {
  auto it = self->state.groups.find(group_id);
  if (it == self->state.groups.end()) {
    return;
  }
  auto group = std::move(it->second);
  self->state.groups.erase(it);
  if (group.single) {
    group.single->deliver(build_report(self, group.entries.front()));
  } else if (group.many) {
    std::vector<ScanReport> reports;
    reports.reserve(group.entries.size());
    for (auto& entry : group.entries) {
      reports.push_back(build_report(self, entry));
    }
    group.many->deliver(std::move(reports));
  }
}

// Records the final answer of one (transaction, plugin) pair.
void settle(Self self, uint64_t group_id, uint32_t index, uint32_t plugin, Outcome outcome) {
  auto& rt = self->state.plugins[plugin];
  if (outcome.error) {
    ++rt.errors_by_kind[std::string{to_string(outcome.error->code)}];
  }
  auto it = self->state.groups.find(group_id);
  if (it == self->state.groups.end()) {
    return;
  }
  auto& group = it->second;
  auto& entry = group.entries[index];
  entry.outcomes[plugin] = std::move(outcome);
  if (--entry.remaining == 0 && --group.remaining == 0 && group.sealed) {
    deliver_group(self, group_id);
    check_shutdown(self);
  }
}

// Settles a job answered by a worker at `answered` (or given up on, without
// a time) and forgets it.
void finish_job(Self self, uint64_t job_id, Outcome outcome,
                std::optional<Clock::time_point> answered) {
  if (self->state.jobs.find(job_id) == nullptr) {
    return;
  }
  const Job job = self->state.jobs.take(job_id);
  auto& rt = self->state.plugins[job.plugin];
  if (answered) {
    ++rt.scans;
    rt.findings += outcome.findings.size();
    rt.latency.record(*answered - job.enqueued);
  }
  settle(self, job.group, job.index, job.plugin, std::move(outcome));
}

void fail_job(Self self, uint64_t job_id, ErrorCode code, std::string message) {
  Outcome outcome;
  outcome.error = make_plain_error(code, std::move(message));
  finish_job(self, job_id, std::move(outcome), std::nullopt);
}

// Queues one (transaction, plugin) pair of `group`, or answers it at once
// when the plugin cannot take it (the group is not sealed yet: no delivery).
void enqueue(Self self, uint64_t group_id, Group& group, uint32_t index, uint32_t plugin,
             Clock::time_point now) {
  auto& st = self->state;
  auto& rt = st.plugins[plugin];
  auto refuse = [&](ErrorCode code, std::string message) {
    Outcome outcome;
    outcome.error = make_plain_error(code, std::move(message));
    settle(self, group_id, index, plugin, std::move(outcome));
  };
  if (st.shutting_down) {
    return refuse(ErrorCode::shutting_down, "Warden is shutting down");
  }
  if (rt.quarantined) {
    return refuse(ErrorCode::quarantined,
                  "plugin " + rt.spec.info.id + " is quarantined after too many failures");
  }
  if (rt.queue.size() >= st.config.queue_capacity) {
    return refuse(ErrorCode::overloaded, "plugin " + rt.spec.info.id + " has " +
                                             std::to_string(rt.queue.size()) + " requests waiting");
  }
  rt.queue.push_back(
      st.jobs.add(Job{group_id, index, plugin, group.entries[index].transaction, now, 0, 0}));
}

void spawn_worker(Self self, uint32_t plugin, uint32_t slot_index) {
  auto& st = self->state;
  auto& rt = st.plugins[plugin];
  auto& slot = rt.slots[slot_index];
  WorkerSetup setup;
  setup.plugin = plugin;
  setup.slot = slot_index;
  setup.generation = ++rt.next_generation;
  setup.plugin_id = rt.spec.info.id;
  setup.source = rt.spec.source;
  setup.options.limits = st.config.limits;
  setup.options.console = st.config.console ? st.config.console : spdlog_console();
  setup.options.config_json = rt.spec.config_json;
  setup.supervisor = self;
  setup.on_event = st.config.on_worker_event;
  auto worker = self->system().spawn<caf::detached>(plugin_worker, std::move(setup));
  self->monitor(worker);
  slot.status = SlotStatus::starting;
  slot.address = worker.address();
  slot.worker = std::move(worker);
  slot.generation = rt.next_generation;
  slot.in_flight.clear();
  slot.executions = 0;
  slot.heap_used_bytes = 0;
  slot.parked.reset();
  emit(self, WorkerEvent::Kind::spawned, plugin, slot_index, slot.generation);
}

std::optional<errc> retire_reason(Self self, const Slot& slot) {
  const auto& config = self->state.config;
  if (config.recycle_after_scans > 0 && slot.executions >= config.recycle_after_scans) {
    return errc::recycle_threshold;
  }
  auto soft = config.heap_soft_limit_bytes;
  if (soft == 0) {
    soft = config.limits.heap_limit_bytes / 4 * 3;
  }
  if (soft > 0 && slot.heap_used_bytes > soft) {
    return errc::heap_soft_limit;
  }
  return std::nullopt;
}

// Retires an idle worker that reached its threshold, but only while a sibling
// serves (or it has none): a planned recycle never leaves the plugin without
// a serving worker. With a warm spare, it also waits while the spare is still
// loading, so that the spare takes over the moment the down message arrives.
bool maybe_retire(Self self, uint32_t plugin, uint32_t slot_index) {
  auto& rt = self->state.plugins[plugin];
  auto& slot = rt.slots[slot_index];
  if (slot.status != SlotStatus::ready || !slot.in_flight.empty() || slot.spare) {
    return false;
  }
  const auto reason = retire_reason(self, slot);
  if (!reason) {
    return false;
  }
  if (self->state.config.warm_spare) {
    for (const auto& other : rt.slots) {
      if (other.spare && other.status == SlotStatus::starting) {
        return false;  // keeps serving until the loading spare can take over at once
      }
    }
  }
  const auto serving_slots = std::count_if(rt.slots.begin(), rt.slots.end(),
                                           [](const Slot& other) { return !other.spare; });
  bool sibling_serving = serving_slots == 1;
  for (std::size_t s = 0; s < rt.slots.size(); ++s) {
    if (s != slot_index && !rt.slots[s].spare && rt.slots[s].status == SlotStatus::ready) {
      sibling_serving = true;
    }
  }
  if (!sibling_serving) {
    return false;
  }
  self->send_exit(slot.worker, caf::make_error(*reason));
  slot.status = SlotStatus::stopping;
  return true;
}

void dispatch(Self self, uint32_t plugin) {
  auto& st = self->state;
  auto& rt = st.plugins[plugin];
  if (rt.quarantined) {
    return;
  }
  // Workers without a batch first, then those that may take one more.
  std::vector<uint32_t> idle;
  for (std::size_t held = 0; held < kBatchesInFlight; ++held) {
    for (uint32_t s = 0; s < rt.slots.size(); ++s) {
      auto& slot = rt.slots[s];
      if (slot.status == SlotStatus::ready && !slot.spare && slot.in_flight.size() == held &&
          (held > 0 || !maybe_retire(self, plugin, s))) {
        idle.push_back(s);
      }
    }
  }
  const auto budget = st.config.recycle_after_scans;
  for (std::size_t i = 0; i < idle.size() && !rt.queue.empty(); ++i) {
    auto& slot = rt.slots[idle[i]];
    const std::size_t share = (rt.queue.size() + (idle.size() - i) - 1) / (idle.size() - i);
    std::size_t count = std::clamp<std::size_t>(share, 1, st.config.max_batch);
    // Never past the recycle threshold within a batch, nor with the batches
    // it still holds. A worker at its threshold that may not retire yet (no
    // sibling serves: maybe_retire) goes on serving past it rather than leave
    // the plugin without a worker; it retires once a sibling serves.
    uint64_t held_jobs = 0;
    for (const auto& sent : slot.in_flight) {
      held_jobs += sent.jobs.size();
    }
    if (budget > 0 && slot.executions + held_jobs < budget) {
      count = std::min<std::size_t>(count, budget - slot.executions - held_jobs);
    } else if (budget > 0 && held_jobs > 0) {
      continue;  // retires once it answered what it holds
    }
    std::vector<ScanJob> batch;
    batch.reserve(count);
    std::vector<uint64_t> job_ids;
    job_ids.reserve(count);
    while (batch.size() < count && !rt.queue.empty()) {
      const uint64_t job_id = rt.queue.front();
      rt.queue.pop_front();
      const Job* job = st.jobs.find(job_id);
      if (job == nullptr) {
        continue;
      }
      batch.push_back(ScanJob{job_id, job->transaction});
      job_ids.push_back(job_id);
    }
    if (batch.empty()) {
      break;
    }
    const uint64_t batch_id = st.next_batch++;
    slot.in_flight.push_back(Slot::SentBatch{batch_id, std::move(job_ids)});
    self->send(slot.worker, batch_atom::value, batch_id, std::move(batch));
  }
}

// Puts jobs back at the front of their plugin's queue, keeping their order.
void requeue_front(Self self, uint32_t plugin, const std::vector<uint64_t>& job_ids) {
  auto& rt = self->state.plugins[plugin];
  for (auto it = job_ids.rbegin(); it != job_ids.rend(); ++it) {
    if (rt.quarantined) {
      fail_job(self, *it, ErrorCode::quarantined,
               "plugin " + rt.spec.info.id + " is quarantined after too many failures");
    } else {
      rt.queue.push_front(*it);
    }
  }
}

void quarantine_plugin(Self self, uint32_t plugin, const std::string& why) {
  auto& rt = self->state.plugins[plugin];
  if (rt.quarantined) {
    return;
  }
  rt.quarantined = true;
  spdlog::error("plugin {} quarantined: {}", rt.spec.info.id, why);
  auto waiting = std::move(rt.queue);
  rt.queue.clear();
  for (const auto job_id : waiting) {
    fail_job(self, job_id, ErrorCode::quarantined,
             "plugin " + rt.spec.info.id + " is quarantined: " + why);
  }
  for (auto& slot : rt.slots) {
    if (slot.status == SlotStatus::starting || slot.status == SlotStatus::ready) {
      self->send_exit(slot.worker, caf::make_error(errc::shutdown));
      slot.status = SlotStatus::stopping;
    } else if (slot.status == SlotStatus::backoff) {
      slot.status = SlotStatus::empty;
    }
  }
}

void enable_plugin(Self self, uint32_t plugin) {
  auto& rt = self->state.plugins[plugin];
  if (!rt.quarantined) {
    return;
  }
  rt.quarantined = false;
  rt.policy.reset();
  spdlog::info("plugin {} re-enabled", rt.spec.info.id);
  for (uint32_t s = 0; s < rt.slots.size(); ++s) {
    if (rt.slots[s].status == SlotStatus::empty) {
      spawn_worker(self, plugin, s);
    }
  }
}

// After every answered request and every down message: once shutting down
// and nothing is pending, stop the workers; once they are all down, answer
// the shutdown requests and quit.
void check_shutdown(Self self) {
  auto& st = self->state;
  if (!st.shutting_down || !st.groups.empty()) {
    return;
  }
  bool all_down = true;
  for (auto& rt : st.plugins) {
    for (auto& slot : rt.slots) {
      if (slot.status == SlotStatus::starting || slot.status == SlotStatus::ready) {
        self->send_exit(slot.worker, caf::make_error(errc::shutdown));
        slot.status = SlotStatus::stopping;
      } else if (slot.status == SlotStatus::backoff) {
        slot.status = SlotStatus::empty;
      }
      if (slot.status != SlotStatus::empty) {
        all_down = false;
      }
    }
  }
  if (all_down) {
    for (auto& promise : st.shutdown_promises) {
      promise.deliver(true);
    }
    st.shutdown_promises.clear();
    self->quit();
  }
}

void on_batch_done(Self self, BatchDone& done) {
  auto& st = self->state;
  Slot* found = find_slot(st, done.plugin, done.slot);
  if (found == nullptr) {
    return;
  }
  auto& rt = st.plugins[done.plugin];
  auto& slot = *found;
  if (slot.generation != done.generation || slot.in_flight.empty() ||
      slot.in_flight.front().id != done.batch_id) {
    return;  // cannot happen: a worker answers in order, before its down message
  }
  std::vector<uint64_t> unanswered = std::move(slot.in_flight.front().jobs);
  slot.in_flight.pop_front();
  slot.executions = done.executions;
  slot.heap_used_bytes = done.heap_used_bytes;
  std::vector<uint64_t> again;
  std::size_t answered = 0;
  const auto now = Clock::now();
  for (auto& outcome : done.outcomes) {
    ++answered;
    Job* found_job = st.jobs.find(outcome.job_id);
    if (found_job == nullptr) {
      continue;
    }
    auto& job = *found_job;
    if (outcome.error && outcome.error->code == ErrorCode::engine_unusable) {
      again.push_back(outcome.job_id);  // never really ran: not this input's fault
      continue;
    }
    if (outcome.error && is_fatal_for_engine(outcome.error->code) &&
        ++job.fatal_attempts < kMaxFatalAttempts) {
      ++rt.retries;  // killed its isolate: once more on another one
      again.push_back(outcome.job_id);
      continue;
    }
    finish_job(self, outcome.job_id, Outcome{std::move(outcome.findings), std::move(outcome.error)},
               now);
  }
  // Jobs after a scan that broke the engine were never attempted, nor were
  // the batches it still held: it quits right after this answer.
  for (std::size_t i = answered; i < unanswered.size(); ++i) {
    again.push_back(unanswered[i]);
  }
  if (done.engine_unusable) {
    for (const auto& sent : slot.in_flight) {
      again.insert(again.end(), sent.jobs.begin(), sent.jobs.end());
    }
    slot.in_flight.clear();
  }
  requeue_front(self, done.plugin, again);
  if (done.engine_unusable && slot.status != SlotStatus::empty) {
    slot.status = SlotStatus::stopping;  // it quits by itself; its down message follows
  }
  dispatch(self, done.plugin);
}

void on_ready(Self self, const WorkerReady& ready) {
  auto& st = self->state;
  Slot* found = find_slot(st, ready.plugin, ready.slot);
  if (found == nullptr) {
    return;
  }
  auto& rt = st.plugins[ready.plugin];
  auto& slot = *found;
  if (slot.generation != ready.generation || slot.status != SlotStatus::starting) {
    return;
  }
  slot.status = SlotStatus::ready;
  slot.heap_used_bytes = ready.heap_used_bytes;
  if (slot.spare) {
    slot.parked = ready;  // serves, and says so, once promoted
    slot.replacing_since.reset();
    dispatch(self, ready.plugin);  // a worker waiting for it may retire now
    return;
  }
  emit(self, WorkerEvent::Kind::ready, ready.plugin, ready.slot, ready.generation, {}, &ready);
  if (slot.replacing_since) {
    rt.recycle_latency.record(Clock::now() - *slot.replacing_since);
    slot.replacing_since.reset();
  }
  dispatch(self, ready.plugin);
  // A sibling that waited for a serving worker before retiring may go now.
  for (uint32_t s = 0; s < rt.slots.size(); ++s) {
    if (s != ready.slot) {
      maybe_retire(self, ready.plugin, s);
    }
  }
}

// A planned recycle with WardenConfig::warm_spare, after slot `downed`'s down
// message: the plugin's spare takes over at once (or as soon as it loaded),
// and a new spare is spawned into the slot just vacated. With no spare yet
// (the first recycle, or it failed), the slot gets an ordinary replacement
// and the empty spare place its first spare. Every worker spawned here
// follows the down message of the worker whose place it takes, on a new
// thread (guarantee 2); the spare is the one that takes the place.
void replace_from_spare(Self self, uint32_t plugin, uint32_t downed, Clock::time_point since) {
  auto& rt = self->state.plugins[plugin];
  std::optional<uint32_t> spare;
  for (uint32_t s = 0; s < rt.slots.size(); ++s) {
    if (s != downed && rt.slots[s].spare) {
      spare = s;
    }
  }
  if (!spare) {
    spawn_worker(self, plugin, downed);
    rt.slots[downed].replacing_since = since;
    return;
  }
  auto& next = rt.slots[*spare];
  if (next.status == SlotStatus::starting || next.status == SlotStatus::ready) {
    next.spare = false;
    rt.slots[downed].spare = true;
    if (next.status == SlotStatus::ready && next.parked) {
      const auto ready = *next.parked;
      next.parked.reset();
      next.replacing_since.reset();
      emit(self, WorkerEvent::Kind::ready, plugin, *spare, next.generation, {}, &ready);
      rt.recycle_latency.record(Clock::now() - since);
    } else {
      next.replacing_since = since;  // serves from its ready message on
    }
    spawn_worker(self, plugin, downed);  // the next spare
    return;
  }
  // No spare loading: replace as usual; the empty spare place gets its first.
  spawn_worker(self, plugin, downed);
  rt.slots[downed].replacing_since = since;
  if (next.status == SlotStatus::empty) {
    spawn_worker(self, plugin, *spare);
  }
}

void on_down(Self self, caf::down_msg& down) {
  auto& st = self->state;
  for (uint32_t p = 0; p < st.plugins.size(); ++p) {
    auto& rt = st.plugins[p];
    for (uint32_t s = 0; s < rt.slots.size(); ++s) {
      auto& slot = rt.slots[s];
      if (slot.status == SlotStatus::empty || slot.status == SlotStatus::backoff ||
          slot.address != down.source) {
        continue;
      }
      const auto now = Clock::now();
      const auto name = reason_name(down.reason);
      emit(self, WorkerEvent::Kind::down, p, s, slot.generation, name);
      // What the worker had not answered was lost with it: queue it again.
      // Only its oldest batch was being scanned; the later ones were never
      // started (batches run in order) and do not count as a loss.
      std::vector<uint64_t> lost;
      std::vector<uint64_t> never_started;
      for (auto& sent : slot.in_flight) {
        auto& into = lost.empty() ? lost : never_started;
        into.insert(into.end(), sent.jobs.begin(), sent.jobs.end());
      }
      slot.in_flight.clear();
      slot.worker = nullptr;  // drop the last strong reference: its thread can end
      slot.address = caf::actor_addr{};
      slot.status = SlotStatus::empty;
      std::vector<uint64_t> again;
      for (const auto job_id : lost) {
        Job* job = st.jobs.find(job_id);
        if (job == nullptr) {
          continue;
        }
        if (++job->losses >= kMaxLosses) {
          fail_job(self, job_id, ErrorCode::worker_lost,
                   "the worker of plugin " + rt.spec.info.id + " died " +
                       std::to_string(kMaxLosses) + " times while scanning this transaction");
        } else {
          again.push_back(job_id);
        }
      }
      again.insert(again.end(), never_started.begin(), never_started.end());
      requeue_front(self, p, again);
      const auto reason = exit_reason_of(down.reason);
      const bool clean = reason == errc::shutdown;
      const bool planned = reason == errc::recycle_threshold || reason == errc::heap_soft_limit;
      if (!clean) {
        ++rt.restarts_by_reason[name];
      }
      if (rt.quarantined || (st.shutting_down && st.groups.empty())) {
        check_shutdown(self);
        return;
      }
      if (planned && st.config.warm_spare && !rt.slots[s].spare) {
        replace_from_spare(self, p, s, now);
      } else if (clean || planned) {
        spawn_worker(self, p, s);
        rt.slots[s].replacing_since = now;
      } else {
        const auto verdict = rt.policy.record_failure(now);
        if (verdict.decision == RestartPolicy::Decision::quarantine) {
          quarantine_plugin(self, p,
                            "more than " + std::to_string(st.config.max_failure_restarts) +
                                " failure restarts within " +
                                std::to_string(st.config.failure_window.count()) +
                                " ms (last: " + name + ")");
          check_shutdown(self);
          return;
        }
        spdlog::warn("plugin {} worker {} exited ({}); restarting in {} ms", rt.spec.info.id, s,
                     name, verdict.delay.count());
        auto& slot_again = rt.slots[s];
        slot_again.status = SlotStatus::backoff;
        slot_again.backoff_token = st.next_backoff_token++;
        slot_again.replacing_since = now;
        self->delayed_send(self, verdict.delay, respawn_atom::value, p, s,
                           slot_again.backoff_token);
      }
      dispatch(self, p);
      return;
    }
  }
}

// Opens a request group over `transactions` for the plugins in `targets`.
uint64_t open_group(Self self, std::vector<TransactionPtr> transactions,
                    const std::vector<uint32_t>& targets) {
  auto& st = self->state;
  const uint64_t group_id = st.next_group++;
  auto& group = st.groups[group_id];
  group.entries.resize(transactions.size());
  group.remaining = transactions.size();
  for (std::size_t i = 0; i < transactions.size(); ++i) {
    auto& entry = group.entries[i];
    entry.transaction = std::move(transactions[i]);
    entry.outcomes.resize(st.plugins.size());
    entry.remaining = targets.size();
  }
  const auto now = Clock::now();
  for (std::size_t i = 0; i < group.entries.size(); ++i) {
    for (const auto plugin : targets) {
      if (!group.entries[i].transaction) {
        Outcome outcome;
        outcome.error = make_plain_error(ErrorCode::malformed_input, "null transaction");
        settle(self, group_id, static_cast<uint32_t>(i), plugin, std::move(outcome));
      } else {
        enqueue(self, group_id, group, static_cast<uint32_t>(i), plugin, now);
      }
    }
  }
  for (const auto plugin : targets) {
    dispatch(self, plugin);
  }
  return group_id;
}

std::vector<uint32_t> all_plugins(Self self) {
  std::vector<uint32_t> targets(self->state.plugins.size());
  for (uint32_t p = 0; p < targets.size(); ++p) {
    targets[p] = p;
  }
  return targets;
}

std::optional<uint32_t> find_plugin(Self self, const std::string& plugin_id) {
  for (uint32_t p = 0; p < self->state.plugins.size(); ++p) {
    if (self->state.plugins[p].spec.info.id == plugin_id) {
      return p;
    }
  }
  return std::nullopt;
}

caf::result<ScanReport> scan_single(Self self, TransactionPtr transaction,
                                    const std::vector<uint32_t>& targets) {
  std::vector<TransactionPtr> one{std::move(transaction)};
  const auto group_id = open_group(self, std::move(one), targets);
  auto& group = self->state.groups[group_id];
  group.sealed = true;
  if (group.remaining == 0) {
    auto report = build_report(self, group.entries.front());
    self->state.groups.erase(group_id);
    return report;
  }
  group.single = self->make_response_promise<ScanReport>();
  return *group.single;
}

PluginStats make_stats(const PluginRuntime& rt) {
  PluginStats stats;
  stats.plugin_id = rt.spec.info.id;
  stats.quarantined = rt.quarantined;
  stats.scans = rt.scans;
  stats.findings = rt.findings;
  stats.errors_by_kind = rt.errors_by_kind;
  stats.restarts_by_reason = rt.restarts_by_reason;
  for (const auto& slot : rt.slots) {
    if (!slot.spare && (slot.status == SlotStatus::starting || slot.status == SlotStatus::ready)) {
      ++stats.workers;
      stats.heap_used_bytes += slot.heap_used_bytes;
    }
  }
  stats.queue_length = rt.queue.size();
  stats.latency_p50_ms = rt.latency.quantile_ms(0.50);
  stats.latency_p99_ms = rt.latency.quantile_ms(0.99);
  stats.retries = rt.retries;
  stats.recycle_latency_p50_ms = rt.recycle_latency.quantile_ms(0.50);
  stats.recycle_latency_p99_ms = rt.recycle_latency.quantile_ms(0.99);
  return stats;
}

supervisor_actor::behavior_type supervisor(Self self, std::vector<SupervisedPlugin> plugins,
                                           WardenConfig config) {
  auto& st = self->state;
  if (config.workers_per_plugin == 0) {
    config.workers_per_plugin = default_workers_per_plugin(
        plugins.size(), std::thread::hardware_concurrency(), config.recycle_after_scans);
  }
  if (config.max_batch == 0) {
    config.max_batch = 1;
  }
  st.config = std::move(config);
  st.plugins.reserve(plugins.size());
  for (auto& plugin : plugins) {
    st.plugins.emplace_back(std::move(plugin), st.config);
    auto& slots = st.plugins.back().slots;
    slots.resize(st.config.workers_per_plugin);
    if (st.config.warm_spare) {
      slots.emplace_back().spare = true;  // loads now: the first recycle promotes it too
    }
  }
  self->set_down_handler([self](caf::down_msg& down) { on_down(self, down); });
  for (uint32_t p = 0; p < st.plugins.size(); ++p) {
    for (uint32_t s = 0; s < st.plugins[p].slots.size(); ++s) {
      spawn_worker(self, p, s);
    }
  }
  return {
      [self](scan_atom, TransactionPtr& transaction) -> caf::result<ScanReport> {
        return scan_single(self, std::move(transaction), all_plugins(self));
      },
      [self](scan_atom,
             std::vector<TransactionPtr>& transactions) -> caf::result<std::vector<ScanReport>> {
        const auto count = transactions.size();
        const auto group_id = open_group(self, std::move(transactions), all_plugins(self));
        auto& group = self->state.groups[group_id];
        group.sealed = true;
        if (group.remaining == 0) {
          std::vector<ScanReport> reports;
          reports.reserve(count);
          for (auto& entry : group.entries) {
            reports.push_back(build_report(self, entry));
          }
          self->state.groups.erase(group_id);
          return reports;
        }
        group.many = self->make_response_promise<std::vector<ScanReport>>();
        return *group.many;
      },
      [self](scan_atom, const std::string& plugin_id,
             TransactionPtr& transaction) -> caf::result<ScanReport> {
        const auto plugin = find_plugin(self, plugin_id);
        if (!plugin) {
          ScanReport report;
          report.transaction_id = transaction ? transaction->id : std::string{};
          report.failures.push_back(PluginFailure{
              plugin_id, make_plain_error(ErrorCode::unknown_plugin,
                                          "no plugin with id '" + plugin_id + "' is loaded")});
          return report;
        }
        return scan_single(self, std::move(transaction), {*plugin});
      },
      [self](stats_atom) {
        std::vector<PluginStats> result;
        for (const auto& rt : self->state.plugins) {
          result.push_back(make_stats(rt));
        }
        return result;
      },
      [self](quarantine_atom, const std::string& plugin_id) {
        const auto plugin = find_plugin(self, plugin_id);
        if (!plugin) {
          return false;
        }
        quarantine_plugin(self, *plugin, "quarantined by the host");
        return true;
      },
      [self](enable_atom, const std::string& plugin_id) {
        const auto plugin = find_plugin(self, plugin_id);
        if (!plugin || self->state.shutting_down) {
          return false;
        }
        enable_plugin(self, *plugin);
        dispatch(self, *plugin);
        return true;
      },
      [self](shutdown_atom) -> caf::result<bool> {
        self->state.shutting_down = true;
        auto promise = self->make_response_promise<bool>();
        self->state.shutdown_promises.push_back(promise);
        check_shutdown(self);
        return promise;
      },
      [self](workers_atom) {
        std::vector<plugin_worker_actor> result;
        for (const auto& rt : self->state.plugins) {
          for (const auto& slot : rt.slots) {
            if (slot.status == SlotStatus::ready && !slot.spare) {
              result.push_back(slot.worker);
            }
          }
        }
        return result;
      },
      [self](ready_atom, const WorkerReady& ready) { on_ready(self, ready); },
      [self](batch_done_atom, BatchDone& done) { on_batch_done(self, done); },
      [self](respawn_atom, uint32_t plugin, uint32_t slot_index, uint64_t token) {
        auto& st = self->state;
        Slot* found = find_slot(st, plugin, slot_index);
        if (found == nullptr) {
          return;
        }
        auto& slot = *found;
        if (slot.status != SlotStatus::backoff || slot.backoff_token != token) {
          return;  // quarantined, re-enabled or shut down meanwhile
        }
        const auto since = slot.replacing_since;
        spawn_worker(self, plugin, slot_index);
        st.plugins[plugin].slots[slot_index].replacing_since = since;
      },
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
                                  WardenConfig config) {
  return system.spawn<caf::detached>(supervisor, std::move(plugins), std::move(config));
}

}  // namespace warden::actors
