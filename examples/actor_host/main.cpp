// warden_actor_host: a host that is itself an event-based CAF actor. It starts
// Warden with a well-behaved plugin and one that loops forever on every scan,
// then works without ever blocking: it subscribes to Warden's lifecycle
// events, scans a HAR file's transactions through the well-behaved plugin
// with one request to the supervisor, asks the supervisor for the looping
// plugin's handle and sends that two scans, and reads the statistics; every
// answer comes back through request(...).then(...). It prints what it got and
// exits 0 only if the looping plugin's scans were answered `timeout` and the
// other plugin's findings arrived.
//
//   warden_actor_host [traffic.har [plugin.js]]

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <unistd.h>
#include <vector>

#include <caf/all.hpp>

#include "warden/events.hpp"
#include "warden/har_reader.hpp"
#include "warden/protocol.hpp"
#include "warden/v8_platform.hpp"
#include "warden/warden.hpp"

namespace {

using namespace std::chrono_literals;
using warden::ErrorCode;
using warden::TransactionPtr;
using warden::actors::event_atom;
using warden::actors::event_listener_actor;
using warden::actors::plugin_actor;
using warden::actors::plugin_atom;
using warden::actors::PluginStats;
using warden::actors::scan_atom;
using warden::actors::ScanReport;
using warden::actors::stats_atom;
using warden::actors::subscribe_atom;
using warden::actors::unsubscribe_atom;
using warden::actors::warden_actor;
using warden::actors::WardenEvent;

// Never returns from a scan: only the engine's time limit stops it.
constexpr const char* kLoopingPlugin = R"(export default {
  id: "looping",
  scan(txn) {
    for (;;) {}
  },
};
)";

// Scans sent to the looping plugin's handle; each costs its worker twice
// (the scan and its one retry), well within the restart policy's bound.
constexpr std::size_t kLoopingScans = 2;

struct HostState {
  std::size_t pending = 0;  // requests not answered yet
  uint64_t findings = 0;    // the well-behaved plugin's
  uint64_t failures = 0;    // the well-behaved plugin's
  uint64_t timeouts = 0;    // looping scans answered `timeout`
  uint64_t other = 0;       // looping scans answered anything else
  static inline const char* name = "warden.actor_host";
};

using Host = caf::stateful_actor<HostState>*;

// The last answer came: statistics, unsubscribe, then the outcome to main().
void finish(Host self, const warden_actor& warden, const caf::actor& report_to) {
  self->request(warden, 60s, stats_atom::value)
      .then(
          [self, warden, report_to](std::vector<PluginStats>& all) {
            for (const auto& stats : all) {
              std::string restarts;
              for (const auto& [reason, count] : stats.restarts_by_reason) {
                restarts += " " + reason + "=" + std::to_string(count);
              }
              caf::aout(self) << "stats: " << stats.plugin_id << " scans=" << stats.scans
                              << " findings=" << stats.findings << " restarts:" << restarts
                              << std::endl;
            }
            self->request(warden, 60s, unsubscribe_atom::value,
                          caf::actor_cast<event_listener_actor>(self))
                .then([self, report_to](bool) {
                  const auto& state = self->state;
                  self->send(report_to, caf::ok_atom::value, state.findings, state.failures,
                             state.timeouts, state.other);
                  self->quit();
                });
          },
          [self, report_to](caf::error& error) {
            caf::aout(self) << "no statistics: " << self->system().render(error) << std::endl;
            self->send(report_to, caf::ok_atom::value, self->state.findings, self->state.failures,
                       self->state.timeouts, self->state.other);
            self->quit();
          });
}

void answered(Host self, const warden_actor& warden, const caf::actor& report_to) {
  if (--self->state.pending == 0) {
    finish(self, warden, report_to);
  }
}

// The looping plugin's answer to one scan through its handle.
void count_looping(Host self, const ScanReport& report) {
  for (const auto& failure : report.failures) {
    caf::aout(self) << "looping: " << report.transaction_id << " -> " << failure.error.describe()
                    << std::endl;
    ++(failure.error.code == ErrorCode::timeout ? self->state.timeouts : self->state.other);
  }
  if (report.failures.empty()) {
    ++self->state.other;
  }
}

caf::behavior actor_host(Host self, warden_actor warden, std::vector<TransactionPtr> transactions,
                         std::string plugin_id, caf::actor report_to) {
  // An event-based actor that handles (event_atom, WardenEvent) is an event
  // listener: the typed handle is a cast away.
  self->request(warden, 60s, subscribe_atom::value, caf::actor_cast<event_listener_actor>(self))
      .then([self](bool subscribed) {
        caf::aout(self) << (subscribed ? "subscribed to events" : "not subscribed") << std::endl;
      });

  // The well-behaved plugin, through the supervisor: one request, one answer
  // with a report per transaction.
  ++self->state.pending;
  self->request(warden, 120s, scan_atom::value, plugin_id, transactions)
      .then(
          [self, warden, report_to](std::vector<ScanReport>& reports) {
            for (const auto& report : reports) {
              for (const auto& finding : report.findings) {
                ++self->state.findings;
                caf::aout(self) << report.transaction_id + " [" +
                                       std::string{warden::to_string(finding.severity)} + "] " +
                                       finding.plugin_id + ": " + finding.title
                                << std::endl;
              }
              for (const auto& failure : report.failures) {
                ++self->state.failures;
                caf::aout(self) << report.transaction_id << " [failed] " << failure.plugin_id
                                << ": " << failure.error.describe() << std::endl;
              }
            }
            answered(self, warden, report_to);
          },
          [self, warden, report_to](caf::error& error) {
            caf::aout(self) << "scan failed: " << self->system().render(error) << std::endl;
            answered(self, warden, report_to);
          });

  // The looping plugin, through its own handle.
  ++self->state.pending;
  self->request(warden, 60s, plugin_atom::value, std::string{"looping"})
      .then(
          [self, warden, report_to, transactions](plugin_actor& looping) {
            for (std::size_t i = 0; i < kLoopingScans && i < transactions.size(); ++i) {
              ++self->state.pending;
              self->request(looping, 120s, scan_atom::value, transactions[i])
                  .then(
                      [self, warden, report_to](ScanReport& report) {
                        count_looping(self, report);
                        answered(self, warden, report_to);
                      },
                      [self, warden, report_to](caf::error& error) {
                        caf::aout(self)
                            << "looping scan failed: " << self->system().render(error) << std::endl;
                        ++self->state.other;
                        answered(self, warden, report_to);
                      });
            }
            answered(self, warden, report_to);
          },
          [self, warden, report_to](caf::error& error) {
            const auto why = warden::actors::request_error_of(error);
            caf::aout(self) << "no handle: "
                            << (why ? why->describe() : self->system().render(error)) << std::endl;
            ++self->state.other;
            answered(self, warden, report_to);
          });

  return {
      [self](event_atom, const WardenEvent& event) {
        caf::aout(self) << "event: " + std::string{warden::actors::to_string(event.kind)} + " " +
                               event.plugin_id + " (" + event.reason + "): " + event.detail
                        << std::endl;
      },
  };
}

std::vector<TransactionPtr> read_transactions(const std::string& path) {
  std::vector<TransactionPtr> transactions;
  auto read = warden::runtime::read_har_file(path, [&](warden::Transaction&& transaction) {
    transactions.push_back(std::make_shared<const warden::Transaction>(std::move(transaction)));
    return true;
  });
  if (!read) {
    throw std::runtime_error(read.error().describe());
  }
  return transactions;
}

int run(int argc, char* argv[]) {
  const std::string har = argc > 1 ? argv[1] : WARDEN_ACTOR_HOST_HAR;
  const std::string plugin = argc > 2 ? argv[2] : WARDEN_ACTOR_HOST_PLUGIN;
  if (har.empty() || plugin.empty()) {
    std::cerr << "usage: " << argv[0] << " traffic.har plugin.js\n";
    return 2;
  }
  const auto transactions = read_transactions(har);
  const auto dir =
      std::filesystem::temp_directory_path() / ("warden-actor-host-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto looping_path = (dir / "looping.js").string();
  std::ofstream{looping_path} << kLoopingPlugin;

  warden::actors::WardenConfig config;
  config.plugins = {{plugin}, {looping_path}};
  config.limits.scan_timeout = 300ms;

  warden::runtime::V8Platform v8;  // outlives the actor system below
  caf::actor_system_config caf_config;
  warden::actors::configure(caf_config);
  caf::actor_system system{caf_config};
  auto started = warden::actors::Warden::start(system, config);
  std::filesystem::remove_all(dir);  // loaded: the source is held in memory
  if (!started) {
    std::cerr << "cannot start Warden: " << started.error().describe() << "\n";
    return 1;
  }
  auto& warden = *started;
  if (!warden->load_errors().empty()) {  // both plugins must run
    std::cerr << "not loaded: " << warden->load_errors().front().describe() << "\n";
    return 1;
  }
  const auto plugin_id = warden->plugins().front().id;

  caf::scoped_actor main_actor{system};
  system.spawn(actor_host, warden->supervisor(), transactions, plugin_id,
               caf::actor_cast<caf::actor>(main_actor));
  uint64_t findings = 0, failures = 0, timeouts = 0, other = 0;
  bool done = false;
  main_actor->receive(
      [&](caf::ok_atom, uint64_t f, uint64_t e, uint64_t t, uint64_t o) {
        findings = f;
        failures = e;
        timeouts = t;
        other = o;
        done = true;
      },
      caf::after(std::chrono::seconds{300}) >> [] {});
  warden->shutdown();  // answers everything in flight, stops every worker
  std::cout << "actor_host: " << transactions.size() << " transactions, " << plugin_id
            << " findings " << findings << ", failures " << failures << "; looping timeouts "
            << timeouts << " of " << kLoopingScans << ", other answers " << other
            << (done ? "" : "; the host actor did not finish") << "\n";
  const bool ok = done && findings > 0 &&
                  timeouts == std::min(kLoopingScans, transactions.size()) && timeouts > 0 &&
                  other == 0;
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char* argv[]) {
  try {
    return run(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << "fatal: " << error.what() << "\n";
    return 1;
  }
}
