#pragma once
// The supervisor's list of event subscribers: publish sends one event to each
// in order (CAF drops what is sent to a subscriber that exited).

#include <vector>

#include <caf/all.hpp>

#include "warden/events.hpp"

namespace warden::actors::detail {

class EventBus {
 public:
  // Adds `listener` unless it is subscribed already. Returns whether it was new.
  bool subscribe(const event_listener_actor& listener);
  // Returns whether `listener` was subscribed.
  bool unsubscribe(const event_listener_actor& listener);
  void publish(const WardenEvent& event);
  std::size_t size() const {
    return listeners_.size();
  }

 private:
  std::vector<event_listener_actor> listeners_;
};

}  // namespace warden::actors::detail
