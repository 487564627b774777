#pragma once
// Lifecycle events a host actor can subscribe to: workers restarted, plugins
// quarantined, re-enabled, added, removed or reloaded, and overload. Sent to
// every subscriber as (event_atom, WardenEvent), in the order they happened.

#include <cstdint>
#include <string>
#include <string_view>

#include <caf/all.hpp>

namespace warden::actors {

enum class EventKind : uint8_t {
  // A worker went down and a replacement was spawned or scheduled (after a
  // backoff). `reason` is its exit reason: planned ("recycle_threshold",
  // "heap_soft_limit") or a failure ("timeout", "out_of_memory", "fatal_error",
  // "load_failed", "crashed", "killed").
  worker_restarted,
  // The plugin stopped serving; `reason` says who decided: "restart_policy"
  // (too many failure restarts in the window), "load_failures",
  // "failure_share", "abandoned_threads" or "host"; `detail` says why in words.
  plugin_quarantined,
  plugin_enabled,  // a quarantined plugin serves again (`reason` "host")
  plugin_added,    // a plugin was added at run time
  plugin_removed,  // a plugin was removed; its handle now answers an error
  reload_done,     // new code serves new requests; `revision` is the new one
  reload_failed,   // the new code did not load; the old keeps serving; `detail` says why
  // A plugin's queue reached queue_capacity: requests beyond it are answered
  // `overloaded`. Sent once when the queue reaches its bound, and again only
  // after it drained below half of it and filled up once more.
  overloaded,
};

// Stable snake_case name of every kind ("worker_restarted", ...).
std::string_view to_string(EventKind kind);

struct WardenEvent {
  EventKind kind = EventKind::worker_restarted;
  std::string plugin_id;
  std::string revision;  // the plugin's content revision the event is about ("" when none)
  std::string reason;    // short machine-readable cause, e.g. "timeout", "restart_policy"
  std::string detail;    // one human-readable line (an error's description for reload_failed)
};

using event_atom = caf::atom_constant<caf::atom("event")>;

// What a subscriber must accept: one message per event.
using event_listener_actor = caf::typed_actor<caf::reacts_to<event_atom, WardenEvent>>;

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, WardenEvent& x) {
  return f(caf::meta::type_name("warden::actors::WardenEvent"), x.kind, x.plugin_id, x.revision,
           x.reason, x.detail);
}

}  // namespace warden::actors
