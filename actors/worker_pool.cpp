// The worker pool's decisions that need no slot: the retire reason and the batch size.
#include "actors/worker_pool.hpp"

namespace warden::actors {

std::optional<RetireReason> retire_reason(const PoolLimits& limits, uint64_t executions,
                                          uint64_t heap_used_bytes) {
  if (limits.recycle_after_scans > 0 && executions >= limits.recycle_after_scans) {
    return RetireReason::recycle_threshold;
  }
  if (limits.heap_soft_limit_bytes > 0 && heap_used_bytes > limits.heap_soft_limit_bytes) {
    return RetireReason::heap_soft_limit;
  }
  return std::nullopt;
}

std::size_t batch_size(const PoolLimits& limits, std::size_t waiting, std::size_t takers,
                       uint64_t executions, uint64_t held_jobs) {
  const std::size_t share = (waiting + takers - 1) / takers;
  std::size_t count = std::clamp<std::size_t>(share, 1, std::max<std::size_t>(limits.max_batch, 1));
  // Never past the recycle threshold within a batch, nor with the batches it
  // still holds.
  const auto budget = limits.recycle_after_scans;
  if (budget > 0 && executions + held_jobs < budget) {
    count = std::min<std::size_t>(count, budget - executions - held_jobs);
  } else if (budget > 0 && held_jobs > 0) {
    return 0;  // retires once it answered what it holds
  }
  return count;
}

}  // namespace warden::actors
