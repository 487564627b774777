#pragma once
// Helpers for the actor tests: plugins written into a temporary folder, small
// transactions, a thread-safe log of worker events with bounded waits, a
// console sink that holds a worker on its thread until the test releases it,
// and a single-Engine reference scan to compare the actor layer against.

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include "warden/engine.hpp"
#include "warden/plugin_source.hpp"
#include "warden/warden.hpp"

namespace warden::test {

// A folder under the system temp dir, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("warden-actors-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes `code` to `name` and returns its path.
  std::string write(const std::string& name, const std::string& code) const {
    const auto file = path_ / name;
    std::ofstream out{file};
    out << code;
    return file.string();
  }
  const std::filesystem::path& path() const {
    return path_;
  }

 private:
  std::filesystem::path path_;
};

// Deterministic findings that depend on the transaction: one per "x-" request
// header, in header order, plus one when the URL mentions "secret".
inline std::string header_plugin(const std::string& id) {
  return R"(export default {
  id: ")" +
         id + R"(",
  scan(txn) {
    const out = [];
    for (const h of txn.request.headers) {
      if (h.name.toLowerCase().startsWith("x-")) {
        out.push({ title: ")" +
         id + R"( header " + h.name, severity: "low", evidence: h.value });
      }
    }
    if (txn.request.url.includes("secret")) {
      out.push({ title: ")" +
         id + R"( secret in URL", severity: "high", cwe: 598 });
    }
    return out;
  },
};
)";
}

// Loops forever on a transaction whose URL mentions "poison"; otherwise one
// finding. Throws on "throw".
inline std::string poison_plugin(const std::string& id) {
  return R"(export default {
  id: ")" +
         id + R"(",
  scan(txn) {
    if (txn.request.url.includes("poison")) { for (;;) {} }
    if (txn.request.url.includes("throw")) { throw new Error("asked to throw"); }
    return [{ title: "seen " + txn.id, severity: "info" }];
  },
};
)";
}

// Busy for about `millis` per scan: saturates a worker.
inline std::string slow_plugin(const std::string& id, int millis) {
  return R"(export default {
  id: ")" +
         id + R"(",
  scan(txn) {
    const end = Date.now() + )" +
         std::to_string(millis) + R"(;
    while (Date.now() < end) {}
    return [{ title: "slow " + txn.id, severity: "info" }];
  },
};
)";
}

inline TransactionPtr make_transaction(std::size_t index) {
  auto transaction = std::make_shared<Transaction>();
  transaction->id = std::to_string(index);
  transaction->request.method = "GET";
  transaction->request.url =
      "https://example.com/item/" + std::to_string(index) + (index % 7 == 0 ? "?secret=1" : "");
  transaction->request.http_version = "HTTP/1.1";
  transaction->request.headers.push_back({"Host", "example.com"});
  for (std::size_t h = 0; h < index % 4; ++h) {
    transaction->request.headers.push_back({"X-Trace-" + std::to_string(h), std::to_string(index)});
  }
  transaction->response.status = 200;
  transaction->response.status_text = "OK";
  transaction->response.mime_type = "text/plain";
  transaction->response.body = "hello";
  return transaction;
}

inline TransactionPtr make_transaction_with_url(std::string id, std::string url) {
  auto transaction = std::make_shared<Transaction>();
  transaction->id = std::move(id);
  transaction->request.method = "GET";
  transaction->request.url = std::move(url);
  transaction->response.status = 200;
  return transaction;
}

// What one Engine per plugin, on this thread, finds in `transactions`: the
// reference the actor layer must match.
inline std::vector<std::vector<Finding>> reference_findings(
    const std::vector<std::string>& plugin_paths, const std::vector<TransactionPtr>& transactions) {
  std::vector<runtime::Engine> engines;
  for (const auto& path : plugin_paths) {
    auto source = runtime::PluginSource::read(path);
    if (!source) {
      throw std::runtime_error(source.error().describe());
    }
    auto engine = runtime::Engine::load(*source, runtime::EngineOptions{});
    if (!engine) {
      throw std::runtime_error(engine.error().describe());
    }
    engines.push_back(std::move(engine).value());
  }
  std::vector<std::vector<Finding>> result;
  for (const auto& transaction : transactions) {
    std::vector<Finding> findings;
    for (auto& engine : engines) {
      auto found = engine.scan(transaction);
      if (!found) {
        throw std::runtime_error(found.error().describe());
      }
      findings.insert(findings.end(), found->begin(), found->end());
    }
    result.push_back(std::move(findings));
  }
  return result;
}

inline bool same_findings(const std::vector<Finding>& a, const std::vector<Finding>& b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].plugin_id != b[i].plugin_id || a[i].transaction_id != b[i].transaction_id ||
        a[i].title != b[i].title || a[i].severity != b[i].severity ||
        a[i].evidence != b[i].evidence || a[i].cwe != b[i].cwe) {
      return false;
    }
  }
  return true;
}

// Worker events recorded from any thread; waits are bounded.
class EventLog {
 public:
  actors::WorkerEventHook hook() {
    return [state = state_](const actors::WorkerEvent& event) {
      std::lock_guard<std::mutex> guard{state->mutex};
      state->events.push_back(event);
      state->changed.notify_all();
    };
  }

  std::vector<actors::WorkerEvent> snapshot() const {
    std::lock_guard<std::mutex> guard{state_->mutex};
    return state_->events;
  }

  // Waits up to `limit` for `predicate(events)`; returns whether it held.
  bool wait_for(const std::function<bool(const std::vector<actors::WorkerEvent>&)>& predicate,
                std::chrono::milliseconds limit = std::chrono::seconds{60}) const {
    std::unique_lock<std::mutex> lock{state_->mutex};
    return state_->changed.wait_for(lock, limit, [&] { return predicate(state_->events); });
  }

 private:
  struct State {
    mutable std::mutex mutex;
    std::condition_variable changed;
    std::vector<actors::WorkerEvent> events;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

// A ConsoleSink that holds the thread of a plugin calling console.log("hold
// NAME") until the test releases NAME: a scan that stays on its worker as long
// as the test needs, with no sleep. Holds are bounded (two minutes), so a
// failing test still ends.
class ConsoleGate {
 public:
  runtime::ConsoleSink sink() {
    return [state = state_](runtime::LogLevel, std::string_view, std::string_view text) {
      constexpr std::string_view prefix = "hold ";
      if (text.substr(0, prefix.size()) != prefix) {
        return;
      }
      const std::string name{text.substr(prefix.size())};
      std::unique_lock<std::mutex> lock{state->mutex};
      state->held.insert(name);
      state->changed.notify_all();
      state->changed.wait_for(lock, std::chrono::minutes{2},
                              [&] { return state->open || state->released.count(name) > 0; });
    };
  }

  // Waits up to `limit` until a plugin holds on NAME; returns whether it did.
  bool wait_held(const std::string& name,
                 std::chrono::milliseconds limit = std::chrono::seconds{60}) const {
    std::unique_lock<std::mutex> lock{state_->mutex};
    return state_->changed.wait_for(lock, limit, [&] { return state_->held.count(name) > 0; });
  }

  void release(const std::string& name) {
    std::lock_guard<std::mutex> guard{state_->mutex};
    state_->released.insert(name);
    state_->changed.notify_all();
  }

  // Releases every hold, now and later.
  void open() {
    std::lock_guard<std::mutex> guard{state_->mutex};
    state_->open = true;
    state_->changed.notify_all();
  }

 private:
  struct State {
    std::mutex mutex;
    std::condition_variable changed;
    std::set<std::string> held;
    std::set<std::string> released;
    bool open = false;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

// A host's actor system config with Warden's types registered.
struct TestConfig : caf::actor_system_config {
  TestConfig() {
    actors::configure(*this);
    actors::use_recommended_scheduler(*this);
  }
};

// Starts Warden or fails the test with the reason.
inline std::unique_ptr<actors::Warden> start_or_fail(caf::actor_system& system,
                                                     actors::WardenConfig config) {
  auto warden = actors::Warden::start(system, std::move(config));
  if (!warden) {
    FAIL("Warden::start failed: " << warden.error().describe());
  }
  return std::move(warden).value();
}

inline std::vector<TransactionPtr> transactions(std::size_t count) {
  std::vector<TransactionPtr> result;
  for (std::size_t i = 0; i < count; ++i) {
    result.push_back(make_transaction(i));
  }
  return result;
}

// The statistics of plugin `id`.
inline const actors::PluginStats& stats_of(const std::vector<actors::PluginStats>& all,
                                           const std::string& id) {
  for (const auto& stats : all) {
    if (stats.plugin_id == id) {
      return stats;
    }
  }
  FAIL("no statistics for " << id);
  return all.front();
}

// counts[key], 0 when absent.
inline std::size_t count_of(const std::map<std::string, uint64_t>& counts, const std::string& key) {
  auto it = counts.find(key);
  return it == counts.end() ? 0 : it->second;
}

// Scans every transaction through scan_stream; returns the reports by
// transaction index and how many reports each index received.
struct StreamResult {
  std::vector<actors::ScanReport> reports;
  std::vector<int> answers;
};

inline StreamResult stream_all(actors::Warden& warden, const std::vector<TransactionPtr>& input,
                               std::size_t max_in_flight = 64,
                               const std::function<void(std::size_t)>& after_report = {}) {
  StreamResult result;
  result.reports.resize(input.size());
  result.answers.assign(input.size(), 0);
  std::size_t next = 0;
  std::size_t received = 0;
  warden.scan_stream(
      [&]() -> std::optional<TransactionPtr> {
        if (next == input.size()) {
          return std::nullopt;
        }
        return input[next++];
      },
      [&](actors::ScanReport&& report) {
        const auto index = static_cast<std::size_t>(std::stoul(report.transaction_id));
        ++result.answers.at(index);
        result.reports[index] = std::move(report);
        ++received;
        if (after_report) {
          after_report(received);
        }
      },
      max_in_flight);
  return result;
}

}  // namespace warden::test
