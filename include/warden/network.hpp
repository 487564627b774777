#pragma once
// Warden across machines on CAF's own network layer: a node's address, the
// mutual-TLS files, and the calls that configure an actor system for it
// (libcaf_io's middleman, libcaf_openssl for TLS), publish a Warden as a node
// and connect to one. docs/distributed.md tells how to run nodes.
//
//   caf::actor_system_config cfg;
//   warden::actors::configure(cfg);
//   warden::actors::configure_network(cfg, tls);   // before the system exists
//   caf::actor_system system{cfg};
//   node side:   auto port = publish_node(system, warden->supervisor(), {"0.0.0.0", 7000});
//   client side: auto node = connect_node(system, {"scanner-1", 7000});  // a warden_actor

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "warden/error.hpp"
#include "warden/protocol.hpp"
#include "warden/result.hpp"

namespace warden::actors {

// Where a node listens: "HOST:PORT" on the command line.
struct NodeAddress {
  std::string host;
  uint16_t port = 0;

  friend bool operator==(const NodeAddress&, const NodeAddress&) = default;
};

// "host:port" ("[::1]:7000" for an IPv6 host).
std::string to_string(const NodeAddress& address);

// "HOST:PORT" or "[IPV6]:PORT", port 1-65535 (0 too when `allow_any_port`,
// for a node that takes any free port); an error naming the text otherwise.
Result<NodeAddress> parse_node_address(std::string_view text, bool allow_any_port = false);

// "HOST:PORT[,HOST:PORT...]"; an empty list or a node named twice is an error.
Result<std::vector<NodeAddress>> parse_node_addresses(std::string_view text);

// Mutual TLS: this side's certificate (PEM, may hold its chain) and private
// key, and the CA that must have signed the peer's certificate. All three or
// none: without them the connection is plaintext.
struct TlsFiles {
  std::string certificate;
  std::string key;
  std::string ca;

  bool enabled() const {
    return !certificate.empty() || !key.empty() || !ca.empty();
  }
};

// nullopt when none is set, or all three are set and readable; otherwise an
// error naming the file that is missing or unreadable, or the option not given.
std::optional<Error> check_tls_files(const TlsFiles& tls);

// Loads CAF's middleman into a host's config and, when `tls` is enabled, its
// OpenSSL manager with these files (every connection of the system is then
// mutual TLS). Call after configure(config), before the actor_system is built.
void configure_network(caf::actor_system_config& config, const TlsFiles& tls = {});

// Whether the system was configured with TLS.
bool tls_enabled(const caf::actor_system& system);

// Publishes `warden` (a local supervisor: Warden::supervisor()) on `address`;
// port 0 takes any free port. Returns the port bound. With TLS, only peers
// whose certificate the CA signed get in; every refused peer (plaintext, no
// certificate, another CA, expired) is logged with its address and the reason
// (warden/logger.hpp's logger, warn).
Result<uint16_t> publish_node(caf::actor_system& system, const warden_actor& warden,
                              const NodeAddress& address);

// Stops publishing `warden` on `port` (0: on every port it is published on):
// new peers are refused, connected ones keep their handle. A node calls it
// first when it stops gracefully.
Result<void> unpublish_node(caf::actor_system& system, const warden_actor& warden,
                            uint16_t port = 0);

// Connects to a node and returns the same typed handle a local Warden gives.
// Waits at most `timeout`. Errors name the address and why: refused, TLS
// handshake failed, not a Warden node (another interface), timed out.
Result<warden_actor> connect_node(caf::actor_system& system, const NodeAddress& address,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace warden::actors
