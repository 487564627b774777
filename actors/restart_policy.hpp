#pragma once
// The restart decision for one plugin, as a plain class: OTP-style restart
// intensity (more than `max_restarts` failure restarts within `window`
// quarantines; below that each waits a backoff that doubles with the failures
// in the window), plus two bounds a slow failure escapes that rule with: a run
// of worker load failures, and the share of the run's wall time the plugin's
// failures cost. Owned and called by the supervisor; no CAF, no clock of its
// own (time is passed in), so tests drive it directly.

#include <chrono>
#include <cstddef>
#include <deque>
#include <string>
#include <utility>

namespace warden::actors {

// The policy's bounds (WardenConfig's restart fields).
struct RestartLimits {
  std::size_t max_restarts = 5;              // R: more than R failure restarts within T quarantine
  std::chrono::milliseconds window{10'000};  // T
  std::chrono::milliseconds base_backoff{20};
  std::chrono::milliseconds max_backoff{2000};
  // More worker load failures (load errors, load timeouts) in a row than this
  // quarantine: the validating load passed, so a worker that cannot load is
  // the plugin's doing (it tells its loads apart), not bad luck. 0: never.
  std::size_t max_load_failures = 3;
  // Failure time (scans that broke their engine: timeouts, out of memory; the
  // load time of failure restarts and of failed loads) above this share of
  // the wall time since the policy started quarantines, once it is at least
  // `min_failure_time`. 0: never.
  double max_failure_share = 0.25;
  std::chrono::milliseconds min_failure_time{10'000};
};

class RestartPolicy {
 public:
  using Clock = std::chrono::steady_clock;

  enum class Decision { restart, quarantine };

  struct Verdict {
    Decision decision = Decision::restart;
    std::chrono::milliseconds delay{0};  // wait this long before restarting
    std::string why;                     // quarantine: which bound was passed, in words
    // quarantine: that bound's name, "restart_policy" (restart intensity),
    // "load_failures" or "failure_share"
    std::string bound;
  };

  // The restart-intensity rule alone (no load-failure or time bound).
  RestartPolicy(std::size_t max_restarts, std::chrono::milliseconds window,
                std::chrono::milliseconds base_backoff,
                std::chrono::milliseconds max_backoff = std::chrono::milliseconds{2000});
  // Every bound of `limits`; the failure share is measured from `started`.
  RestartPolicy(const RestartLimits& limits, Clock::time_point started);

  // Records one failure restart at `now` that cost `cost` (added to the
  // failure time; a failed load's own duration, say), and says whether to
  // restart (after how long) or to quarantine. `load_failure`: the worker
  // could not load (continues a run of load failures).
  Verdict record_failure(Clock::time_point now,
                         std::chrono::nanoseconds cost = std::chrono::nanoseconds{0},
                         bool load_failure = false);

  // Failure time with no restart of its own (a failed scan answered before
  // its worker went down, a failure restart's successful load). Checked at
  // the next record_failure.
  void charge(std::chrono::nanoseconds cost);

  // A worker loaded: ends a run of load failures.
  void loaded();

  // Failures recorded within the window ending at `now`.
  std::size_t failures_in_window(Clock::time_point now);

  // Failure time charged since the start (or the last reset).
  std::chrono::nanoseconds failure_time() const {
    return failure_time_;
  }

  // Forgets every failure and the failure time (the plugin was re-enabled);
  // the share is measured from `now` on.
  void reset(Clock::time_point now = Clock::now());

 private:
  void expire(Clock::time_point now);
  // The bound a failure at `now` passed (Verdict::bound, Verdict::why); empty when none.
  std::pair<std::string, std::string> passed_bound(Clock::time_point now) const;

  RestartLimits limits_;
  Clock::time_point started_;
  std::deque<Clock::time_point> failures_;
  std::size_t load_failures_in_a_row_ = 0;
  std::chrono::nanoseconds failure_time_{0};
};

}  // namespace warden::actors
