// Warden nodes on CAF's network layer: node addresses, the mutual-TLS files,
// and publishing and connecting over libcaf_io's middleman (libcaf_openssl's
// for TLS).

#include "warden/network.hpp"

#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <netdb.h>
#include <netinet/in.h>
#include <set>
#include <sys/socket.h>
#include <sys/stat.h>

#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>

#include "actors/tls_refusal_log.hpp"

namespace warden::actors {

namespace {

Error address_error(std::string_view text, std::string_view why) {
  return Error{ErrorCode::malformed_input,
               "node address \"" + std::string{text} + "\": " + std::string{why}};
}

Error node_error(const NodeAddress& address, const std::string& why) {
  return Error{ErrorCode::node_unreachable, "node " + to_string(address) + ": " + why};
}

// Why a connect failed, in words a user can act on (CAF's own names added).
std::string connect_failure(caf::actor_system& system, const caf::error& error, bool tls,
                            std::chrono::milliseconds timeout) {
  const auto rendered = system.render(error);
  if (error == caf::sec::request_timeout) {
    return "no answer within " + std::to_string(timeout.count()) +
           " ms (the node is stopped or overloaded, or not a Warden node)";
  }
  if (error == caf::sec::cannot_connect_to_node) {
    return "connection refused or host unreachable (" + rendered + ")";
  }
  if (error == caf::sec::unexpected_actor_messaging_interface) {
    return "not a Warden node of this version: it serves another interface (" + rendered + ")";
  }
  if (error == caf::sec::disconnect_during_handshake || error == caf::sec::socket_disconnected) {
    return tls ? "the node closed the connection during the handshake: TLS handshake failed "
                 "(certificate not signed by the node's CA, expired, or a plaintext node) (" +
                     rendered + ")"
               : "the node closed the connection during the handshake (a TLS node refuses "
                 "plaintext peers) (" +
                     rendered + ")";
  }
  return rendered;
}

std::optional<Error> check_readable(const std::string& file, const char* what) {
  std::error_code ignored;
  if (!std::filesystem::is_regular_file(file, ignored)) {
    return Error{ErrorCode::file_unreadable,
                 std::string{"TLS "} + what + " " + file + ": no such file"};
  }
  std::ifstream in{file};
  if (!in) {
    return Error{ErrorCode::file_unreadable,
                 std::string{"TLS "} + what + " " + file + ": cannot be read"};
  }
  return std::nullopt;
}

bool same_endpoint(const sockaddr_storage& a, const sockaddr* b) {
  if (a.ss_family != b->sa_family) {
    return false;
  }
  if (a.ss_family == AF_INET) {
    const auto& x = reinterpret_cast<const sockaddr_in&>(a);
    const auto& y = *reinterpret_cast<const sockaddr_in*>(b);
    return x.sin_port == y.sin_port && x.sin_addr.s_addr == y.sin_addr.s_addr;
  }
  if (a.ss_family == AF_INET6) {
    const auto& x = reinterpret_cast<const sockaddr_in6&>(a);
    const auto& y = *reinterpret_cast<const sockaddr_in6*>(b);
    return x.sin6_port == y.sin6_port &&
           std::memcmp(&x.sin6_addr, &y.sin6_addr, sizeof(x.sin6_addr)) == 0;
  }
  return false;
}

// Shuts down (never closes: CAF owns them) this process's TCP sockets
// connected to `address`, so the middleman drops a connect that timed out.
void abort_connections_to(const NodeAddress& address) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* resolved = nullptr;
  const auto port = std::to_string(address.port);
  if (getaddrinfo(address.host.c_str(), port.c_str(), &hints, &resolved) != 0) {
    return;
  }
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator{"/proc/self/fd", ignored}) {
    int fd = -1;
    const auto name = entry.path().filename().string();
    if (std::from_chars(name.data(), name.data() + name.size(), fd).ec != std::errc{}) {
      continue;
    }
    struct stat info {};
    sockaddr_storage peer{};
    socklen_t length = sizeof(peer);
    if (fstat(fd, &info) != 0 || !S_ISSOCK(info.st_mode) ||
        getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) != 0) {
      continue;
    }
    for (const addrinfo* candidate = resolved; candidate; candidate = candidate->ai_next) {
      if (same_endpoint(peer, candidate->ai_addr)) {
        shutdown(fd, SHUT_RDWR);
        break;
      }
    }
  }
  freeaddrinfo(resolved);
}

}  // namespace

std::string to_string(const NodeAddress& address) {
  const bool ipv6 = address.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + address.host + "]" : address.host) + ":" + std::to_string(address.port);
}

Result<NodeAddress> parse_node_address(std::string_view text, bool allow_any_port) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
      return address_error(text, "'[' without ']' (write [IPV6]:PORT)");
    }
    host = text.substr(1, close - 1);
    if (close + 1 >= text.size() || text[close + 1] != ':') {
      return address_error(text, "no port (write [IPV6]:PORT)");
    }
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return address_error(text, "no port (write HOST:PORT)");
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return address_error(text, "an IPv6 host needs brackets (write [IPV6]:PORT)");
    }
  }
  if (host.empty()) {
    return address_error(text, "no host (write HOST:PORT)");
  }
  if (host.find_first_of(" \t,[]/") != std::string_view::npos) {
    return address_error(text, "the host has a character a host name cannot have");
  }
  unsigned value = 0;
  const auto [end, status] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || status != std::errc{} || end != port.data() + port.size() || value > 65535 ||
      (value == 0 && !allow_any_port)) {
    return address_error(text, allow_any_port ? "the port must be a number from 0 to 65535"
                                              : "the port must be a number from 1 to 65535");
  }
  return NodeAddress{std::string{host}, static_cast<uint16_t>(value)};
}

Result<std::vector<NodeAddress>> parse_node_addresses(std::string_view text) {
  std::vector<NodeAddress> addresses;
  if (text.empty()) {
    return address_error(text, "no node given (write HOST:PORT[,HOST:PORT...])");
  }
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = std::min(text.find(',', start), text.size());
    auto address = parse_node_address(text.substr(start, comma - start));
    if (!address) {
      return std::move(address).error();
    }
    for (const auto& seen : addresses) {
      if (seen == *address) {
        return address_error(text, "node " + to_string(seen) + " is named twice");
      }
    }
    addresses.push_back(std::move(address).value());
    start = comma + 1;
  }
  return addresses;
}

std::optional<Error> check_tls_files(const TlsFiles& tls) {
  if (!tls.enabled()) {
    return std::nullopt;
  }
  const std::pair<const std::string*, const char*> files[] = {
      {&tls.certificate, "certificate (--tls-cert)"},
      {&tls.key, "private key (--tls-key)"},
      {&tls.ca, "CA certificate (--tls-ca)"}};
  for (const auto& [file, what] : files) {
    if (file->empty()) {
      return Error{ErrorCode::file_unreadable,
                   std::string{"TLS needs a certificate, a private key and a CA: the "} + what +
                       " is not given"};
    }
  }
  for (const auto& [file, what] : files) {
    if (auto error = check_readable(*file, what)) {
      return error;
    }
  }
  return std::nullopt;
}

void configure_network(caf::actor_system_config& config, const TlsFiles& tls) {
  config.load<caf::io::middleman>();
  if (tls.enabled()) {
    // With a certificate, key and CA set, CAF's sessions verify the peer on
    // both sides (SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT).
    config.load<caf::openssl::manager>();
    config.openssl_certificate = tls.certificate;
    config.openssl_key = tls.key;
    config.openssl_cafile = tls.ca;
  }
}

bool tls_enabled(const caf::actor_system& system) {
  return system.has_openssl_manager();
}

Result<uint16_t> publish_node(caf::actor_system& system, const warden_actor& warden,
                              const NodeAddress& address) {
  if (!warden) {
    return node_error(address, "cannot publish: no Warden (it was not started or is gone)");
  }
  if (!system.has_middleman()) {
    return node_error(address,
                      "cannot publish: the actor system has no network "
                      "(call configure_network before building it)");
  }
  const char* host = address.host.empty() ? nullptr : address.host.c_str();
  // reuse: a node restarted on its port binds again while old connections linger.
  caf::expected<uint16_t> port{caf::sec::none};
  if (tls_enabled(system)) {
    detail::enable_tls_refusal_log();
    port = caf::openssl::publish(warden, address.port, host, true);
  } else {
    port = system.middleman().publish(warden, address.port, host, true);
  }
  if (!port) {
    return node_error(address, "cannot listen: " + system.render(port.error()));
  }
  return *port;
}

Result<void> unpublish_node(caf::actor_system& system, const warden_actor& warden, uint16_t port) {
  if (!warden || !system.has_middleman()) {
    return {};
  }
  // The middleman actor itself: caf::openssl::unpublish in 0.17 drops the
  // actor's address from its request.
  const caf::io::middleman_actor middleman = tls_enabled(system)
                                                 ? system.openssl_manager().actor_handle()
                                                 : system.middleman().actor_handle();
  caf::anon_send(middleman, caf::unpublish_atom::value, warden.address(), port);
  return {};
}

// CAF 0.17's remote_actor (and openssl::remote_actor) waits without limit:
// the middleman actor asks the BASP broker with an `infinite` timeout, so a
// peer that accepts the TCP connection and never answers the handshake (a
// SIGSTOPped node, a listener that is not a node) keeps it waiting until the
// connection closes. "middleman.connection-timeout" does not help: it acts
// only with heartbeats on, and on nodes past their handshake. Worse, found by
// experiment: with TLS, CAF's multiplexer spins at 100% CPU while SSL_connect
// waits for the peer (every writable event retries it), and the actor
// system's destructor joins the multiplexer, so the process cannot even shut
// down until the peer answers or closes. So connect_node asks the middleman
// actor itself with the caller's timeout, and on timeout shuts down the
// process's sockets to that address (no established connection to it exists:
// CAF would have answered from its cache), which makes CAF drop the pending
// connect as a disconnect.
Result<warden_actor> connect_node(caf::actor_system& system, const NodeAddress& address,
                                  std::chrono::milliseconds timeout) {
  if (!system.has_middleman()) {
    return node_error(address,
                      "cannot connect: the actor system has no network "
                      "(call configure_network before building it)");
  }
  const bool tls = tls_enabled(system);
  const caf::io::middleman_actor middleman =
      tls ? system.openssl_manager().actor_handle() : system.middleman().actor_handle();
  caf::scoped_actor self{system};
  std::optional<Error> failure;
  caf::strong_actor_ptr found;
  std::set<std::string> interface;
  self->request(middleman, timeout, caf::connect_atom::value, address.host, address.port)
      .receive(
          [&](const caf::node_id&, caf::strong_actor_ptr& actor, std::set<std::string>& ifs) {
            found = std::move(actor);
            interface = std::move(ifs);
          },
          [&](caf::error& error) {
            if (error == caf::sec::request_timeout) {
              abort_connections_to(address);
            }
            failure = node_error(address, connect_failure(system, error, tls, timeout));
          });
  if (failure) {
    return *std::move(failure);
  }
  if (!found) {
    return node_error(address, "nothing is published on that port");
  }
  const auto expected = system.message_types<warden_actor>();
  if (!system.assignable(interface, expected)) {
    return node_error(
        address, "not a Warden node of this version: it serves another interface (" +
                     system.render(caf::make_error(caf::sec::unexpected_actor_messaging_interface,
                                                   expected, interface)) +
                     ")");
  }
  return caf::actor_cast<warden_actor>(std::move(found));
}

}  // namespace warden::actors
