// Internal messages accepted only from their expected sender; the rest refused and logged.
#include "actors/sender_check.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>
#include <string>

#include "warden/logger.hpp"

namespace warden::actors::detail {

bool from_own_worker(Self self, uint32_t plugin, uint32_t slot, std::string_view what) {
  const auto sender = caf::actor_cast<caf::actor_addr>(self->current_sender());
  auto& state = self->state;
  if (sender && names_slot(state, plugin, slot)) {
    const auto& held = state.plugins[plugin].pool.slot(slot);
    if (held.status != SlotStatus::empty && held.status != SlotStatus::backoff &&
        held.worker.address() == sender) {
      return true;
    }
  }
  const auto& abandoned = state.abandoned;
  if (sender && std::any_of(abandoned.begin(), abandoned.end(),
                            [&](const auto& entry) { return entry.first == sender; })) {
    return false;  // answered and replaced when it was abandoned
  }
  log_refused(self, what);
  return false;
}

bool from_itself(Self self, std::string_view what) {
  if (self->current_sender() && self->current_sender().get() == self->ctrl()) {
    return true;
  }
  log_refused(self, what);
  return false;
}

void log_refused(Self self, std::string_view what) {
  auto& kinds = self->state.refused_kinds;
  const bool first = std::find(kinds.begin(), kinds.end(), what) == kinds.end();
  if (first) {
    kinds.emplace_back(what);
  }
  const auto sender = self->current_sender();
  logger()->log(first ? spdlog::level::warn : spdlog::level::debug,
                "supervisor: refused an internal message ({}) from {}: only Warden's own "
                "actors may send it; nothing changed",
                what, sender ? "actor " + std::to_string(sender->id()) : std::string{"no actor"});
}

}  // namespace warden::actors::detail
