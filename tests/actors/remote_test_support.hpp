#pragma once
// In-process Warden nodes for the RemoteWarden tests: a relay actor in front
// of each node's Warden that the test can kill (a node dying), pause (a
// partitioned node that comes back) or slow down, and a Cluster of nodes
// whose connector maps node addresses to relays.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "tests/actors/actors_test_support.hpp"
#include "warden/remote_warden.hpp"

namespace warden::test {

using actors::describe_atom;
using actors::NodeAddress;
using actors::NodeInfo;
using actors::PluginSpec;
using actors::RemoteOptions;
using actors::scan_atom;
using actors::ScanReport;
using actors::Warden;
using actors::warden_actor;
using actors::WardenConfig;
using namespace std::chrono_literals;

using pause_atom = caf::atom_constant<caf::atom("rpause")>;
using resume_atom = caf::atom_constant<caf::atom("rresume")>;
using answer_atom = caf::atom_constant<caf::atom("ranswer")>;

// A node's front door: forwards scans and describe to its Warden. Paused, it
// holds every request until resumed; with a delay, it holds each answer that
// long. Killed, it answers nothing more (its promises die with it).
struct RelayState {
  warden_actor node;
  std::chrono::milliseconds delay{0};
  bool paused = false;
  std::vector<std::function<void()>> held;            // requests while paused
  std::map<uint64_t, std::function<void()>> answers;  // delayed answers by key
  uint64_t next_answer = 0;
};

inline caf::behavior relay(caf::stateful_actor<RelayState>* self, warden_actor node,
                           std::chrono::milliseconds delay) {
  self->state.node = std::move(node);
  self->state.delay = delay;
  auto admit = [self](std::function<void()> forward) {
    if (self->state.paused) {
      self->state.held.push_back(std::move(forward));
    } else {
      forward();
    }
  };
  return {
      [self, admit](scan_atom,
                    std::vector<TransactionPtr>& batch) -> caf::result<std::vector<ScanReport>> {
        auto promise = self->make_response_promise<std::vector<ScanReport>>();
        admit([self, promise, batch]() mutable {
          self->request(self->state.node, caf::infinite, scan_atom::value, batch)
              .then(
                  [self, promise](std::vector<ScanReport>& reports) mutable {
                    if (self->state.delay == 0ms) {
                      promise.deliver(std::move(reports));
                      return;
                    }
                    const auto key = self->state.next_answer++;
                    self->state.answers[key] = [promise, reports]() mutable {
                      promise.deliver(std::move(reports));
                    };
                    self->delayed_send(self, self->state.delay, answer_atom::value, key);
                  },
                  [promise](caf::error& error) mutable { promise.deliver(std::move(error)); });
        });
        return promise;
      },
      [self, admit](describe_atom) -> caf::result<NodeInfo> {
        auto promise = self->make_response_promise<NodeInfo>();
        admit([self, promise]() mutable {
          self->request(self->state.node, caf::infinite, describe_atom::value)
              .then([promise](NodeInfo& info) mutable { promise.deliver(std::move(info)); },
                    [promise](caf::error& error) mutable { promise.deliver(std::move(error)); });
        });
        return promise;
      },
      [self](pause_atom, int millis) {
        self->state.paused = true;
        self->delayed_send(self, std::chrono::milliseconds{millis}, resume_atom::value);
      },
      [self](resume_atom) {
        self->state.paused = false;
        auto held = std::move(self->state.held);
        self->state.held.clear();
        for (auto& forward : held) {
          forward();
        }
      },
      [self](answer_atom, uint64_t key) {
        auto found = self->state.answers.find(key);
        if (found != self->state.answers.end()) {
          auto answer = std::move(found->second);
          self->state.answers.erase(found);
          answer();
        }
      },
  };
}

inline actors::NodeAddress address_of(std::size_t index) {
  return NodeAddress{"127.0.0.1", static_cast<uint16_t>(7000 + index)};
}

inline std::string name_of(std::size_t index) {
  return to_string(address_of(index));
}

// Nodes in this process: one Warden and one relay each, all in one actor
// system; the connector hands out a node's relay unless the test made that
// node unreachable.
class Cluster {
 public:
  explicit Cluster(std::vector<std::vector<PluginSpec>> plugins_per_node,
                   std::vector<std::chrono::milliseconds> delays = {})
      : system_(config_) {
    delays.resize(plugins_per_node.size(), 0ms);
    for (std::size_t i = 0; i < plugins_per_node.size(); ++i) {
      WardenConfig config;
      config.plugins = plugins_per_node[i];
      config.workers_per_plugin = 1;
      wardens_.push_back(start_or_fail(system_, config));
      delays_.push_back(delays[i]);
      relays_.push_back(spawn_relay(i));
      reachable_.push_back(true);
    }
  }

  ~Cluster() {
    for (const auto& relay : relays_) {
      caf::anon_send_exit(relay, caf::exit_reason::kill);
    }
  }

  caf::actor_system& system() {
    return system_;
  }

  RemoteOptions options() {
    RemoteOptions options;
    for (std::size_t i = 0; i < relays_.size(); ++i) {
      options.nodes.push_back(address_of(i));
    }
    options.answer_timeout = 10s;
    options.reconnect_interval = 100ms;
    options.give_up_after = 5s;
    options.connect_timeout = 5s;
    options.connector = [this](const NodeAddress& address) -> Result<warden_actor> {
      std::lock_guard<std::mutex> guard{mutex_};
      const std::size_t index = address.port - 7000;
      if (index >= relays_.size() || !reachable_[index]) {
        return Error(ErrorCode::node_unreachable, "connection refused by " + to_string(address));
      }
      return caf::actor_cast<warden_actor>(relays_[index]);
    };
    return options;
  }

  // The node dies: its relay is killed and it cannot be dialled.
  void kill(std::size_t index) {
    std::lock_guard<std::mutex> guard{mutex_};
    reachable_[index] = false;
    caf::anon_send_exit(relays_[index], caf::exit_reason::kill);
  }

  // The node comes back behind a new relay, reachable again.
  void revive(std::size_t index) {
    std::lock_guard<std::mutex> guard{mutex_};
    relays_[index] = spawn_relay(index);
    reachable_[index] = true;
  }

  void set_reachable(std::size_t index, bool reachable) {
    std::lock_guard<std::mutex> guard{mutex_};
    reachable_[index] = reachable;
  }

  // The node holds every request for `duration`, then answers them.
  void pause(std::size_t index, std::chrono::milliseconds duration) {
    std::lock_guard<std::mutex> guard{mutex_};
    caf::anon_send(relays_[index], pause_atom::value, static_cast<int>(duration.count()));
  }

 private:
  caf::actor spawn_relay(std::size_t index) {
    return system_.spawn(relay, wardens_[index]->supervisor(), delays_[index]);
  }

  TestConfig config_;
  caf::actor_system system_;
  std::vector<std::unique_ptr<Warden>> wardens_;
  std::vector<std::chrono::milliseconds> delays_;
  std::mutex mutex_;  // the connector runs on dial threads
  std::vector<caf::actor> relays_;
  std::vector<bool> reachable_;
};

}  // namespace warden::test
