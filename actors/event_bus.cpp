// The supervisor's event subscribers and the one way events reach them.
#include "actors/event_bus.hpp"

#include <algorithm>

namespace warden::actors {

std::string_view to_string(EventKind kind) {
  switch (kind) {
    case EventKind::worker_restarted:
      return "worker_restarted";
    case EventKind::plugin_quarantined:
      return "plugin_quarantined";
    case EventKind::plugin_enabled:
      return "plugin_enabled";
    case EventKind::plugin_added:
      return "plugin_added";
    case EventKind::plugin_removed:
      return "plugin_removed";
    case EventKind::reload_done:
      return "reload_done";
    case EventKind::reload_failed:
      return "reload_failed";
    case EventKind::overloaded:
      return "overloaded";
  }
  return "unknown";
}

namespace detail {

bool EventBus::subscribe(const event_listener_actor& listener) {
  if (std::find(listeners_.begin(), listeners_.end(), listener) != listeners_.end())
    return false;
  listeners_.push_back(listener);
  return true;
}

bool EventBus::unsubscribe(const event_listener_actor& listener) {
  auto it = std::find(listeners_.begin(), listeners_.end(), listener);
  if (it == listeners_.end())
    return false;
  listeners_.erase(it);
  return true;
}

void EventBus::publish(const WardenEvent& event) {
  for (const auto& listener : listeners_)
    caf::anon_send(listener, event_atom::value, event);
}

}  // namespace detail
}  // namespace warden::actors
