// warden_hot_reload: hot reload under load. Several host threads keep
// scanning through the supervisor (each with requests in flight) while the
// main thread reloads one plugin at least 100 times, some reloads with a
// syntax error. Every request has its own id and every answer is counted by
// it, then one line says what happened:
//
//   hot-reload: reloads R, failed reloads F, requests N, answered A, lost L, answered twice D
//
// R: reload calls; F: those that failed (each one with a syntax error, as
// meant); N: scan requests sent; A: requests answered by the plugin (one
// finding, from the version the report names); L: requests never answered
// that way; D: requests answered more than once. Exits 1 unless A == N,
// L == 0, D == 0 and every reload ended as meant.
//
//   warden_hot_reload [reloads] [threads]

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>

#include "warden/transaction.hpp"
#include "warden/v8_platform.hpp"
#include "warden/warden.hpp"

namespace {

using namespace warden;
using namespace warden::actors;

constexpr int kWindow = 8;    // requests each thread keeps in flight
constexpr int kBadEvery = 7;  // every 7th reload has a syntax error
constexpr auto kAnswerBound = std::chrono::seconds(60);

// Version `version` of the plugin: one finding per scan, naming the version.
std::string plugin_code(int version) {
  return "export default {\n  id: \"hot\",\n  scan(txn) {\n    return [{ title: \"v" +
         std::to_string(version) + " \" + txn.id, severity: \"info\" }];\n  },\n};\n";
}

PluginSpec spec_of(std::string source) {
  PluginSpec spec;
  spec.name = "hot.js";
  spec.source = std::move(source);
  return spec;
}

// Every request's answers, by request id; the revision each version has.
class Ledger {
 public:
  void expect_version(int version, const std::string& revision) {
    std::lock_guard<std::mutex> guard{mutex_};
    revision_of_[version] = revision;
  }

  // Keeps what the answer says produced it; checked against the versions'
  // revisions at the end (a reload's answer may come after the new version's
  // first answers).
  void record(uint64_t id, const ScanReport& report) {
    std::lock_guard<std::mutex> guard{mutex_};
    auto& entry = requests_[id];
    ++entry.answers;
    if (!report.failures.empty() || report.findings.size() != 1 || report.revisions.size() != 1) {
      return;
    }
    const auto& title = report.findings[0].title;  // "v<version> <id>"
    const int version = std::atoi(title.c_str() + 1);
    std::string expected = "v";  // built in steps: GCC 12 warns on one long `+` chain
    expected += std::to_string(version);
    expected += ' ';
    expected += report.transaction_id;
    if (title == expected) {
      entry.version = version;
      entry.revision = report.revisions[0].revision;
    }
  }

  void sent(uint64_t id) {
    std::lock_guard<std::mutex> guard{mutex_};
    requests_.emplace(id, Request{});
  }

  struct Totals {
    std::size_t requests = 0, answered = 0, lost = 0, twice = 0;
  };
  Totals totals() const {
    std::lock_guard<std::mutex> guard{mutex_};
    Totals totals;
    for (const auto& [id, request] : requests_) {
      ++totals.requests;
      const auto it = revision_of_.find(request.version);
      if (request.answers >= 1 && it != revision_of_.end() && !request.revision.empty() &&
          it->second == request.revision) {
        ++totals.answered;
      } else {
        ++totals.lost;
      }
      if (request.answers > 1) {
        ++totals.twice;
      }
    }
    return totals;
  }

 private:
  struct Request {
    int answers = 0;
    int version = -1;      // the version whose finding answered it
    std::string revision;  // the revision the answer named
  };

  mutable std::mutex mutex_;
  std::map<int, std::string> revision_of_;
  std::unordered_map<uint64_t, Request> requests_;
};

// One host thread: keeps kWindow scans in flight until told to stop, then
// waits for what it sent (bounded).
void load(caf::actor_system& system, const warden_actor& supervisor, Ledger& ledger,
          std::atomic<uint64_t>& next_id, const std::atomic<bool>& stop) {
  caf::scoped_actor host{system};
  int in_flight = 0;
  bool gave_up = false;
  while (!gave_up && (!stop.load() || in_flight > 0)) {
    while (!stop.load() && in_flight < kWindow) {
      const uint64_t id = next_id++;
      auto transaction = std::make_shared<Transaction>();
      transaction->id = std::to_string(id);
      transaction->request.method = "GET";
      transaction->request.url = "https://example.com/item/" + std::to_string(id);
      transaction->response.status = 200;
      ledger.sent(id);
      host->send(supervisor, scan_atom::value, TransactionPtr{std::move(transaction)});
      ++in_flight;
    }
    if (in_flight == 0) {
      break;
    }
    host->receive(
        [&](ScanReport& report) {
          --in_flight;
          ledger.record(std::stoull(report.transaction_id), report);
        },
        caf::after(kAnswerBound) >> [&] { gave_up = true; });  // the rest count as lost
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int reloads = argc > 1 ? std::max(1, std::atoi(argv[1])) : 120;
  const int threads = argc > 2 ? std::max(1, std::atoi(argv[2])) : 4;

  warden::runtime::V8Platform v8;  // first: outlives the actor system
  caf::actor_system_config caf_config;
  configure(caf_config);
  caf::actor_system system{caf_config};

  WardenConfig config;
  PluginSpec first = spec_of(plugin_code(0));
  config.plugins = {first};
  config.workers_per_plugin = 2;
  auto started = Warden::start(system, config);
  if (!started) {
    std::cerr << "hot-reload: Warden did not start: " << started.error().describe() << "\n";
    return 1;
  }
  auto& warden = *started.value();

  Ledger ledger;
  const auto initial = warden.stats();
  ledger.expect_version(0, initial.empty() ? std::string{} : initial[0].revision);
  std::atomic<uint64_t> next_id{1};
  std::atomic<bool> stop{false};
  std::vector<std::thread> hosts;
  for (int i = 0; i < threads; ++i) {
    hosts.emplace_back([&] { load(system, warden.supervisor(), ledger, next_id, stop); });
  }

  int failed = 0;
  int unexpected = 0;  // reloads that did not end as meant
  int version = 0;
  for (int reload = 1; reload <= reloads; ++reload) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // let requests queue up
    if (reload % kBadEvery == 0) {
      // A syntax error on line 3: the old version must keep serving.
      const auto result = warden.reload(
          "hot", spec_of("export default {\n  id: \"hot\",\n  scan(txn) { return [ }\n};\n"));
      ++failed;
      if (!result.error || result.error->code != ErrorCode::syntax_error ||
          result.error->file != "hot.js" || result.error->line != 3) {
        std::cerr << "hot-reload: reload " << reload << " with a syntax error was not refused\n";
        ++unexpected;
      }
      continue;
    }
    const std::string code = plugin_code(++version);
    const auto result = warden.reload("hot", spec_of(code));
    if (result.error) {
      std::cerr << "hot-reload: reload " << reload << " failed: " << result.error->describe()
                << "\n";
      ++unexpected;
      continue;
    }
    ledger.expect_version(version, result.revision);
  }
  stop = true;
  for (auto& host : hosts) {
    host.join();
  }
  warden.shutdown();

  const auto totals = ledger.totals();
  std::cout << "hot-reload: reloads " << reloads << ", failed reloads " << failed << ", requests "
            << totals.requests << ", answered " << totals.answered << ", lost " << totals.lost
            << ", answered twice " << totals.twice << std::endl;
  const bool ok = totals.answered == totals.requests && totals.lost == 0 && totals.twice == 0 &&
                  unexpected == 0;
  return ok ? 0 : 1;
}
