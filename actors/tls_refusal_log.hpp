#pragma once
// The switch of the log line for every peer a TLS node refuses (the
// interposed SSL_accept lives in tls_refusal_log.cpp).

namespace warden::actors::detail {

// Turns the refusal log on for this process (publish_node with TLS calls it;
// referencing it also links the interposed SSL_accept into the executable).
void enable_tls_refusal_log();

}  // namespace warden::actors::detail
