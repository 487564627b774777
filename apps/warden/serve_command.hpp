#pragma once
// `warden serve`: loads plugins into a Warden and publishes it as a node on
// CAF's network layer (plaintext on loopback, or mutual TLS), reloads the
// plugins on SIGHUP and stops gracefully on SIGINT/SIGTERM. Called by main()
// once the V8 platform and a network-configured actor system exist.

#include <optional>
#include <string>

#include <caf/actor_system.hpp>

#include "apps/warden/plugin_options.hpp"
#include "warden/network.hpp"

namespace warden::cli {

class Interrupt;

// The node's port when --listen names none.
inline constexpr uint16_t kDefaultServePort = 7411;

struct ServeOptions {
  PluginOptions plugins;
  actors::NodeAddress listen{"127.0.0.1", kDefaultServePort};
  actors::TlsFiles tls;
  bool insecure = false;  // plaintext on an address other than loopback
};

// Whether `host` names the loopback interface (127.0.0.0/8, ::1, localhost).
bool is_loopback(const std::string& host);

// The usage error of these options (TLS files incomplete or unreadable, a
// plaintext node on a non-loopback address without --insecure), nullopt when
// they can be served. Checked before the actor system is built.
std::optional<std::string> check_serve_options(const ServeOptions& options);

// Serves until SIGINT/SIGTERM, then answers what is in flight and returns 0;
// returns exit_usage when no plugin loaded or the address cannot be bound.
// Prints "warden: listening on HOST:PORT" on stderr once it accepts peers.
int run_serve(caf::actor_system& system, const ServeOptions& options, Interrupt& interrupt);

}  // namespace warden::cli
