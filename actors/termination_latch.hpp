#pragma once
// Waits until an actor has run its cleanup, including every down message its
// monitors get. Attached right after the spawn, its functor is the actor's
// oldest attachable, and CAF 0.17 runs attachables newest first: when it
// fires, a monitor added later (CAF's network layer monitors a published
// actor once a peer holds a proxy of it) has had its down message enqueued.
//
// Why it matters: ~actor_system's first step, await_all_actors_done, returns
// as soon as a dying actor unregisters, which is before its down messages go
// out. If the network layer stops in that gap, the BASP broker's down message
// (holding the dying actor as its sender) is never drained, that actor is
// never destroyed, and its detached thread, and so ~actor_system, waits
// forever. A Warden waits on this latch before its shutdown returns.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include <caf/all.hpp>

namespace warden::actors {

class TerminationLatch {
 public:
  // `actor` must be freshly spawned: anything attached before this runs later.
  explicit TerminationLatch(const caf::strong_actor_ptr& actor);

  // True once the actor's cleanup reached this latch; false after `timeout`.
  bool wait_for(std::chrono::milliseconds timeout) const;

 private:
  struct State {
    std::mutex mutex;
    std::condition_variable changed;
    bool done = false;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace warden::actors
