#pragma once
// The supervisor's pool tick: it grows the pools whose workers are all busy
// with more work waiting, within the process-wide budget, and gives idle
// workers back from pools above their starting size. Private to the
// supervisor; runs on its thread alone.

#include <chrono>

#include "actors/supervisor_state.hpp"

namespace warden::actors::detail {

// How often the pools are looked at while there is work or an extra worker.
inline constexpr std::chrono::milliseconds kPoolTick{25};

// Fills the pool and budget limits a host left 0 with the machine's
// defaults (after workers_per_plugin was resolved).
void resolve_pool_limits(WardenConfig& config, std::size_t plugin_count);

// Starts the tick unless it runs.
void arm_pool_tick(Self self);

// One tick: the pools that asked for a worker get one, the longest-busy
// first, while the budget allows (each into a place of its own: a released
// one whose down message came, or a new one, on a new thread); a pool quiet
// long enough gives back an idle worker. Runs again while any request is
// open or any pool is above its starting size.
void on_pool_tick(Self self);

}  // namespace warden::actors::detail
