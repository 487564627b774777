// Logs every peer a TLS node refuses, with its address and the reason, by
// interposing OpenSSL's SSL_accept.
//
// Why: CAF 0.17's TLS sessions (libcaf_openssl) offer no hook on a failed
// handshake and CAF's own logging is compiled out in Debian's build, so a
// refused peer (plaintext, no certificate, another CA, expired) would be
// invisible. libcaf_openssl calls SSL_accept through the dynamic linker, and
// a definition in the executable comes first in the lookup order: this one
// forwards to OpenSSL's (dlsym RTLD_NEXT) and logs a failure that is not
// "wants more data". It only peeks at OpenSSL's error queue: CAF reads it
// after us (SSL_get_error). It must be linked into the executable (not a
// shared library loaded later), which referencing enable_tls_refusal_log
// from publish_node ensures for every program that publishes a node.

#include "actors/tls_refusal_log.hpp"

#include <arpa/inet.h>
#include <atomic>
#include <dlfcn.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>
#include <string>
#include <sys/socket.h>

#include "warden/logger.hpp"

namespace warden::actors::detail {

namespace {

std::atomic<bool> refusal_log_enabled{false};

// "host:port" of the socket's peer, or "unknown peer".
std::string peer_of(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  if (fd < 0 || getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return "unknown peer";
  }
  char host[INET6_ADDRSTRLEN] = {};
  uint16_t port = 0;
  if (address.ss_family == AF_INET) {
    const auto* ipv4 = reinterpret_cast<const sockaddr_in*>(&address);
    inet_ntop(AF_INET, &ipv4->sin_addr, host, sizeof(host));
    port = ntohs(ipv4->sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto* ipv6 = reinterpret_cast<const sockaddr_in6*>(&address);
    inet_ntop(AF_INET6, &ipv6->sin6_addr, host, sizeof(host));
    port = ntohs(ipv6->sin6_port);
  } else {
    return "unknown peer";
  }
  // fmt, not string concatenation: GCC 12 misreports the latter (-Wrestrict).
  return address.ss_family == AF_INET6 ? fmt::format("[{}]:{}", host, port)
                                       : fmt::format("{}:{}", host, port);
}

// Why the handshake failed: the certificate check's verdict when it failed,
// else OpenSSL's latest error, else what the connection did.
std::string reason_of(SSL* ssl, int ssl_error) {
  const long verdict = SSL_get_verify_result(ssl);
  if (verdict != X509_V_OK) {
    return std::string{"certificate verification failed: "} +
           X509_verify_cert_error_string(verdict);
  }
  if (const unsigned long error = ERR_peek_last_error(); error != 0) {
    char text[256];
    ERR_error_string_n(error, text, sizeof(text));
    const int why = ERR_GET_REASON(error);
    const bool not_tls = why == SSL_R_WRONG_VERSION_NUMBER || why == SSL_R_HTTP_REQUEST ||
                         why == SSL_R_PACKET_LENGTH_TOO_LONG || why == SSL_R_UNKNOWN_PROTOCOL;
    return not_tls ? std::string{text} + ": not TLS (a plaintext peer?)" : std::string{text};
  }
  if (ssl_error == SSL_ERROR_SYSCALL || ssl_error == SSL_ERROR_ZERO_RETURN) {
    return "the peer closed the connection during the TLS handshake";
  }
  return "TLS handshake failed (SSL error " + std::to_string(ssl_error) + ")";
}

// Marks a session whose refusal was logged: CAF calls SSL_accept again on a
// session whose handshake already failed (a plaintext peer was logged twice).
int refusal_logged_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

// True the first time for `ssl`, false after.
bool first_refusal_of(SSL* ssl) {
  const int index = refusal_logged_index();
  if (index < 0) {
    return true;  // no mark available: log every time rather than never
  }
  if (SSL_get_ex_data(ssl, index) != nullptr) {
    return false;
  }
  static char logged;
  SSL_set_ex_data(ssl, index, &logged);
  return true;
}

}  // namespace

void enable_tls_refusal_log() {
  refusal_log_enabled.store(true, std::memory_order_relaxed);
}

}  // namespace warden::actors::detail

extern "C" int SSL_accept(SSL* ssl) {
  using Accept = int (*)(SSL*);
  static const auto real = reinterpret_cast<Accept>(dlsym(RTLD_NEXT, "SSL_accept"));
  const int result = real(ssl);
  if (result == 1 || !warden::actors::detail::refusal_log_enabled.load(std::memory_order_relaxed)) {
    return result;
  }
  // SSL_get_error peeks at the error queue; it leaves it for CAF.
  const int ssl_error = SSL_get_error(ssl, result);
  using namespace warden::actors::detail;
  if (ssl_error != SSL_ERROR_WANT_READ && ssl_error != SSL_ERROR_WANT_WRITE &&
      first_refusal_of(ssl)) {
    warden::actors::logger()->warn("TLS: refused peer {}: {}", peer_of(SSL_get_fd(ssl)),
                                   reason_of(ssl, ssl_error));
  }
  return result;
}
