// LatencyHistogram: bucket arithmetic and quantiles.
#include "actors/latency_histogram.hpp"

#include <bit>
#include <cmath>

namespace warden::actors {

std::size_t LatencyHistogram::bucket_of(uint64_t micros) {
  if (micros < kSubBuckets) {
    return static_cast<std::size_t>(micros);  // exact below 32 us
  }
  // power p >= 5: the top bit; the next 5 bits pick the sub-bucket.
  const auto power = static_cast<std::size_t>(std::bit_width(micros) - 1);
  const auto sub = static_cast<std::size_t>((micros >> (power - 5)) & (kSubBuckets - 1));
  const std::size_t index = (power - 4) * kSubBuckets + sub;
  return index < kSubBuckets * kPowers ? index : kSubBuckets * kPowers - 1;
}

double LatencyHistogram::upper_micros(std::size_t bucket) {
  if (bucket < kSubBuckets) {
    return static_cast<double>(bucket) + 1.0;
  }
  const std::size_t power = bucket / kSubBuckets + 4;
  const std::size_t sub = bucket % kSubBuckets;
  return std::ldexp(static_cast<double>(kSubBuckets + sub + 1), static_cast<int>(power) - 5);
}

void LatencyHistogram::record(std::chrono::nanoseconds latency) {
  const auto micros = latency.count() <= 0 ? 0 : static_cast<uint64_t>(latency.count() / 1000);
  ++buckets_[bucket_of(micros)];
  ++count_;
}

double LatencyHistogram::quantile_ms(double quantile) const {
  if (count_ == 0) {
    return 0;
  }
  const auto rank = static_cast<uint64_t>(std::ceil(quantile * static_cast<double>(count_)));
  uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank && seen > 0) {
      return upper_micros(i) / 1000.0;
    }
  }
  return upper_micros(buckets_.size() - 1) / 1000.0;
}

void LatencyHistogram::reset() {
  buckets_.fill(0);
  count_ = 0;
}

}  // namespace warden::actors
