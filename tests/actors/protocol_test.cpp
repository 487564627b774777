// The protocol's error enum, its rendering through the actor system, and the
// latency histogram behind the statistics.
#include <chrono>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "actors/latency_histogram.hpp"
#include "actors/worker_protocol.hpp"
#include "tests/actors/actors_test_support.hpp"

using namespace warden::actors;
using namespace std::chrono_literals;

TEST_CASE("to_string of errc names every value distinctly", "[actors][pure]") {
  std::set<std::string> names;
  for (int code = 0; code <= static_cast<int>(errc::killed); ++code) {
    const auto name = std::string{to_string(static_cast<errc>(code))};
    CHECK(name != "unknown");
    CHECK_FALSE(name.empty());
    names.insert(name);
  }
  CHECK(names.size() == static_cast<std::size_t>(errc::killed) + 1);
  CHECK(to_string(errc::recycle_threshold) == "recycle_threshold");
  CHECK(to_string(errc::crashed) == "crashed");
  CHECK(to_string(errc::killed) == "killed");
  CHECK(to_string(static_cast<errc>(250)) == "unknown");
}

TEST_CASE("an errc exit reason survives caf::error and renders by name", "[actors]") {
  warden::test::TestConfig config;
  caf::actor_system system{config};
  const caf::error error = caf::make_error(errc::heap_soft_limit);
  CHECK(exit_reason_of(error) == errc::heap_soft_limit);
  CHECK_FALSE(exit_reason_of(caf::error{}).has_value());
  CHECK_FALSE(exit_reason_of(caf::make_error(caf::sec::request_timeout)).has_value());
  CHECK(system.render(error).find("heap_soft_limit") != std::string::npos);
}

TEST_CASE("the latency histogram reports quantiles within a few percent", "[actors][pure]") {
  LatencyHistogram histogram;
  CHECK(histogram.quantile_ms(0.5) == 0);
  for (int i = 1; i <= 1000; ++i) {
    histogram.record(std::chrono::microseconds{i * 10});  // 10 us .. 10 ms
  }
  CHECK(histogram.count() == 1000);
  CHECK(histogram.quantile_ms(0.50) == Approx(5.0).epsilon(0.05));
  CHECK(histogram.quantile_ms(0.99) == Approx(9.9).epsilon(0.05));
  CHECK(histogram.quantile_ms(1.0) >= histogram.quantile_ms(0.99));
  histogram.record(std::chrono::hours{2});  // beyond the range: clamps, never overflows
  CHECK(histogram.quantile_ms(1.0) > 1000.0);
  histogram.reset();
  CHECK(histogram.count() == 0);
}
