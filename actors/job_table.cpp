// JobTable: the supervisor's generation-tagged table of unsettled jobs.
#include "actors/job_table.hpp"

#include <utility>

namespace warden::actors {

uint64_t JobTable::add(Job job) {
  uint32_t index = 0;
  if (free_.empty()) {
    index = static_cast<uint32_t>(places_.size());
    places_.emplace_back();
  } else {
    index = free_.back();
    free_.pop_back();
  }
  auto& place = places_[index];
  ++place.generation;
  place.live = true;
  place.job = std::move(job);
  return (uint64_t{place.generation} << 32) | index;
}

Job* JobTable::find(uint64_t job_id) {
  const auto index = static_cast<uint32_t>(job_id);
  if (index >= places_.size()) {
    return nullptr;
  }
  auto& place = places_[index];
  if (!place.live || place.generation != static_cast<uint32_t>(job_id >> 32)) {
    return nullptr;
  }
  return &place.job;
}

Job JobTable::take(uint64_t job_id) {
  const auto index = static_cast<uint32_t>(job_id);
  auto& place = places_[index];
  place.live = false;
  free_.push_back(index);
  return std::move(place.job);
}

}  // namespace warden::actors
