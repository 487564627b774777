#pragma once
// Where the actor layer's own log lines go: one spdlog logger, never stdout.
// Default: the logger a host registered with spdlog under the name "warden",
// else one of Warden's own named "warden" that writes to stderr. A host routes
// them elsewhere with set_logger (or WardenConfig::logger).

#include <memory>

namespace spdlog {
class logger;
}

namespace warden::actors {

// The logger every line of the actor layer goes to. Thread-safe.
std::shared_ptr<spdlog::logger> logger();

// Sends the actor layer's lines to `replacement` from now on; null goes back
// to the default. Process-wide, like spdlog's own default logger. Thread-safe.
void set_logger(std::shared_ptr<spdlog::logger> replacement);

}  // namespace warden::actors
