#pragma once
// A fixed-size log-linear latency histogram (about 3% relative error from
// 1 us to ~1 h) for the per-plugin p50/p99 in PluginStats and the benchmark.
// Plain class, not thread-safe: each owner (the supervisor) records alone.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace warden::actors {

class LatencyHistogram {
 public:
  void record(std::chrono::nanoseconds latency);

  // The latency below which `quantile` (0..1) of the samples fall, in
  // milliseconds; 0 when empty.
  double quantile_ms(double quantile) const;

  uint64_t count() const {
    return count_;
  }
  void reset();

 private:
  // 32 sub-buckets per power of two of microseconds, 32 powers of two.
  static constexpr std::size_t kSubBuckets = 32;
  static constexpr std::size_t kPowers = 32;
  static std::size_t bucket_of(uint64_t micros);
  static double upper_micros(std::size_t bucket);

  std::array<uint64_t, kSubBuckets * kPowers> buckets_{};
  uint64_t count_ = 0;
};

}  // namespace warden::actors
