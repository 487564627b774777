// The supervisor's batch deadlines and the abandonment of a worker past one.
#include "actors/batch_deadline.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <spdlog/spdlog.h>
#include <string>

#include "warden/logger.hpp"

namespace warden::actors {
namespace {

// Process-wide: every actor system joins its detached actors when destroyed.
std::atomic<std::size_t> abandoned_running{0};

}  // namespace

std::size_t abandoned_threads_running() {
  return abandoned_running.load();
}

namespace detail {

void arm_deadline(Self self, uint32_t plugin, uint32_t slot, uint64_t batch_id) {
  auto& pool = self->state.plugins[plugin].pool;
  const auto held = static_cast<int64_t>(pool.held_jobs(slot));
  auto per_job = self->state.config.limits.scan_timeout;
  if (self->state.config.isolation == Isolation::process) {
    per_job += kProcessScanMargin;
  }
  const auto deadline = per_job * held + kDeadlineMargin;
  self->delayed_send(self, deadline, deadline_atom::value, plugin, slot, pool.slot(slot).generation,
                     batch_id);
}

bool kill_child_if_overdue(Self self, uint32_t plugin, uint32_t slot, uint64_t generation,
                           uint64_t batch_id) {
  auto& state = self->state;
  if (!names_slot(state, plugin, slot) ||
      !state.plugins[plugin].pool.holds_batch(slot, generation, batch_id)) {
    return true;  // answered, or its worker went down meanwhile
  }
  const auto child = child_switch(self, state.plugins[plugin].pool.slot(slot).worker.address());
  if (!child || !child->kill()) {
    return false;  // killing its child did not free it: abandon it
  }
  logger()->error("plugin {} worker {}: no answer within its batch deadline; its process is killed",
                  state.plugins[plugin].spec.info.id, slot);
  self->delayed_send(self, kDeadlineMargin, deadline_atom::value, plugin, slot, generation,
                     batch_id);
  return true;
}

bool abandon_if_overdue(Self self, uint32_t plugin, uint32_t slot, uint64_t generation,
                        uint64_t batch_id) {
  auto& state = self->state;
  if (!names_slot(state, plugin, slot) ||
      !state.plugins[plugin].pool.holds_batch(slot, generation, batch_id)) {
    return false;  // answered, or its worker went down meanwhile
  }
  auto& entry = state.plugins[plugin];
  const auto worker = entry.pool.slot(slot).worker;
  // If it ever returns, it stops instead of scanning what it still holds.
  self->send_exit(worker, caf::exit_reason::kill);
  state.abandoned.emplace_back(worker.address(), plugin);
  ++entry.abandoned_running;
  ++entry.counters->abandoned;
  ++abandoned_running;
  const auto& id = entry.spec.info.id;
  logger()->error(
      "plugin {} worker {} abandoned: no answer within its batch deadline, stuck in "
      "code that ignores the time limit ({} abandoned threads running)",
      id, slot, entry.abandoned_running);
  emit(self, WorkerEvent::Kind::down, plugin, slot, generation, "abandoned");
  // The slot is free at once: the abandoned worker leaves it, so its
  // replacement need not wait for a down message that may never come.
  const auto work = entry.pool.vacate(slot);
  for (const auto job_id : work.lost) {
    fail_job(self, job_id, ErrorCode::timeout,
             "plugin " + id + " did not answer within its deadline (scan time limit " +
                 std::to_string(state.config.limits.scan_timeout.count()) +
                 " ms per transaction); its worker was abandoned");
  }
  requeue_front(self, plugin, work.never_started);
  const auto total = budget_use(state).abandoned;
  if (entry.abandoned_running >= state.config.max_abandoned_threads ||
      !state.budget.allows_abandonment(total)) {
    entry.counters->count_restart("abandoned");
    quarantine_plugin(self, plugin, "abandoned_threads",
                      std::to_string(entry.abandoned_running) +
                          " abandoned threads still running (limit " +
                          std::to_string(state.config.max_abandoned_threads) + "; " +
                          std::to_string(total) + " across plugins, limit " +
                          std::to_string(state.config.max_abandoned_threads_total) + ")");
    check_shutdown(self);
    return false;
  }
  return true;
}

bool forget_abandoned(Self self, const caf::actor_addr& worker) {
  auto& abandoned = self->state.abandoned;
  const auto it = std::find_if(abandoned.begin(), abandoned.end(),
                               [&](const auto& entry) { return entry.first == worker; });
  if (it == abandoned.end()) {
    return false;
  }
  auto& entry = self->state.plugins[it->second];
  --entry.abandoned_running;
  --abandoned_running;
  logger()->info("plugin {}: an abandoned worker returned", entry.spec.info.id);
  abandoned.erase(it);
  return true;
}

}  // namespace detail
}  // namespace warden::actors
