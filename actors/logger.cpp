// The actor layer's logger: the host's, the registered "warden", or stderr.
#include "warden/logger.hpp"

#include <mutex>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <utility>

namespace warden::actors {
namespace {

std::mutex g_mutex;
std::shared_ptr<spdlog::logger> g_chosen;    // set_logger's, or null
std::shared_ptr<spdlog::logger> g_fallback;  // made on first use, never registered

}  // namespace

std::shared_ptr<spdlog::logger> logger() {
  std::lock_guard<std::mutex> guard{g_mutex};
  if (g_chosen) {
    return g_chosen;
  }
  // Looked up on every call: a host may register "warden" after Warden started.
  if (auto registered = spdlog::get("warden")) {
    return registered;
  }
  if (!g_fallback) {
    // Not registered, so a host can still create its own "warden" later.
    g_fallback = std::make_shared<spdlog::logger>(
        "warden", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  }
  return g_fallback;
}

void set_logger(std::shared_ptr<spdlog::logger> replacement) {
  std::lock_guard<std::mutex> guard{g_mutex};
  g_chosen = std::move(replacement);
}

}  // namespace warden::actors
