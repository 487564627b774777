// The supervisor's pool tick: work-conserving growth within the budget, and release of idle
// workers.
#include "actors/pool_growth.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>
#include <thread>
#include <vector>

#include "warden/logger.hpp"

namespace warden::actors::detail {

void resolve_pool_limits(WardenConfig& config, std::size_t plugin_count) {
  const auto cores = std::thread::hardware_concurrency();
  if (config.max_workers_per_plugin == 0) {
    config.max_workers_per_plugin = std::max<std::size_t>(config.workers_per_plugin, cores);
  }
  config.max_workers_per_plugin =
      std::max(config.max_workers_per_plugin, config.workers_per_plugin);
  if (config.max_workers == 0) {
    config.max_workers = default_max_workers(plugin_count, cores);
  }
  if (config.max_heap_total_bytes == 0) {
    config.max_heap_total_bytes = default_max_heap_total_bytes();
  }
  if (config.max_abandoned_threads_total == 0) {
    config.max_abandoned_threads_total = default_max_abandoned_threads_total(cores);
  }
}

void arm_pool_tick(Self self) {
  auto& state = self->state;
  if (state.pool_tick_armed || state.shutting_down) {
    return;
  }
  state.pool_tick_armed = true;
  self->delayed_send(self, kPoolTick, pool_tick_atom::value);
}

namespace {

// Gives back one idle worker of `plugin`, if one holds nothing now.
void release_idle(Self self, uint32_t plugin, Clock::time_point now) {
  auto& entry = self->state.plugins[plugin];
  const auto slot = idle_serving_slot(entry.pool);
  if (!slot) {
    return;
  }
  entry.pool.release(*slot);
  entry.sizer.released(now);
  ++entry.counters->workers_released;
  logger()->debug("plugin {}: idle worker {} given back ({} serving)", entry.spec.info.id, *slot,
                  entry.pool.serving_places());
  stop_worker(self, plugin, *slot, errc::shutdown);
}

}  // namespace

void on_pool_tick(Self self) {
  auto& state = self->state;
  state.pool_tick_armed = false;
  if (state.shutting_down) {
    return;
  }
  const auto now = Clock::now();
  std::vector<uint32_t> asking;
  bool above_start = false;
  for (uint32_t plugin = 0; plugin < state.plugins.size(); ++plugin) {
    auto& entry = state.plugins[plugin];
    if (entry.quarantined || entry.retiring) {  // a retiring version never grows
      continue;
    }
    const auto serving = entry.pool.serving_places();
    const bool busy = busy_pool(entry.pool, entry.queue.size());
    switch (entry.sizer.tick(busy, serving, pool_loading(entry.pool), now)) {
      case PoolSizer::Verdict::grow:
        asking.push_back(plugin);
        break;
      case PoolSizer::Verdict::release:
        release_idle(self, plugin, now);
        break;
      case PoolSizer::Verdict::keep:
        break;
    }
    above_start = above_start || entry.pool.serving_places() > entry.sizer.limits().min_workers;
  }
  std::stable_sort(asking.begin(), asking.end(), [&](uint32_t a, uint32_t b) {
    return state.plugins[a].sizer.busy_ticks() > state.plugins[b].sizer.busy_ticks();
  });
  for (const auto plugin : asking) {
    if (!state.budget.grow(budget_use(state))) {
      continue;  // counted as refused; asks again next tick
    }
    auto& entry = state.plugins[plugin];
    const auto slot = entry.pool.add_slot();
    entry.sizer.grew();
    ++entry.counters->workers_grown;
    logger()->debug("plugin {}: busy, worker {} added", entry.spec.info.id, slot);
    spawn_worker(self, plugin, slot);
    above_start = true;
  }
  if (!state.groups.empty() || above_start) {
    arm_pool_tick(self);
  }
}

}  // namespace warden::actors::detail
