#pragma once
// The supervisor's check that an internal message comes from the one actor
// allowed to send it: a worker's ready and batch_done from that worker (the
// one now in the slot the message names), the timers' respawn, deadline and
// pool_tick from the supervisor itself. A host holding the supervisor's handle
// can still cast it to caf::actor and send anything; what fails the check
// changes nothing and is logged. Private to the supervisor; runs on its thread.

#include <cstdint>
#include <string_view>

#include "actors/supervisor_state.hpp"

namespace warden::actors::detail {

// Whether the message being handled comes from the worker now in `slot` of
// `plugin`. A late message from a worker abandoned past its deadline is
// dropped quietly (it was answered and replaced when abandoned); any other
// sender is refused and logged. `what` names the message in the log.
bool from_own_worker(Self self, uint32_t plugin, uint32_t slot, std::string_view what);

// Whether the message being handled was sent by the supervisor to itself
// (a delayed_send of its own); else refused and logged.
bool from_itself(Self self, std::string_view what);

// Logs a refused internal message: the first of its kind at warn, the rest at debug.
void log_refused(Self self, std::string_view what);

}  // namespace warden::actors::detail
