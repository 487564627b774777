// `warden serve` as named steps (serve_command.hpp): check the options, start
// Warden, publish it, then wait for signals: SIGHUP reloads every plugin from
// its file, SIGINT/SIGTERM stops after answering what is in flight.
#include "apps/warden/serve_command.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <spdlog/spdlog.h>
#include <thread>
#include <vector>

#include "apps/warden/exit_code.hpp"
#include "apps/warden/interrupt.hpp"
#include "apps/warden/plugin_discovery.hpp"
#include "apps/warden/report.hpp"
#include "warden/warden.hpp"

namespace warden::cli {
namespace {

// Reloads every plugin Warden started with from its file. A reload that
// fails (the file is gone, a syntax error, another id) keeps the running
// code; the log names the file and line.
void reload_plugins(actors::Warden& warden) {
  const auto& plugins = warden.plugins();
  spdlog::info("SIGHUP: reloading {} plugin(s)", plugins.size());
  std::size_t failed = 0;
  for (const auto& plugin : plugins) {
    const actors::LifecycleResult result =
        warden.reload(plugin.id, actors::PluginSpec{plugin.path});
    if (result.error) {
      ++failed;
      spdlog::error("reload of {} failed, keeping its running code: {}", plugin.id,
                    result.error->describe());
    } else {
      spdlog::info("reloaded {} from {} (revision {})", plugin.id, plugin.path, result.revision);
    }
  }
  spdlog::info("reload done: {} reloaded, {} failed", plugins.size() - failed, failed);
}

// Everything is answered once Warden shut down; what is left is the actor
// system's teardown, which waits for every detached actor's thread. It once
// waited forever after hot reloads under remote load. The one cause found
// since (the published supervisor's down message racing the network layer's
// stop) is closed by Warden::shutdown, but a node must stop on SIGTERM
// whatever the cause, so past this bound it leaves without waiting (and
// says so).
void leave_if_teardown_hangs() {
  static constexpr auto kTeardownBound = std::chrono::seconds(10);
  std::thread([] {
    std::this_thread::sleep_for(kTeardownBound);
    spdlog::warn("an actor thread did not end within {} s of stopping; exiting without waiting",
                 kTeardownBound.count());
    std::cerr.flush();
    std::fflush(nullptr);
    std::_Exit(exit_ok);
  }).detach();
}

void log_plugins(const actors::Warden& warden) {
  std::string ids;
  for (const auto& plugin : warden.plugins()) {
    ids += (ids.empty() ? "" : ", ") + plugin.id + (plugin.version.empty() ? "" : "@") +
           plugin.version;
  }
  spdlog::info("serving {} plugin(s): {}", warden.plugins().size(), ids);
  for (const auto& error : warden.load_errors()) {
    spdlog::warn("plugin not loaded: {}", describe(error));
  }
}

}  // namespace

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::optional<std::string> check_serve_options(const ServeOptions& options) {
  if (auto error = actors::check_tls_files(options.tls)) {
    return error->message;
  }
  if (options.tls.enabled()) {
    if (options.insecure) {
      return std::string("--insecure is for plaintext nodes; it cannot go with --tls-*");
    }
    return std::nullopt;
  }
  if (!is_loopback(options.listen.host) && !options.insecure) {
    return "without TLS (--tls-cert, --tls-key, --tls-ca) a node listens on loopback only; "
           "serving plaintext on " +
           actors::to_string(options.listen) + " needs --insecure";
  }
  return std::nullopt;
}

int run_serve(caf::actor_system& system, const ServeOptions& options, Interrupt& interrupt) {
  const std::vector<std::string> plugin_files = resolve_plugin_files(options.plugins.plugin_paths);
  if (plugin_files.empty()) {
    return exit_usage;
  }
  std::unique_ptr<actors::Warden> warden = start_warden(system, options.plugins, plugin_files);
  if (!warden) {
    return exit_usage;
  }
  log_plugins(*warden);
  const bool tls = options.tls.enabled();
  if (!tls && !is_loopback(options.listen.host)) {
    spdlog::warn(
        "--insecure: serving plaintext on {}: anyone who reaches it can scan with "
        "these plugins and read what they answer",
        actors::to_string(options.listen));
  }
  auto port = actors::publish_node(system, warden->supervisor(), options.listen);
  if (!port.ok()) {
    spdlog::error("cannot listen on {}: {}", actors::to_string(options.listen),
                  port.error().message);
    warden->shutdown();
    return exit_usage;
  }
  actors::NodeAddress bound = options.listen;
  bound.port = port.value();
  // One plain line whatever the verbosity: scripts and tests read the port.
  std::cerr << "warden: listening on " << actors::to_string(bound)
            << (tls ? " (mutual TLS)" : " (plaintext)") << std::endl;

  uint64_t seen_hangups = 0;
  for (;;) {
    interrupt.wait(seen_hangups);
    if (interrupt.requested()) {
      break;
    }
    seen_hangups = interrupt.hangups();
    reload_plugins(*warden);
  }
  spdlog::info("{}: answering the scans in flight, then stopping", signal_name(interrupt.signal()));
  warden->shutdown();
  spdlog::info("stopped");
  if (warden->abandoned_threads() > 0) {
    // As in `warden scan`: ~actor_system would wait for a worker stuck in a
    // V8 built-in, perhaps forever; everything is answered, so leave now.
    spdlog::warn("{} abandoned plugin thread(s) still running; exiting without waiting for them",
                 warden->abandoned_threads());
    std::cerr.flush();
    std::fflush(nullptr);
    spdlog::shutdown();
    std::_Exit(exit_ok);
  }
  leave_if_teardown_hangs();
  return exit_ok;
}

}  // namespace warden::cli
