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
  const auto verdict = policy.record_failure(t0 + 3s);
  CHECK(verdict.decision == RestartPolicy::Decision::quarantine);
  CHECK(verdict.bound == "restart_policy");
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

TEST_CASE("more worker load failures in a row than the limit quarantine, a load ends the run",
          "[actors][pure]") {
  warden::actors::RestartLimits limits;
  limits.max_restarts = 100;
  limits.window = 1s;
  limits.max_load_failures = 2;
  limits.max_failure_share = 0;
  const auto t0 = RestartPolicy::Clock::time_point{} + 1h;
  RestartPolicy policy{limits, t0};
  CHECK(policy.record_failure(t0, 2s, true).decision == RestartPolicy::Decision::restart);
  CHECK(policy.record_failure(t0 + 2s, 2s, true).decision == RestartPolicy::Decision::restart);
  policy.loaded();  // one worker loaded: the run starts over
  CHECK(policy.record_failure(t0 + 4s, 2s, true).decision == RestartPolicy::Decision::restart);
  CHECK(policy.record_failure(t0 + 6s, 2s, true).decision == RestartPolicy::Decision::restart);
  const auto verdict = policy.record_failure(t0 + 8s, 2s, true);
  CHECK(verdict.decision == RestartPolicy::Decision::quarantine);
  CHECK_THAT(verdict.why, Catch::Contains("failed to load 3 times in a row"));
  CHECK(verdict.bound == "load_failures");
}

TEST_CASE("failures costing more than the share of the run quarantine, once past the minimum",
          "[actors][pure]") {
  warden::actors::RestartLimits limits;
  limits.max_restarts = 100;
  limits.window = 1s;
  limits.max_load_failures = 0;
  limits.max_failure_share = 0.25;
  limits.min_failure_time = 3s;
  const auto t0 = RestartPolicy::Clock::time_point{} + 1h;
  RestartPolicy policy{limits, t0};
  // 2 s of failures in 2 s: all of the run, but below the minimum.
  CHECK(policy.record_failure(t0 + 2s, 2s).decision == RestartPolicy::Decision::restart);
  // 3 s of failures in 20 s: 15%, below the share.
  policy.charge(1s);
  CHECK(policy.record_failure(t0 + 20s).decision == RestartPolicy::Decision::restart);
  CHECK(policy.failure_time() == 3s);
  // 7 s in 24 s: 29%.
  policy.charge(2s);
  const auto verdict = policy.record_failure(t0 + 24s, 2s);
  CHECK(verdict.decision == RestartPolicy::Decision::quarantine);
  CHECK_THAT(verdict.why, Catch::Contains("cost 7.0 s of the 24.0 s"));
  CHECK_THAT(verdict.why, Catch::Contains("limit 25%"));
  CHECK(verdict.bound == "failure_share");
  // Re-enabled: the failure time and the run start over.
  policy.reset(t0 + 30s);
  CHECK(policy.failure_time() == 0s);
  CHECK(policy.record_failure(t0 + 31s, 1s).decision == RestartPolicy::Decision::restart);
}

TEST_CASE("the intensity-only policy has no load-failure or time bound", "[actors][pure]") {
  RestartPolicy policy{100, 1s, 1ms};
  const auto t0 = RestartPolicy::Clock::now();
  for (int i = 0; i < 20; ++i) {
    CHECK(policy.record_failure(t0 + i * 2s, 2s, true).decision ==
          RestartPolicy::Decision::restart);
  }
}
