// RestartPolicy: counts failures in the window, decides restart or quarantine and the backoff.
#include "actors/restart_policy.hpp"

#include <algorithm>

namespace warden::actors {

RestartPolicy::RestartPolicy(std::size_t max_restarts, std::chrono::milliseconds window,
                             std::chrono::milliseconds base_backoff,
                             std::chrono::milliseconds max_backoff)
    : max_restarts_(max_restarts),
      window_(window),
      base_backoff_(base_backoff),
      max_backoff_(std::max(max_backoff, base_backoff)) {}

void RestartPolicy::expire(Clock::time_point now) {
  while (!failures_.empty() && now - failures_.front() > window_) {
    failures_.pop_front();
  }
}

RestartPolicy::Verdict RestartPolicy::record_failure(Clock::time_point now) {
  expire(now);
  failures_.push_back(now);
  if (failures_.size() > max_restarts_) {
    return {Decision::quarantine, std::chrono::milliseconds{0}};
  }
  // base * 2^(n-1), capped; the shift is bounded so it cannot overflow.
  auto delay = base_backoff_;
  for (std::size_t i = 1; i < failures_.size() && delay < max_backoff_; ++i) {
    delay *= 2;
  }
  return {Decision::restart, std::min(delay, max_backoff_)};
}

std::size_t RestartPolicy::failures_in_window(Clock::time_point now) {
  expire(now);
  return failures_.size();
}

void RestartPolicy::reset() {
  failures_.clear();
}

}  // namespace warden::actors
