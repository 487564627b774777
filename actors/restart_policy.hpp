#pragma once
// The OTP-style restart-intensity decision for one plugin, as a plain class:
// more than `max_restarts` failure restarts within `window` quarantines the
// plugin; below that, each failure restart waits a backoff that doubles with
// the failures in the window. Owned and called by the supervisor; no CAF, no
// clock of its own (time is passed in), so tests drive it directly.

#include <chrono>
#include <cstddef>
#include <deque>

namespace warden::actors {

class RestartPolicy {
 public:
  using Clock = std::chrono::steady_clock;

  enum class Decision { restart, quarantine };

  struct Verdict {
    Decision decision = Decision::restart;
    std::chrono::milliseconds delay{0};  // wait this long before restarting
  };

  RestartPolicy(std::size_t max_restarts, std::chrono::milliseconds window,
                std::chrono::milliseconds base_backoff,
                std::chrono::milliseconds max_backoff = std::chrono::milliseconds{2000});

  // Records one failure at `now` and says whether to restart (after how
  // long) or to quarantine.
  Verdict record_failure(Clock::time_point now);

  // Failures recorded within the window ending at `now`.
  std::size_t failures_in_window(Clock::time_point now);

  // Forgets every failure (the plugin was re-enabled).
  void reset();

 private:
  void expire(Clock::time_point now);

  std::size_t max_restarts_;
  std::chrono::milliseconds window_;
  std::chrono::milliseconds base_backoff_;
  std::chrono::milliseconds max_backoff_;
  std::deque<Clock::time_point> failures_;
};

}  // namespace warden::actors
