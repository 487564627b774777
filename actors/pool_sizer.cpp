// The pool sizer's tick: busy streaks, growth and release.
#include "actors/pool_sizer.hpp"

namespace warden::actors {

PoolSizer::Verdict PoolSizer::tick(bool busy, std::size_t serving, bool loading,
                                   Clock::time_point now) {
  if (busy) {
    last_busy_ = now;
    ++busy_ticks_;
    if (!loading && busy_ticks_ >= limits_.grow_after_ticks && serving < limits_.max_workers) {
      return Verdict::grow;
    }
    return Verdict::keep;
  }
  busy_ticks_ = 0;
  if (serving > limits_.min_workers && now - last_busy_ >= limits_.release_after) {
    return Verdict::release;
  }
  return Verdict::keep;
}

}  // namespace warden::actors
