// RestartPolicy: the OTP restart-intensity decision, driven with explicit time.
#include "actors/restart_policy.hpp"

#include <catch2/catch.hpp>

using warden::actors::RestartPolicy;
using namespace std::chrono_literals;

TEST_CASE("up to R failures within T restart, the next one quarantines", "[actors][pure]") {
  RestartPolicy policy{3, 10s, 20ms};
  const auto t0 = RestartPolicy::Clock::time_point{} + 1h;
  CHECK(policy.record_failure(t0).decision == RestartPolicy::Decision::restart);
  CHECK(policy.record_failure(t0 + 1s).decision == RestartPolicy::Decision::restart);
  CHECK(policy.record_failure(t0 + 2s).decision == RestartPolicy::Decision::restart);
  CHECK(policy.record_failure(t0 + 3s).decision == RestartPolicy::Decision::quarantine);
}

TEST_CASE("failures older than the window no longer count", "[actors][pure]") {
  RestartPolicy policy{2, 10s, 20ms};
  const auto t0 = RestartPolicy::Clock::time_point{} + 1h;
  CHECK(policy.record_failure(t0).decision == RestartPolicy::Decision::restart);
  CHECK(policy.record_failure(t0 + 1s).decision == RestartPolicy::Decision::restart);
  // t0 and t0+1s have left the window ending at t0+12s.
  CHECK(policy.failures_in_window(t0 + 12s) == 0);
  CHECK(policy.record_failure(t0 + 12s).decision == RestartPolicy::Decision::restart);
  CHECK(policy.record_failure(t0 + 13s).decision == RestartPolicy::Decision::restart);
  CHECK(policy.record_failure(t0 + 14s).decision == RestartPolicy::Decision::quarantine);
}

TEST_CASE("the backoff doubles with the failures in the window and is capped", "[actors][pure]") {
  RestartPolicy policy{100, 60s, 20ms, 100ms};
  const auto t0 = RestartPolicy::Clock::time_point{} + 1h;
  CHECK(policy.record_failure(t0).delay == 20ms);
  CHECK(policy.record_failure(t0).delay == 40ms);
  CHECK(policy.record_failure(t0).delay == 80ms);
  CHECK(policy.record_failure(t0).delay == 100ms);
  CHECK(policy.record_failure(t0).delay == 100ms);
}

TEST_CASE("reset forgets every failure", "[actors][pure]") {
  RestartPolicy policy{1, 10s, 20ms};
  const auto t0 = RestartPolicy::Clock::time_point{} + 1h;
  CHECK(policy.record_failure(t0).decision == RestartPolicy::Decision::restart);
  CHECK(policy.record_failure(t0).decision == RestartPolicy::Decision::quarantine);
  policy.reset();
  CHECK(policy.failures_in_window(t0) == 0);
  const auto verdict = policy.record_failure(t0);
  CHECK(verdict.decision == RestartPolicy::Decision::restart);
  CHECK(verdict.delay == 20ms);  // the backoff starts over, too
}

TEST_CASE("R = 0 quarantines on the first failure", "[actors][pure]") {
  RestartPolicy policy{0, 10s, 20ms};
  CHECK(policy.record_failure(RestartPolicy::Clock::now()).decision ==
        RestartPolicy::Decision::quarantine);
}
