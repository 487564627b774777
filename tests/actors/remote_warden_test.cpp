// RemoteWarden against in-process nodes: real Warden instances, each behind a
// relay actor the test can kill (a node dying), pause (a partitioned node
// that comes back) or slow down; the connector maps addresses to relays.
#include "warden/remote_warden.hpp"

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include <catch2/catch.hpp>

#include "tests/actors/actors_test_support.hpp"
#include "tests/actors/remote_test_support.hpp"

using namespace std::chrono_literals;
using namespace warden;
using namespace warden::actors;
using namespace warden::test;

namespace {

// Plugins every node serves: one written here, one shipped.
struct Plugins {
  TempDir dir;
  std::vector<PluginSpec> specs{{dir.write("alpha.js", header_plugin("alpha"))},
                                {std::string{WARDEN_PLUGINS_DIR} + "/sensitive-data-in-url.js"}};
};

// What a remote scan handed on, in the order it did.
struct RemoteResult {
  std::vector<ScanReport> reports;
  std::optional<Error> error;
  std::size_t most_held = 0;  // most transactions read and not yet handed on
};

RemoteResult scan_remote(RemoteWarden& remote, const std::vector<TransactionPtr>& input,
                         const std::function<void(std::size_t)>& after_report = {},
                         std::chrono::milliseconds per_transaction = 0ms) {
  RemoteResult result;
  std::size_t next = 0;
  result.error = remote.scan_stream(
      [&]() -> std::optional<TransactionPtr> {
        if (next == input.size()) {
          return std::nullopt;
        }
        if (per_transaction > 0ms) {
          std::this_thread::sleep_for(per_transaction);
        }
        ++next;
        result.most_held = std::max(result.most_held, next - result.reports.size());
        return input[next - 1];
      },
      [&](ScanReport&& report) {
        result.reports.push_back(std::move(report));
        if (after_report) {
          after_report(result.reports.size());
        }
      });
  return result;
}

// The reports of a local scan with the same plugins, by transaction index.
std::vector<ScanReport> local_reports(const std::vector<PluginSpec>& plugins,
                                      const std::vector<TransactionPtr>& input) {
  TestConfig config;
  caf::actor_system system{config};
  WardenConfig warden_config;
  warden_config.plugins = plugins;
  warden_config.workers_per_plugin = 1;
  auto warden = start_or_fail(system, warden_config);
  auto result = stream_all(*warden, input);
  warden->shutdown();
  return result.reports;
}

// The first `count` reports equal the local ones, in input order, each once.
void check_prefix(const std::vector<ScanReport>& remote, const std::vector<ScanReport>& local,
                  std::size_t count) {
  REQUIRE(remote.size() == count);
  for (std::size_t i = 0; i < count; ++i) {
    INFO("report " << i);
    REQUIRE(remote[i].transaction_id == std::to_string(i));
    CHECK(remote[i].failures.empty());
    CHECK(same_findings(remote[i].findings, local[i].findings));
  }
}

std::unique_ptr<RemoteWarden> connect_or_fail(caf::actor_system& system, RemoteOptions options) {
  auto remote = RemoteWarden::connect(system, std::move(options));
  if (!remote) {
    FAIL("RemoteWarden::connect failed: " << remote.error().describe());
  }
  return std::move(remote).value();
}

uint64_t total_answered(const std::vector<RemoteNodeStats>& stats) {
  uint64_t total = 0;
  for (const auto& node : stats) {
    total += node.answered;
  }
  return total;
}

}  // namespace

TEST_CASE("two and three nodes give the reports of a local scan, in input order, once each",
          "[actors][remote]") {
  Plugins plugins;
  const auto input = transactions(300);
  const auto local = local_reports(plugins.specs, input);
  std::size_t with_findings = 0;
  for (const auto& report : local) {
    with_findings += report.findings.empty() ? 0 : 1;
  }
  REQUIRE(with_findings > 100);
  for (std::size_t count : {2, 3}) {
    INFO(count << " nodes");
    Cluster cluster{std::vector<std::vector<PluginSpec>>(count, plugins.specs)};
    auto options = cluster.options();
    options.window_per_node = 16;
    auto remote = connect_or_fail(cluster.system(), options);
    CHECK(remote->node_info().plugins.size() == 2);
    auto result = scan_remote(*remote, input);
    REQUIRE_FALSE(result.error);
    check_prefix(result.reports, local, input.size());
    const auto stats = remote->node_stats();
    REQUIRE(stats.size() == count);
    CHECK(total_answered(stats) == input.size());
    for (const auto& node : stats) {
      CHECK(node.connected);
      CHECK(node.answered > 0);
      CHECK(node.late == 0);
      CHECK(node.disconnects == 0);
    }
    // A second scan on the same connection starts afresh.
    auto again = scan_remote(*remote, transactions(20));
    REQUIRE_FALSE(again.error);
    check_prefix(again.reports, local, 20);
  }
}

TEST_CASE("a node killed mid-stream: its transactions go to the others, each answered once",
          "[actors][remote]") {
  Plugins plugins;
  const auto input = transactions(400);
  const auto local = local_reports(plugins.specs, input);
  Cluster cluster{std::vector<std::vector<PluginSpec>>(3, plugins.specs)};
  auto options = cluster.options();
  options.window_per_node = 16;
  auto remote = connect_or_fail(cluster.system(), options);
  auto result = scan_remote(*remote, input, [&](std::size_t received) {
    if (received == 60) {
      cluster.kill(1);
    }
  });
  REQUIRE_FALSE(result.error);
  check_prefix(result.reports, local, input.size());
  const auto stats = remote->node_stats();
  CHECK(total_answered(stats) == input.size());
  CHECK_FALSE(stats[1].connected);
  CHECK(stats[1].disconnects == 1);
  CHECK(stats[1].reconnects == 0);
  CHECK(stats[0].answered + stats[2].answered > stats[1].answered);
}

// A node whose answers are misaligned (a bug, another build, a compromised
// node): each chunk's first two reports swap their transaction ids.
caf::behavior misaligning_node(caf::event_based_actor* self, caf::actor node) {
  return {
      [self, node](scan_atom, std::vector<TransactionPtr>& batch) {
        auto promise = self->make_response_promise<std::vector<ScanReport>>();
        self->request(node, caf::infinite, scan_atom::value, std::move(batch))
            .then(
                [promise](std::vector<ScanReport>& reports) mutable {
                  if (reports.size() >= 2) {
                    std::swap(reports[0].transaction_id, reports[1].transaction_id);
                  }
                  promise.deliver(std::move(reports));
                },
                [promise](caf::error& error) mutable { promise.deliver(std::move(error)); });
        return promise;
      },
      [self, node](describe_atom) { return self->delegate(node, describe_atom::value); },
  };
}

TEST_CASE("a node whose reports name the wrong transactions is dropped, and nothing is misfiled",
          "[actors][remote]") {
  Plugins plugins;
  const auto input = transactions(200);
  const auto local = local_reports(plugins.specs, input);
  Cluster cluster{std::vector<std::vector<PluginSpec>>(2, plugins.specs)};
  auto options = cluster.options();
  options.window_per_node = 16;
  const auto honest = options.connector;
  auto& system = cluster.system();
  options.connector = [honest, &system](const NodeAddress& address) -> Result<warden_actor> {
    auto relay = honest(address);
    if (!relay.ok() || address.port != address_of(1).port) {
      return relay;
    }
    return caf::actor_cast<warden_actor>(
        system.spawn(misaligning_node, caf::actor_cast<caf::actor>(relay.value())));
  };
  auto remote = connect_or_fail(system, options);
  auto result = scan_remote(*remote, input);
  REQUIRE_FALSE(result.error);
  check_prefix(result.reports, local, input.size());  // every report under its own transaction
  const auto stats = remote->node_stats();
  CHECK(stats[1].answered == 0);
  CHECK(stats[1].disconnects >= 1);
  CHECK(stats[0].answered == input.size());
}

TEST_CASE(
    "a paused node past answer_timeout: its requests go to the others, its late answers are "
    "dropped, nothing is reported twice",
    "[actors][remote]") {
  Plugins plugins;
  const auto input = transactions(300);
  const auto local = local_reports(plugins.specs, input);
  Cluster cluster{std::vector<std::vector<PluginSpec>>(2, plugins.specs)};
  auto options = cluster.options();
  options.window_per_node = 16;
  options.answer_timeout = 300ms;
  auto remote = connect_or_fail(cluster.system(), options);
  cluster.pause(1, 900ms);
  // About 1.5 s of input: the paused node's answers come while the scan runs.
  auto result = scan_remote(*remote, input, {}, 5ms);
  REQUIRE_FALSE(result.error);
  check_prefix(result.reports, local, input.size());
  const auto stats = remote->node_stats();
  CHECK(total_answered(stats) == input.size());
  CHECK(stats[1].disconnects >= 1);
  CHECK(stats[1].resent > 0);
  CHECK(stats[1].late > 0);
  // Unpaused, it answers its describe again and serves.
  CHECK(stats[1].reconnects >= 1);
  // While its chunks held the head, the others ran ahead a bounded way only:
  // two windows per node.
  CHECK(result.most_held <= 2 * 16 * 2);
  CHECK(result.most_held > 16);
}

TEST_CASE("a node that comes back is used again", "[actors][remote]") {
  Plugins plugins;
  const auto input = transactions(400);
  const auto local = local_reports(plugins.specs, input);
  Cluster cluster{std::vector<std::vector<PluginSpec>>(2, plugins.specs)};
  auto options = cluster.options();
  options.window_per_node = 16;
  auto remote = connect_or_fail(cluster.system(), options);
  uint64_t answered_when_killed = 0;
  std::optional<std::chrono::steady_clock::time_point> killed_at;
  bool revived = false;
  auto result = scan_remote(
      *remote, input,
      [&](std::size_t received) {
        const auto now = std::chrono::steady_clock::now();
        if (received == 50) {
          cluster.kill(1);
          answered_when_killed = remote->node_stats()[1].answered;
          killed_at = now;
        } else if (killed_at && !revived && now - *killed_at > 400ms) {
          cluster.revive(1);  // dialling fails until now
          revived = true;
        }
      },
      4ms);
  REQUIRE_FALSE(result.error);
  REQUIRE(revived);
  check_prefix(result.reports, local, input.size());
  const auto stats = remote->node_stats();
  CHECK(total_answered(stats) == input.size());
  CHECK(stats[1].disconnects == 1);
  CHECK(stats[1].reconnects == 1);
  CHECK(stats[1].connected);
  CHECK(stats[1].answered > answered_when_killed);
}

TEST_CASE(
    "every node gone: an error naming each, and the reports before the first unanswered one "
    "and nothing after",
    "[actors][remote]") {
  Plugins plugins;
  const auto input = transactions(400);
  const auto local = local_reports(plugins.specs, input);
  Cluster cluster{std::vector<std::vector<PluginSpec>>(2, plugins.specs)};
  auto options = cluster.options();
  options.window_per_node = 16;
  options.give_up_after = 500ms;
  auto remote = connect_or_fail(cluster.system(), options);
  const auto started = std::chrono::steady_clock::now();
  auto result = scan_remote(*remote, input, [&](std::size_t received) {
    if (received == 100) {
      cluster.kill(0);
      cluster.kill(1);
    }
  });
  CHECK(std::chrono::steady_clock::now() - started < 60s);
  REQUIRE(result.error);
  CHECK(result.error->code == ErrorCode::node_unreachable);
  CHECK_THAT(result.error->message, Catch::Contains(name_of(0)) && Catch::Contains(name_of(1)));
  const auto delivered = result.reports.size();
  CHECK(delivered >= 100);
  CHECK(delivered < input.size());
  check_prefix(result.reports, local, delivered);  // in order from the first: no gap
  CHECK_THAT(result.error->message,
             Catch::Contains("'" + std::to_string(delivered) + "' got no answer"));
  const auto stats = remote->node_stats();
  CHECK_FALSE(stats[0].connected);
  CHECK_FALSE(stats[1].connected);
  // Nothing to scan needs no node: it ends at once, without waiting for one.
  const auto empty_started = std::chrono::steady_clock::now();
  auto empty = scan_remote(*remote, {});
  CHECK_FALSE(empty.error);
  CHECK(empty.reports.empty());
  CHECK(std::chrono::steady_clock::now() - empty_started < options.give_up_after);
}

TEST_CASE("connect refuses nodes whose plugin sets differ, naming the difference",
          "[actors][remote]") {
  Plugins plugins;
  const auto other_alpha = plugins.dir.write(
      "other-alpha.js", header_plugin("alpha") + "\n// another revision of the same plugin\n");
  const auto versioned = plugins.dir.write(
      "versioned.js", "export default { id: 'gamma', version: '2.0', scan() { return []; } };");
  const auto unversioned = plugins.dir.write(
      "unversioned.js", "export default { id: 'gamma', version: '1.0', scan() { return []; } };");
  SECTION("a plugin only one node has") {
    Cluster cluster{{plugins.specs, {plugins.specs[0]}}};
    auto remote = RemoteWarden::connect(cluster.system(), cluster.options());
    REQUIRE_FALSE(remote);
    CHECK(remote.error().code == ErrorCode::node_mismatch);
    CHECK_THAT(remote.error().message,
               Catch::Contains("plugin 'sensitive-data-in-url' only on node " + name_of(0)));
  }
  SECTION("the same plugin at another revision") {
    Cluster cluster{{plugins.specs, {{other_alpha}, plugins.specs[1]}}};
    auto remote = RemoteWarden::connect(cluster.system(), cluster.options());
    REQUIRE_FALSE(remote);
    CHECK(remote.error().code == ErrorCode::node_mismatch);
    CHECK_THAT(remote.error().message,
               Catch::Contains("node " + name_of(1) + " serves plugin 'alpha' at revision ") &&
                   Catch::Contains(", node " + name_of(0) + " at "));
  }
  SECTION("the same plugin at another version") {
    Cluster cluster{{{{versioned}}, {{unversioned}}}};
    auto remote = RemoteWarden::connect(cluster.system(), cluster.options());
    REQUIRE_FALSE(remote);
    CHECK_THAT(remote.error().message, Catch::Contains("node " + name_of(1) +
                                                       " serves plugin 'gamma' at version 1.0, "
                                                       "node " +
                                                       name_of(0) + " at 2.0"));
  }
  SECTION("the same plugins in another order") {
    Cluster cluster{{plugins.specs, {plugins.specs[1], plugins.specs[0]}}};
    auto remote = RemoteWarden::connect(cluster.system(), cluster.options());
    REQUIRE_FALSE(remote);
    CHECK_THAT(remote.error().message, Catch::Contains("another order"));
  }
  SECTION("the same plugins are accepted") {
    Cluster cluster{{plugins.specs, plugins.specs}};
    auto remote = RemoteWarden::connect(cluster.system(), cluster.options());
    REQUIRE(remote);
  }
}

TEST_CASE("connect fails naming a node it cannot reach", "[actors][remote]") {
  Plugins plugins;
  Cluster cluster{{plugins.specs, plugins.specs}};
  cluster.set_reachable(1, false);
  auto remote = RemoteWarden::connect(cluster.system(), cluster.options());
  REQUIRE_FALSE(remote);
  CHECK(remote.error().code == ErrorCode::node_unreachable);
  CHECK_THAT(remote.error().message, Catch::Contains(name_of(1)));
}

TEST_CASE("a faster node gets more of the work", "[actors][remote]") {
  Plugins plugins;
  const auto input = transactions(300);
  const auto local = local_reports(plugins.specs, input);
  // Node 1 holds each answer 100 ms: its window frees far less often.
  Cluster cluster{std::vector<std::vector<PluginSpec>>(2, plugins.specs), {0ms, 100ms}};
  auto options = cluster.options();
  options.window_per_node = 16;
  auto remote = connect_or_fail(cluster.system(), options);
  auto result = scan_remote(*remote, input);
  REQUIRE_FALSE(result.error);
  check_prefix(result.reports, local, input.size());
  const auto stats = remote->node_stats();
  INFO("fast " << stats[0].answered << ", slow " << stats[1].answered);
  CHECK(stats[0].answered >= 2 * stats[1].answered);
  CHECK(stats[1].answered > 0);
  CHECK(stats[1].disconnects == 0);
}

namespace {

// A node on a real socket: its own actor system with CAF's network layer, a
// Warden, published on 127.0.0.1 at any free port.
struct PublishedNode {
  explicit PublishedNode(const std::vector<PluginSpec>& plugins) {
    configure_network(config);
    system.emplace(config);
    WardenConfig warden_config;
    warden_config.plugins = plugins;
    warden_config.workers_per_plugin = 1;
    warden = start_or_fail(*system, warden_config);
    auto published = publish_node(*system, warden->supervisor(), {"127.0.0.1", 0});
    if (!published) {
      FAIL("publish_node failed: " << published.error().describe());
    }
    address = NodeAddress{"127.0.0.1", *published};
  }
  ~PublishedNode() {
    warden->shutdown();
  }

  TestConfig config;
  std::optional<caf::actor_system> system;
  std::unique_ptr<Warden> warden;
  NodeAddress address;
};

}  // namespace

TEST_CASE("over real sockets, two published nodes give the reports of a local scan",
          "[actors][remote]") {
  Plugins plugins;
  const auto input = transactions(200);
  const auto local = local_reports(plugins.specs, input);
  // The client's system first, so the nodes go before it, as a node outlives
  // its clients' connections in practice.
  TestConfig config;
  configure_network(config);
  caf::actor_system system{config};
  PublishedNode first{plugins.specs};
  PublishedNode second{plugins.specs};
  RemoteOptions options;  // no connector: connect_node
  options.nodes = {first.address, second.address};
  options.window_per_node = 16;
  auto remote = connect_or_fail(system, options);
  auto result = scan_remote(*remote, input);
  REQUIRE_FALSE(result.error);
  check_prefix(result.reports, local, input.size());
  const auto stats = remote->node_stats();
  CHECK(total_answered(stats) == input.size());
  CHECK(stats[0].answered > 0);
  CHECK(stats[1].answered > 0);
  // A port nothing listens on is named in connect's error.
  options.nodes = {first.address, NodeAddress{"127.0.0.1", 1}};
  options.connect_timeout = 5s;
  auto refused = RemoteWarden::connect(system, options);
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error().message, Catch::Contains("127.0.0.1:1"));
}

TEST_CASE("over real sockets, a node that stops mid-scan loses nothing and repeats nothing",
          "[actors][remote]") {
  Plugins plugins;
  const auto input = transactions(300);
  const auto local = local_reports(plugins.specs, input);
  TestConfig config;  // the client's system first, as above
  configure_network(config);
  caf::actor_system system{config};
  PublishedNode first{plugins.specs};
  auto second = std::make_unique<PublishedNode>(plugins.specs);
  RemoteOptions options;
  options.nodes = {first.address, second->address};
  options.window_per_node = 16;
  options.connect_timeout = 2s;
  auto remote = connect_or_fail(system, options);
  // The node shuts down (answering what it holds, refusing the rest) and its
  // actor system ends: the connection closes under the scan.
  auto result = scan_remote(*remote, input, [&](std::size_t received) {
    if (received == 60) {
      second.reset();
    }
  });
  REQUIRE_FALSE(result.error);
  check_prefix(result.reports, local, input.size());
  const auto stats = remote->node_stats();
  CHECK(total_answered(stats) == input.size());
  CHECK(stats[1].disconnects == 1);
  CHECK_FALSE(stats[1].connected);
}
