// The latch's functor: set once, on the dying actor's thread.
#include "actors/termination_latch.hpp"

namespace warden::actors {

TerminationLatch::TerminationLatch(const caf::strong_actor_ptr& actor) {
  actor->get()->attach_functor([state = state_] {
    std::lock_guard<std::mutex> guard{state->mutex};
    state->done = true;
    state->changed.notify_all();
  });
}

bool TerminationLatch::wait_for(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> guard{state_->mutex};
  return state_->changed.wait_for(guard, timeout, [this] { return state_->done; });
}

}  // namespace warden::actors
