// The supervisor's failure accounting: load and failure-restart costs, backoff or quarantine,
// and the heap soft limit given up for a plugin whose fresh workers are over it.
#include "actors/failure_accounting.hpp"

#include <spdlog/spdlog.h>

#include "runtime/inert_text.hpp"
#include "warden/logger.hpp"

namespace warden::actors::detail {

void count_load(Self self, uint32_t plugin, uint32_t slot, uint64_t heap_used_bytes) {
  auto& entry = self->state.plugins[plugin];
  entry.policy.loaded();
  auto& spawned = entry.spawned_in(slot);
  if (spawned.after_failure) {
    entry.policy.charge(Clock::now() - spawned.at);
    spawned.after_failure = false;
  }
  const auto soft_limit = entry.pool.limits().heap_soft_limit_bytes;
  if (soft_limit != 0 && heap_used_bytes > soft_limit && !entry.heap_recycling_stopped) {
    entry.heap_recycling_stopped = true;
    entry.pool.stop_heap_recycling();
    logger()->warn(
        "plugin {}: a freshly loaded worker already uses {} MB of heap, over the soft limit of "
        "{} MB; recycling frees nothing, so its workers are no longer recycled for heap (the "
        "heap limit still applies)",
        entry.spec.info.id, heap_used_bytes >> 20, soft_limit >> 20);
  }
}

bool back_off(Self self, uint32_t plugin, uint32_t slot, const std::string& reason,
              Clock::time_point now, std::chrono::nanoseconds cost, bool load_failure) {
  auto& state = self->state;
  auto& entry = state.plugins[plugin];
  const auto verdict = entry.policy.record_failure(now, cost, load_failure);
  if (verdict.decision == RestartPolicy::Decision::quarantine) {
    quarantine_plugin(self, plugin, verdict.bound, verdict.why + " (last: " + reason + ")");
    return false;
  }
  logger()->warn("plugin {} worker {} exited ({}); restarting in {} ms", entry.spec.info.id, slot,
                 reason, verdict.delay.count());
  const auto token = entry.pool.back_off(slot, now);
  self->delayed_send(self, verdict.delay, respawn_atom::value, plugin, slot, token);
  return true;
}

std::string load_error_of(const caf::error& exit_reason) {
  if (exit_reason_of(exit_reason) != errc::load_failed) {
    return {};
  }
  const auto& context = exit_reason.context();
  if (context.size() == 0 || !context.match_element<std::string>(context.size() - 1)) {
    return {};
  }
  return printable(context.get_as<std::string>(context.size() - 1));
}

}  // namespace warden::actors::detail
