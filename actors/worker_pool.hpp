#pragma once
// One plugin's pool of workers as the supervisor sees it, as a plain class:
// the slots and their states, when an idle worker retires (execution count,
// heap), which workers take the next batches and how many jobs each, and the
// warm spare's promotion. No actor inside: `Worker` is the handle the caller
// keeps per slot (the supervisor's plugin_worker_actor, a number in tests);
// the caller spawns, stops and messages the workers the pool names.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "actors/pool_limits.hpp"

namespace warden::actors {

template <class Worker>
class WorkerPool {
 public:
  using Clock = std::chrono::steady_clock;

  // A batch sent to a worker and not answered yet.
  struct SentBatch {
    uint64_t id = 0;
    std::vector<uint64_t> jobs;  // in batch order
  };

  // One place in the pool; holds at most one worker at a time.
  struct Slot {
    SlotStatus status = SlotStatus::empty;
    Worker worker{};
    uint64_t generation = 0;
    uint64_t backoff_token = 0;
    std::deque<SentBatch> in_flight;  // in send order, which is the worker's order
    uint64_t executions = 0;          // as last reported by the worker
    uint64_t heap_used_bytes = 0;
    std::optional<Clock::time_point> replacing_since;  // predecessor's down message
    // PoolLimits::warm_spare: this slot's worker loads but does not serve; it
    // is promoted when a serving worker's planned recycle goes down, and that
    // worker's slot becomes the spare's place.
    bool spare = false;
    std::optional<WorkerThread> parked;  // a loaded spare's thread, reported once promoted
    bool released = false;               // given back (release): not refilled until add_slot
    bool recycle_requested = false;      // a host's recycle: retire when idle (staggered)
  };

  // What on_ready made of a worker's ready message.
  enum class ReadyVerdict { stale, parked, serving };
  struct Ready {
    ReadyVerdict verdict = ReadyVerdict::stale;
    std::optional<Clock::time_point> replacing_since;  // serving: when its predecessor went down
  };

  // A worker the pool marked stopping; the caller stops it with `reason`.
  struct Retirement {
    uint32_t slot = 0;
    RetireReason reason = RetireReason::recycle_threshold;
  };

  // The workers that take batches now, in order, and those retired instead.
  struct Takers {
    std::vector<uint32_t> slots;
    std::vector<Retirement> retiring;
  };

  // What a worker lost with it: its oldest unanswered batch was being
  // scanned; the later ones were never started (batches run in order).
  struct LostWork {
    std::vector<uint64_t> lost;
    std::vector<uint64_t> never_started;
  };

  // The spare's part after a planned down with PoolLimits::warm_spare.
  struct Takeover {
    enum class Kind {
      no_spare,          // the caller spawns into the vacated slot
      promoted_loaded,   // the spare serves now: report it ready (`thread`)
      promoted_loading,  // the spare serves from its ready message on
      spare_not_loading  // the caller spawns into the vacated slot and an empty spare slot
    };
    Kind kind = Kind::no_spare;
    uint32_t spare = 0;
    WorkerThread thread;  // promoted_loaded
  };

  explicit WorkerPool(PoolLimits limits) : limits_(limits) {
    limits_.max_batch = std::max<std::size_t>(limits_.max_batch, 1);
    slots_.resize(limits_.workers);
    if (limits_.warm_spare) {
      slots_.emplace_back().spare = true;  // loads at start: the first recycle promotes it too
    }
  }

  const PoolLimits& limits() const {
    return limits_;
  }
  // No more recycles for heap: a fresh worker is over the soft limit already.
  void stop_heap_recycling() {
    limits_.heap_soft_limit_bytes = 0;
  }
  std::size_t size() const {
    return slots_.size();
  }
  bool has_slot(uint32_t slot) const {
    return slot < slots_.size();
  }
  const Slot& slot(uint32_t slot) const {
    return slots_[slot];
  }

  // -- a worker's life ---------------------------------------------------------

  // The generation of the next worker spawned for this pool.
  uint64_t next_generation() {
    return ++next_generation_;
  }

  // `worker` of `generation` was spawned into `slot` and is loading.
  void started(uint32_t slot, Worker worker, uint64_t generation) {
    auto& s = slots_[slot];
    s.status = SlotStatus::starting;
    s.worker = std::move(worker);
    s.generation = generation;
    s.in_flight.clear();
    s.executions = 0;
    s.heap_used_bytes = 0;
    s.parked.reset();
    s.recycle_requested = false;
  }

  // The worker in `slot` of `generation` loaded its engine. A spare parks
  // (it serves once promoted); any other worker serves from now on.
  Ready ready(uint32_t slot, uint64_t generation, uint64_t heap_used_bytes, WorkerThread thread) {
    auto& s = slots_[slot];
    if (s.generation != generation || s.status != SlotStatus::starting) {
      return {};
    }
    s.status = SlotStatus::ready;
    s.heap_used_bytes = heap_used_bytes;
    if (s.spare) {
      s.parked = thread;
      s.replacing_since.reset();
      return {ReadyVerdict::parked, std::nullopt};
    }
    Ready result{ReadyVerdict::serving, s.replacing_since};
    s.replacing_since.reset();
    return result;
  }

  // The jobs of the batch `batch_id` the worker in `slot` of `generation`
  // answered, now forgotten, with its counters updated; nullopt for an answer
  // that is not its oldest batch (cannot happen: a worker answers in order,
  // before its down message).
  std::optional<std::vector<uint64_t>> answered(uint32_t slot, uint64_t generation,
                                                uint64_t batch_id, uint64_t executions,
                                                uint64_t heap_used_bytes) {
    auto& s = slots_[slot];
    if (s.generation != generation || s.in_flight.empty() || s.in_flight.front().id != batch_id) {
      return std::nullopt;
    }
    std::vector<uint64_t> jobs = std::move(s.in_flight.front().jobs);
    s.in_flight.pop_front();
    s.executions = executions;
    s.heap_used_bytes = heap_used_bytes;
    return jobs;
  }

  // The jobs of every batch `slot` still holds, in order, now forgotten: its
  // worker quits without starting them.
  std::vector<uint64_t> take_unstarted(uint32_t slot) {
    auto& s = slots_[slot];
    std::vector<uint64_t> jobs;
    for (const auto& sent : s.in_flight) {
      jobs.insert(jobs.end(), sent.jobs.begin(), sent.jobs.end());
    }
    s.in_flight.clear();
    return jobs;
  }

  // The worker in `slot` quits by itself; its down message follows.
  void quitting(uint32_t slot) {
    auto& s = slots_[slot];
    if (s.status != SlotStatus::empty) {
      s.status = SlotStatus::stopping;
    }
  }

  // The slot whose worker compares equal to `key` (a handle or an address),
  // among slots that hold one.
  template <class Key>
  std::optional<uint32_t> find_worker(const Key& key) const {
    for (uint32_t i = 0; i < slots_.size(); ++i) {
      const auto& s = slots_[i];
      if (s.status != SlotStatus::empty && s.status != SlotStatus::backoff && s.worker == key) {
        return i;
      }
    }
    return std::nullopt;
  }

  // The worker in `slot` went down: the slot empties and drops its handle
  // (the last strong reference, so the worker's thread can end), and hands
  // back what the worker had not answered.
  LostWork vacate(uint32_t slot) {
    auto& s = slots_[slot];
    LostWork work;
    for (auto& sent : s.in_flight) {
      auto& into = work.lost.empty() ? work.lost : work.never_started;
      into.insert(into.end(), sent.jobs.begin(), sent.jobs.end());
    }
    s.in_flight.clear();
    s.worker = Worker{};
    s.status = SlotStatus::empty;
    return work;
  }

  // The slot's replacement counts its recycle latency from `since`.
  void replacing(uint32_t slot, Clock::time_point since) {
    slots_[slot].replacing_since = since;
  }

  // The empty `slot` waits out a failure backoff; returns the token its
  // respawn timer must carry.
  uint64_t back_off(uint32_t slot, Clock::time_point since) {
    auto& s = slots_[slot];
    s.status = SlotStatus::backoff;
    s.backoff_token = next_backoff_token_++;
    s.replacing_since = since;
    return s.backoff_token;
  }

  // Whether `slot` still waits for the respawn timer carrying `token` (not
  // quarantined, re-enabled or shut down meanwhile).
  bool backoff_due(uint32_t slot, uint64_t token) const {
    const auto& s = slots_[slot];
    return s.status == SlotStatus::backoff && s.backoff_token == token;
  }

  // -- planned recycles ----------------------------------------------------------

  // Retires the idle worker in `slot` when it is due, but only while a
  // sibling serves (or it has none): a planned recycle never leaves the
  // plugin without a serving worker. With a warm spare, it also waits while
  // the spare is still loading, so that the spare takes over the moment the
  // down message arrives. A retired worker is marked stopping.
  std::optional<RetireReason> retire_if_due(uint32_t slot) {
    auto& s = slots_[slot];
    if (s.status != SlotStatus::ready || !s.in_flight.empty() || s.spare) {
      return std::nullopt;
    }
    const auto reason = s.recycle_requested
                            ? std::optional<RetireReason>{RetireReason::requested}
                            : retire_reason(limits_, s.executions, s.heap_used_bytes);
    if (!reason) {
      return std::nullopt;
    }
    if (limits_.warm_spare) {
      for (const auto& other : slots_) {
        if (other.spare && other.status == SlotStatus::starting) {
          return std::nullopt;  // keeps serving until the loading spare can take over at once
        }
      }
    }
    bool sibling_serving = serving_places() == 1;
    for (uint32_t i = 0; i < slots_.size(); ++i) {
      if (i != slot && !slots_[i].spare && slots_[i].status == SlotStatus::ready) {
        sibling_serving = true;
      }
    }
    if (!sibling_serving) {
      return std::nullopt;
    }
    s.status = SlotStatus::stopping;
    return reason;
  }

  // A host's recycle: every worker loaded now retires as soon as it is idle
  // and a sibling serves (retire_if_due), so the plugin keeps serving.
  void request_recycle() {
    for (auto& s : slots_) {
      if (s.status == SlotStatus::ready || s.status == SlotStatus::starting) {
        s.recycle_requested = true;
      }
    }
  }

  // Whether any worker holds a batch it has not answered.
  bool any_in_flight() const {
    return std::any_of(slots_.begin(), slots_.end(),
                       [](const Slot& s) { return !s.in_flight.empty(); });
  }

  // -- dispatch ----------------------------------------------------------------

  // The serving workers that may take a batch now, in the order they get
  // one: those holding none first, then those holding fewer than
  // kBatchesInFlight. An idle worker due to retire is retired instead.
  Takers takers() {
    Takers result;
    for (std::size_t held = 0; held < kBatchesInFlight; ++held) {
      for (uint32_t i = 0; i < slots_.size(); ++i) {
        const auto& s = slots_[i];
        if (s.status != SlotStatus::ready || s.spare || s.in_flight.size() != held) {
          continue;
        }
        if (held == 0) {
          if (const auto reason = retire_if_due(i)) {
            result.retiring.push_back(Retirement{i, *reason});
            continue;
          }
        }
        result.slots.push_back(i);
      }
    }
    return result;
  }

  // How many jobs `slot` gets when `waiting` jobs are queued and `takers`
  // workers, itself included, share them (batch_size()).
  std::size_t batch_size_for(uint32_t slot, std::size_t waiting, std::size_t takers) const {
    return batch_size(limits_, waiting, takers, slots_[slot].executions, held_jobs(slot));
  }

  // The jobs `slot` was sent and has not answered.
  uint64_t held_jobs(uint32_t slot) const {
    uint64_t held = 0;
    for (const auto& sent : slots_[slot].in_flight) {
      held += sent.jobs.size();
    }
    return held;
  }

  // Whether the worker of `generation` in `slot` still holds batch `batch_id`.
  bool holds_batch(uint32_t slot, uint64_t generation, uint64_t batch_id) const {
    const auto& s = slots_[slot];
    return s.generation == generation && s.status != SlotStatus::empty &&
           s.status != SlotStatus::backoff &&
           std::any_of(s.in_flight.begin(), s.in_flight.end(),
                       [&](const SentBatch& sent) { return sent.id == batch_id; });
  }

  // `jobs` went to the worker in `slot` as batch `batch_id`.
  void sent(uint32_t slot, uint64_t batch_id, std::vector<uint64_t> jobs) {
    slots_[slot].in_flight.push_back(SentBatch{batch_id, std::move(jobs)});
  }

  // -- warm spare ---------------------------------------------------------------

  // After the planned down of the worker in `downed` (PoolLimits::warm_spare):
  // a loaded or loading spare takes over serving at once and `downed` becomes
  // the spare's place, to be refilled by the caller. With no spare slot (or
  // none loading), the caller spawns an ordinary replacement into `downed`.
  Takeover promote_spare(uint32_t downed, Clock::time_point since) {
    std::optional<uint32_t> spare;
    for (uint32_t i = 0; i < slots_.size(); ++i) {
      if (i != downed && slots_[i].spare) {
        spare = i;
      }
    }
    Takeover takeover;
    if (!spare) {
      return takeover;
    }
    takeover.spare = *spare;
    auto& next = slots_[*spare];
    if (next.status != SlotStatus::starting && next.status != SlotStatus::ready) {
      takeover.kind = Takeover::Kind::spare_not_loading;
      return takeover;
    }
    next.spare = false;
    slots_[downed].spare = true;
    if (next.status == SlotStatus::ready && next.parked) {
      takeover.kind = Takeover::Kind::promoted_loaded;
      takeover.thread = *next.parked;
      next.parked.reset();
      next.replacing_since.reset();
    } else {
      takeover.kind = Takeover::Kind::promoted_loading;
      next.replacing_since = since;
    }
    return takeover;
  }

  // -- stopping and reporting -----------------------------------------------------

  // Marks every starting or serving worker stopping and returns their slots
  // (the caller stops them); a slot waiting out a backoff just empties.
  std::vector<uint32_t> stop_all() {
    std::vector<uint32_t> stopping;
    for (uint32_t i = 0; i < slots_.size(); ++i) {
      auto& s = slots_[i];
      if (s.status == SlotStatus::starting || s.status == SlotStatus::ready) {
        s.status = SlotStatus::stopping;
        stopping.push_back(i);
      } else if (s.status == SlotStatus::backoff) {
        s.status = SlotStatus::empty;
      }
    }
    return stopping;
  }

  // True when no slot holds a worker or waits to.
  bool all_empty() const {
    return std::all_of(slots_.begin(), slots_.end(),
                       [](const Slot& s) { return s.status == SlotStatus::empty; });
  }

  // Empty places that are refilled (not released).
  std::vector<uint32_t> empty_slots() const {
    std::vector<uint32_t> result;
    for (uint32_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i].status == SlotStatus::empty && !slots_[i].released) {
        result.push_back(i);
      }
    }
    return result;
  }

  // The workers serving now (loaded, not a spare).
  std::vector<Worker> serving_workers() const {
    std::vector<Worker> result;
    for (const auto& s : slots_) {
      if (s.status == SlotStatus::ready && !s.spare) {
        result.push_back(s.worker);
      }
    }
    return result;
  }

  // Places that serve or will (not a spare, not released).
  std::size_t serving_places() const {
    return static_cast<std::size_t>(std::count_if(
        slots_.begin(), slots_.end(), [](const Slot& s) { return !s.spare && !s.released; }));
  }

  // A place for one more serving worker (a released one whose down came, or new).
  uint32_t add_slot() {
    for (uint32_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i].released && slots_[i].status == SlotStatus::empty) {
        slots_[i].released = false;
        return i;
      }
    }
    slots_.emplace_back();
    return static_cast<uint32_t>(slots_.size() - 1);
  }

  // Gives back the idle worker in `slot`: the caller stops it; no refill.
  void release(uint32_t slot) {
    slots_[slot].released = true;
    slots_[slot].status = SlotStatus::stopping;
  }

  // Workers starting or serving (a spare apart), their heaps, and spares.
  struct Occupancy {
    uint64_t workers = 0;
    uint64_t heap_used_bytes = 0;
    uint64_t spares = 0;
  };
  Occupancy occupancy() const {
    Occupancy result;
    for (const auto& s : slots_) {
      if (s.status == SlotStatus::starting || s.status == SlotStatus::ready) {
        ++(s.spare ? result.spares : result.workers);
        result.heap_used_bytes += s.spare ? 0 : s.heap_used_bytes;
      }
    }
    return result;
  }

 private:
  PoolLimits limits_;
  std::vector<Slot> slots_;
  uint64_t next_generation_ = 0;
  uint64_t next_backoff_token_ = 1;
};

}  // namespace warden::actors
