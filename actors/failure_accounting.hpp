#pragma once
// The supervisor's failure accounting for the restart policy: what a worker's
// load and a failure restart cost, the backoff or quarantine that follows, and
// the heap soft limit given up when a fresh worker is over it already.
// Private to the supervisor; runs on its thread alone.

#include <chrono>
#include <cstdint>
#include <string>

#include <caf/all.hpp>

#include "actors/supervisor_state.hpp"

namespace warden::actors::detail {

// A worker of `plugin` in `slot` loaded, its heap `heap_used_bytes`: ends a
// run of load failures, charges a failure restart's load time, and stops
// recycling for heap when a fresh isolate is over the soft limit already
// (each recycle would free nothing and load the same heap again, forever):
// logged once and reported in the plugin's stats.
void count_load(Self self, uint32_t plugin, uint32_t slot, uint64_t heap_used_bytes);

// A failure restart: the restart policy says after which backoff the slot
// gets its replacement, or quarantines the plugin (then false). `cost` is the
// failure time the restart adds (a failed load's duration); `load_failure`
// says the worker could not load.
bool back_off(Self self, uint32_t plugin, uint32_t slot, const std::string& reason,
              Clock::time_point now, std::chrono::nanoseconds cost, bool load_failure);

// The load error a worker exited with (errc::load_failed carries it), made
// safe for a log line; empty when there is none.
std::string load_error_of(const caf::error& exit_reason);

}  // namespace warden::actors::detail
