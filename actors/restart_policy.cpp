// RestartPolicy: counts failures in the window, load failures in a row and
// failure time; decides restart or quarantine and the backoff.
#include "actors/restart_policy.hpp"

#include <algorithm>
#include <cstdio>

namespace warden::actors {
namespace {

RestartLimits intensity_only(std::size_t max_restarts, std::chrono::milliseconds window,
                             std::chrono::milliseconds base_backoff,
                             std::chrono::milliseconds max_backoff) {
  RestartLimits limits;
  limits.max_restarts = max_restarts;
  limits.window = window;
  limits.base_backoff = base_backoff;
  limits.max_backoff = max_backoff;
  limits.max_load_failures = 0;
  limits.max_failure_share = 0;
  return limits;
}

std::string seconds(std::chrono::nanoseconds time) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", std::chrono::duration<double>(time).count());
  return text;
}

}  // namespace

RestartPolicy::RestartPolicy(std::size_t max_restarts, std::chrono::milliseconds window,
                             std::chrono::milliseconds base_backoff,
                             std::chrono::milliseconds max_backoff)
    : RestartPolicy(intensity_only(max_restarts, window, base_backoff, max_backoff), Clock::now()) {
}

RestartPolicy::RestartPolicy(const RestartLimits& limits, Clock::time_point started)
    : limits_(limits), started_(started) {
  limits_.max_backoff = std::max(limits_.max_backoff, limits_.base_backoff);
}

void RestartPolicy::expire(Clock::time_point now) {
  while (!failures_.empty() && now - failures_.front() > limits_.window) {
    failures_.pop_front();
  }
}

std::pair<std::string, std::string> RestartPolicy::passed_bound(Clock::time_point now) const {
  if (failures_.size() > limits_.max_restarts) {
    return {"restart_policy", "more than " + std::to_string(limits_.max_restarts) +
                                  " failure restarts within " +
                                  std::to_string(limits_.window.count()) + " ms"};
  }
  if (limits_.max_load_failures != 0 && load_failures_in_a_row_ > limits_.max_load_failures) {
    return {"load_failures",
            "its workers failed to load " + std::to_string(load_failures_in_a_row_) +
                " times in a row (limit " + std::to_string(limits_.max_load_failures) +
                "), though its validating load passed"};
  }
  const auto elapsed = now - started_;
  if (limits_.max_failure_share > 0 && failure_time_ >= limits_.min_failure_time &&
      std::chrono::duration<double>(failure_time_).count() >
          limits_.max_failure_share * std::chrono::duration<double>(elapsed).count()) {
    return {"failure_share",
            "its failures (timed-out or out-of-memory scans, loads of failure restarts and failed "
            "loads) cost " +
                seconds(failure_time_) + " of the " + seconds(elapsed) + " it ran (limit " +
                std::to_string(static_cast<int>(limits_.max_failure_share * 100 + 0.5)) + "%)"};
  }
  return {};
}

RestartPolicy::Verdict RestartPolicy::record_failure(Clock::time_point now,
                                                     std::chrono::nanoseconds cost,
                                                     bool load_failure) {
  expire(now);
  failures_.push_back(now);
  failure_time_ += cost;
  load_failures_in_a_row_ = load_failure ? load_failures_in_a_row_ + 1 : 0;
  if (auto [bound, why] = passed_bound(now); !why.empty()) {
    return {Decision::quarantine, std::chrono::milliseconds{0}, std::move(why), std::move(bound)};
  }
  // base * 2^(n-1), capped; the shift is bounded so it cannot overflow.
  auto delay = limits_.base_backoff;
  for (std::size_t i = 1; i < failures_.size() && delay < limits_.max_backoff; ++i) {
    delay *= 2;
  }
  return {Decision::restart, std::min(delay, limits_.max_backoff), {}, {}};
}

void RestartPolicy::charge(std::chrono::nanoseconds cost) {
  failure_time_ += cost;
}

void RestartPolicy::loaded() {
  load_failures_in_a_row_ = 0;
}

std::size_t RestartPolicy::failures_in_window(Clock::time_point now) {
  expire(now);
  return failures_.size();
}

void RestartPolicy::reset(Clock::time_point now) {
  failures_.clear();
  load_failures_in_a_row_ = 0;
  failure_time_ = std::chrono::nanoseconds{0};
  started_ = now;
}

}  // namespace warden::actors
