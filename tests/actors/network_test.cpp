// Warden across CAF's network layer, in one process: a node actor system with
// a real Warden published on 127.0.0.1, a client system connecting to it;
// plaintext and mutual TLS (certificates from scripts/make-test-certs.sh),
// the TLS refusals and their log lines, connect timeouts, and a transaction
// crossing the wire as its bytes.
#include "warden/network.hpp"

#include <arpa/inet.h>
#include <atomic>
#include <cstdlib>
#include <netinet/in.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>
#include <catch2/catch.hpp>

#include "tests/actors/actors_test_support.hpp"
#include "warden/logger.hpp"
#include "warden/warden.hpp"

using namespace warden;
using namespace warden::actors;
using namespace warden::test;
using namespace std::chrono_literals;

namespace {

// The test certificates, generated once per process by the project's helper.
const std::filesystem::path& certs() {
  static const std::filesystem::path dir = [] {
    auto path =
        std::filesystem::temp_directory_path() / ("warden-test-certs-" + std::to_string(getpid()));
    const auto command =
        std::string{WARDEN_SOURCE_DIR} + "/scripts/make-test-certs.sh '" + path.string() + "'";
    if (std::system(command.c_str()) != 0) {
      throw std::runtime_error("scripts/make-test-certs.sh failed");
    }
    return path;
  }();
  return dir;
}

TlsFiles tls_files(const std::string& name, const std::string& ca = "ca") {
  return TlsFiles{(certs() / (name + ".pem")).string(), (certs() / (name + ".key")).string(),
                  (certs() / (ca + ".pem")).string()};
}

// The actor layer's log lines, kept while the test runs.
struct CapturedLog {
  CapturedLog() {
    auto log = std::make_shared<spdlog::logger>("warden-network-test", sink);
    log->set_level(spdlog::level::debug);
    set_logger(log);
  }
  ~CapturedLog() {
    set_logger(nullptr);
  }
  // Waits (bounded) for a line holding every one of `parts`; returns it or "".
  std::string wait_for(const std::vector<std::string>& parts) const {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
      for (const auto& line : sink->last_formatted()) {
        if (std::all_of(parts.begin(), parts.end(), [&](const std::string& part) {
              return line.find(part) != std::string::npos;
            })) {
          return line;
        }
      }
      std::this_thread::sleep_for(20ms);
    }
    return "";
  }
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink =
      std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256);
};

// A node: its own actor system (network configured), a Warden with one
// plugin, published on 127.0.0.1, any free port.
struct Node {
  explicit Node(const TlsFiles& tls = {}) {
    configure_network(config, tls);
    system.emplace(config);
    WardenConfig warden_config;
    warden_config.plugins.push_back(PluginSpec{plugin_path});
    warden_config.workers_per_plugin = 1;
    warden = start_or_fail(*system, std::move(warden_config));
    auto published = publish_node(*system, warden->supervisor(), {"127.0.0.1", 0});
    if (!published) {
      FAIL("publish_node failed: " << published.error().describe());
    }
    port = *published;
  }
  ~Node() {
    CHECK(unpublish_node(*system, warden->supervisor(), port));
    warden->shutdown();
  }
  NodeAddress address() const {
    return {"127.0.0.1", port};
  }

  TempDir plugins;
  std::string plugin_path = plugins.write("headers.js", header_plugin("hdr"));
  TestConfig config;
  std::optional<caf::actor_system> system;  // built once the config is complete
  std::unique_ptr<Warden> warden;
  uint16_t port = 0;
};

// A client's actor system: Warden's types, the network as `configure` sets it.
struct Client {
  template <class Configure>
  explicit Client(Configure configure) {
    configure(config);
    system.emplace(config);
  }
  explicit Client(const TlsFiles& tls = {})
      : Client([&](caf::actor_system_config& config) { configure_network(config, tls); }) {}

  Result<warden_actor> connect(const NodeAddress& address,
                               std::chrono::milliseconds timeout = 10s) {
    return connect_node(*system, address, timeout);
  }

  TestConfig config;
  std::optional<caf::actor_system> system;
};

// A transaction whose bodies are not text: NUL bytes, invalid UTF-8, base64.
TransactionPtr binary_transaction() {
  auto transaction = std::make_shared<Transaction>();
  transaction->id = "bin-1";
  transaction->started_date_time = "2024-01-02T03:04:05.000Z";
  transaction->request.method = "POST";
  transaction->request.url = "https://example.com/upload?secret=1";
  transaction->request.http_version = "HTTP/2";
  transaction->request.headers = {{"Host", "example.com"}, {"X-Blob", "a\0b"}};
  transaction->request.body = std::string{"\0\xff\xfe raw \xc3\x28 bytes\0", 18};
  transaction->response.status = 201;
  transaction->response.status_text = "Created";
  transaction->response.http_version = "HTTP/2";
  transaction->response.headers = {{"Content-Type", "application/octet-stream"}};
  transaction->response.mime_type = "application/octet-stream";
  transaction->response.body = "AAEC/w==";
  transaction->response.body_encoding = "base64";
  transaction->metadata = {{"tenant", "acme"}, {"scan", "42"}};
  return transaction;
}

void check_same_headers(const std::vector<Header>& a, const std::vector<Header>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].name == b[i].name);
    CHECK(a[i].value == b[i].value);
  }
}

void check_same_transaction(const Transaction& a, const Transaction& b) {
  CHECK(a.id == b.id);
  CHECK(a.started_date_time == b.started_date_time);
  CHECK(a.request.method == b.request.method);
  CHECK(a.request.url == b.request.url);
  CHECK(a.request.http_version == b.request.http_version);
  check_same_headers(a.request.headers, b.request.headers);
  CHECK(a.request.body == b.request.body);
  CHECK(a.response.status == b.response.status);
  CHECK(a.response.status_text == b.response.status_text);
  CHECK(a.response.http_version == b.response.http_version);
  check_same_headers(a.response.headers, b.response.headers);
  CHECK(a.response.mime_type == b.response.mime_type);
  CHECK(a.response.body == b.response.body);
  CHECK(a.response.body_encoding == b.response.body_encoding);
  CHECK(a.metadata == b.metadata);
}

// Sends `transactions` to `warden` from a scoped actor of `system`.
std::vector<ScanReport> remote_scan(caf::actor_system& system, const warden_actor& warden,
                                    std::vector<TransactionPtr> transactions) {
  caf::scoped_actor self{system};
  std::vector<ScanReport> reports;
  self->request(warden, 30s, scan_atom::value, std::move(transactions))
      .receive([&](std::vector<ScanReport>& answer) { reports = std::move(answer); },
               [&](caf::error& error) { FAIL("remote scan failed: " << system.render(error)); });
  return reports;
}

// A refused connect: fails naming the node, and the node logs the refusal of
// a peer at 127.0.0.1 with `reason` in it.
void check_refused(const Result<warden_actor>& connected, const Node& node, const CapturedLog& log,
                   const std::string& reason) {
  REQUIRE_FALSE(connected);
  INFO(connected.error().describe());
  CHECK(connected.error().code == ErrorCode::node_unreachable);
  CHECK(connected.error().message.find(to_string(node.address())) != std::string::npos);
  const auto line = log.wait_for({"TLS: refused peer 127.0.0.1:", reason});
  INFO("log: " << [&] {
    std::string all;
    for (const auto& logged : log.sink->last_formatted()) {
      all += logged;
    }
    return all;
  }());
  CHECK_FALSE(line.empty());
}

}  // namespace

TEST_CASE("a transaction crosses the wire as its fields, bodies as their bytes", "[actors][pure]") {
  TestConfig config;
  caf::actor_system system{config};
  const auto original = binary_transaction();
  std::vector<char> buffer;
  caf::binary_serializer sink{system, buffer};
  auto saved = original;
  REQUIRE_FALSE(sink(saved));
  // The bodies' bytes are in the buffer as they are (not re-encoded).
  const std::string wire{buffer.begin(), buffer.end()};
  CHECK(wire.find(*original->request.body) != std::string::npos);
  CHECK(wire.find("AAEC/w==") != std::string::npos);

  TransactionPtr copy;
  caf::binary_deserializer source{system, buffer};
  REQUIRE_FALSE(source(copy));
  REQUIRE(copy);
  CHECK(copy != original);
  check_same_transaction(*copy, *original);
  CHECK(copy->request.body->size() == 18);

  // A null request body stays null (not ""), an empty one stays empty.
  auto no_body = std::make_shared<Transaction>(*original);
  no_body->request.body = std::nullopt;
  auto empty_body = std::make_shared<Transaction>(*original);
  empty_body->request.body = std::string{};
  std::vector<TransactionPtr> batch{no_body, empty_body, make_transaction(3), nullptr};
  std::vector<char> batch_buffer;
  caf::binary_serializer batch_sink{system, batch_buffer};
  REQUIRE_FALSE(batch_sink(batch));
  std::vector<TransactionPtr> batch_copy;
  caf::binary_deserializer batch_source{system, batch_buffer};
  REQUIRE_FALSE(batch_source(batch_copy));
  REQUIRE(batch_copy.size() == 4);
  CHECK_FALSE(batch_copy[0]->request.body.has_value());
  REQUIRE(batch_copy[1]->request.body.has_value());
  CHECK(batch_copy[1]->request.body->empty());
  check_same_transaction(*batch_copy[2], *batch[2]);
  CHECK(batch_copy[3] == nullptr);

  // Both have type IDs in Warden's block now (no longer unsafe message types).
  CHECK(caf::type_id<TransactionPtr>::value >= caf::first_custom_type_id);
  CHECK(caf::type_id<std::vector<TransactionPtr>>::value >= caf::first_custom_type_id);
}

TEST_CASE("inside one process a TransactionPtr is shared, never serialized or copied", "[actors]") {
  // CAF 0.17 serializes a message only when it leaves the process: now that
  // transactions are serializable, a local actor still gets the same object.
  TestConfig config;
  caf::actor_system system{config};
  // One argument (unused): CAF 0.17 binds a null std::tuple<> for a function
  // actor spawned with none, which UBSan reports.
  auto echo = system.spawn(
      [](int) -> caf::behavior {
        return {
            [](scan_atom, const TransactionPtr& transaction) {
              return reinterpret_cast<uintptr_t>(transaction.get());
            },
            [](scan_atom, const std::vector<TransactionPtr>& batch) {
              return reinterpret_cast<uintptr_t>(batch.at(0).get());
            },
        };
      },
      0);
  const auto transaction = binary_transaction();
  caf::scoped_actor self{system};
  self->request(echo, 10s, scan_atom::value, transaction)
      .receive(
          [&](uintptr_t seen) { CHECK(seen == reinterpret_cast<uintptr_t>(transaction.get())); },
          [&](caf::error& error) { FAIL(system.render(error)); });
  self->request(echo, 10s, scan_atom::value, std::vector<TransactionPtr>{transaction})
      .receive(
          [&](uintptr_t seen) { CHECK(seen == reinterpret_cast<uintptr_t>(transaction.get())); },
          [&](caf::error& error) { FAIL(system.render(error)); });
  self->send_exit(echo, caf::exit_reason::user_shutdown);
}

TEST_CASE("node addresses parse, and a bad one is an error naming the text", "[actors][pure]") {
  auto plain = parse_node_address("scanner-1:7000");
  REQUIRE(plain);
  CHECK(*plain == NodeAddress{"scanner-1", 7000});
  auto ipv6 = parse_node_address("[::1]:7001");
  REQUIRE(ipv6);
  CHECK(*ipv6 == NodeAddress{"::1", 7001});
  CHECK(to_string(*ipv6) == "[::1]:7001");
  CHECK(to_string(*plain) == "scanner-1:7000");
  CHECK_FALSE(parse_node_address("scanner-1:0"));
  auto any = parse_node_address("127.0.0.1:0", true);
  REQUIRE(any);
  CHECK(any->port == 0);
  for (const std::string bad : {"", "scanner-1", ":7000", "scanner-1:", "scanner-1:70000",
                                "scanner-1:7x", "::1:7000", "[::1]7000", "[::1:7000", "a b:1"}) {
    auto parsed = parse_node_address(bad);
    INFO(bad);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == ErrorCode::malformed_input);
    CHECK(parsed.error().message.find("\"" + bad + "\"") != std::string::npos);
  }

  auto list = parse_node_addresses("a:1,b:2,[::1]:3");
  REQUIRE(list);
  CHECK(*list == std::vector<NodeAddress>{{"a", 1}, {"b", 2}, {"::1", 3}});
  CHECK_FALSE(parse_node_addresses(""));
  CHECK_FALSE(parse_node_addresses("a:1,"));
  auto twice = parse_node_addresses("a:1,b:2,a:1");
  REQUIRE_FALSE(twice);
  CHECK(twice.error().message.find("a:1 is named twice") != std::string::npos);
  auto bad_one = parse_node_addresses("a:1,b");
  REQUIRE_FALSE(bad_one);
  CHECK(bad_one.error().message.find("\"b\"") != std::string::npos);
}

TEST_CASE("TLS files are all three or none, and each must be readable", "[actors][pure]") {
  CHECK_FALSE(check_tls_files({}));
  CHECK_FALSE(check_tls_files(tls_files("node")));
  auto no_key = tls_files("node");
  no_key.key.clear();
  auto missing_key = check_tls_files(no_key);
  REQUIRE(missing_key);
  CHECK(missing_key->message.find("--tls-key") != std::string::npos);
  CHECK(missing_key->message.find("not given") != std::string::npos);
  auto absent = tls_files("node");
  absent.ca = (certs() / "no-such-ca.pem").string();
  auto missing_ca = check_tls_files(absent);
  REQUIRE(missing_ca);
  CHECK(missing_ca->code == ErrorCode::file_unreadable);
  CHECK(missing_ca->message.find(absent.ca) != std::string::npos);
}

TEST_CASE(
    "a plaintext node answers a remote scan with the local scan's reports, and describes "
    "its plugins",
    "[actors]") {
  // The client outlives the node, as in practice. (Both orders once hung the
  // node system's destructor now and then: the network layer stopped before
  // the stopped supervisor's down message was drained, keeping it referenced.
  // Warden::shutdown now waits for that message: actors/termination_latch.hpp.)
  Client client;
  Node node;
  auto remote = client.connect(node.address());
  REQUIRE(remote);
  const auto input = transactions(12);
  const auto local = node.warden->scan(input);
  const auto answered = remote_scan(*client.system, *remote, input);
  REQUIRE(answered.size() == local.size());
  for (std::size_t i = 0; i < local.size(); ++i) {
    CHECK(answered[i].transaction_id == local[i].transaction_id);
    CHECK(same_findings(answered[i].findings, local[i].findings));
    CHECK(answered[i].failures.size() == local[i].failures.size());
    REQUIRE(answered[i].revisions.size() == local[i].revisions.size());
    CHECK(answered[i].revisions[0].revision == local[i].revisions[0].revision);
  }
  // One transaction alone, with binary bodies and metadata, too.
  caf::scoped_actor self{*client.system};
  const auto transaction = binary_transaction();
  self->request(*remote, 30s, scan_atom::value, transaction)
      .receive(
          [&](const ScanReport& report) {
            CHECK(report.transaction_id == "bin-1");
            CHECK(same_findings(report.findings, node.warden->scan(transaction).findings));
            REQUIRE_FALSE(report.findings.empty());
            CHECK(report.findings[0].metadata == transaction->metadata);
          },
          [&](caf::error& error) { FAIL(client.system->render(error)); });

  self->request(*remote, 30s, describe_atom::value)
      .receive(
          [&](const NodeInfo& info) {
            REQUIRE(info.plugins.size() == 1);
            CHECK(info.plugins[0].id == "hdr");
            CHECK(info.plugins[0].path == node.plugin_path);
            REQUIRE(info.revisions.size() == 1);
            CHECK(info.revisions[0].revision == local[0].revisions[0].revision);
            CHECK(info.load_errors.empty());
          },
          [&](caf::error& error) { FAIL(client.system->render(error)); });
}

TEST_CASE("a mutual-TLS node answers a client whose certificate its CA signed", "[actors]") {
  Client client{tls_files("client")};  // outlives the node, as above
  Node node{tls_files("node")};
  CHECK(tls_enabled(*node.system));
  CHECK(tls_enabled(*client.system));
  auto remote = client.connect(node.address());
  REQUIRE(remote);
  const auto input = transactions(6);
  const auto local = node.warden->scan(input);
  const auto answered = remote_scan(*client.system, *remote, input);
  REQUIRE(answered.size() == local.size());
  for (std::size_t i = 0; i < local.size(); ++i) {
    CHECK(answered[i].transaction_id == local[i].transaction_id);
    CHECK(same_findings(answered[i].findings, local[i].findings));
  }
}

TEST_CASE("a TLS node refuses a plaintext client and logs it with the peer's address", "[actors]") {
  CapturedLog log;
  Node node{tls_files("node")};
  Client client;
  check_refused(client.connect(node.address(), 5s), node, log, "not TLS (a plaintext peer?)");
}

TEST_CASE("a TLS node refuses a client without a certificate and logs it", "[actors]") {
  // CAF cannot configure a TLS system with a CA but no certificate (its
  // manager refuses to start); without any file it is TLS without
  // authentication, the one way a TLS client comes without a certificate.
  CapturedLog log;
  Node node{tls_files("node")};
  Client client{[](caf::actor_system_config& config) {
    config.load<caf::io::middleman>();
    config.load<caf::openssl::manager>();
  }};
  check_refused(client.connect(node.address(), 5s), node, log, "peer did not return a certificate");
}

TEST_CASE("a TLS node refuses a client whose certificate another CA signed, and logs it",
          "[actors]") {
  CapturedLog log;
  Node node{tls_files("node")};
  Client client{tls_files("other-client")};  // trusts the node's CA
  check_refused(client.connect(node.address(), 5s), node, log,
                "unable to get local issuer certificate");
}

TEST_CASE("a TLS node refuses an expired client certificate and logs it", "[actors]") {
  CapturedLog log;
  Node node{tls_files("node")};
  Client client{tls_files("expired-client")};
  check_refused(client.connect(node.address(), 5s), node, log, "certificate has expired");
}

TEST_CASE("publish_node and connect_node need a system configured for the network", "[actors]") {
  TestConfig config;  // configure() only: no middleman
  caf::actor_system system{config};
  auto connected = connect_node(system, {"127.0.0.1", 7000}, 1s);
  REQUIRE_FALSE(connected);
  CHECK(connected.error().message.find("127.0.0.1:7000") != std::string::npos);
  CHECK(connected.error().message.find("configure_network") != std::string::npos);
  auto published = publish_node(system, warden_actor{}, {"127.0.0.1", 0});
  REQUIRE_FALSE(published);
  CHECK(published.error().message.find("127.0.0.1:0") != std::string::npos);
}

TEST_CASE("connect_node fails naming the node when nothing listens on the port", "[actors]") {
  // A port that was free a moment ago.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  socklen_t length = sizeof(address);
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  close(fd);
  Client client;
  const NodeAddress node{"127.0.0.1", ntohs(address.sin_port)};
  auto connected = client.connect(node, 5s);
  REQUIRE_FALSE(connected);
  INFO(connected.error().describe());
  CHECK(connected.error().code == ErrorCode::node_unreachable);
  CHECK(connected.error().message.find(to_string(node)) != std::string::npos);
  CHECK(connected.error().message.find("refused") != std::string::npos);
}

TEST_CASE("connect_node gives up after its timeout on a peer that never answers", "[actors]") {
  // A listening socket nobody accepts on: the kernel completes the TCP
  // handshake, the BASP (or TLS) handshake never comes. CAF alone would wait
  // forever, and with TLS not even let its actor system shut down: the client
  // is destroyed here while the listener still stands.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  REQUIRE(listen(fd, 8) == 0);
  socklen_t length = sizeof(address);
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  const NodeAddress node{"127.0.0.1", ntohs(address.sin_port)};
  for (const bool tls : {false, true}) {
    INFO("tls " << tls);
    auto client = std::make_unique<Client>(tls ? tls_files("client") : TlsFiles{});
    const auto started = std::chrono::steady_clock::now();
    auto connected = client->connect(node, 300ms);
    const auto waited = std::chrono::steady_clock::now() - started;
    REQUIRE_FALSE(connected);
    INFO(connected.error().describe());
    CHECK(connected.error().message.find(to_string(node)) != std::string::npos);
    CHECK(connected.error().message.find("no answer within 300 ms") != std::string::npos);
    CHECK(waited >= 300ms);
    CHECK(waited < 60s);
    client.reset();  // returns: the pending connect was dropped
    CHECK(std::chrono::steady_clock::now() - started < 60s);
  }
  close(fd);
}

TEST_CASE("a plugin handle and an event subscription work across the network", "[actors]") {
  Node node;
  Client client;
  auto remote = client.connect(node.address());
  REQUIRE(remote);
  caf::scoped_actor self{*client.system};
  plugin_actor handle;
  self->request(*remote, 30s, plugin_atom::value, std::string{"hdr"})
      .receive([&](const plugin_actor& answer) { handle = answer; },
               [&](caf::error& error) { FAIL(client.system->render(error)); });
  REQUIRE(handle);
  const auto transaction = binary_transaction();
  self->request(handle, 30s, scan_atom::value, transaction)
      .receive(
          [&](const ScanReport& report) {
            CHECK(report.transaction_id == "bin-1");
            CHECK(same_findings(report.findings, node.warden->scan(transaction).findings));
          },
          [&](caf::error& error) { FAIL(client.system->render(error)); });

  // A listener in the client's system hears the node's events.
  auto heard = std::make_shared<std::atomic<int>>(0);
  // The counter as a spawn argument: CAF 0.17 binds a null std::tuple<> for a
  // function actor spawned with none, which UBSan reports.
  auto listener = client.system->spawn(
      [](std::shared_ptr<std::atomic<int>> heard) -> event_listener_actor::behavior_type {
        return {[heard](event_atom, const WardenEvent& event) {
          if (event.kind == EventKind::worker_restarted) {
            ++*heard;
          }
        }};
      },
      heard);
  self->request(*remote, 30s, subscribe_atom::value, listener)
      .receive([&](bool subscribed) { CHECK(subscribed); },
               [&](caf::error& error) { FAIL(client.system->render(error)); });
  REQUIRE(node.warden->recycle("hdr").error == std::nullopt);
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (*heard == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  CHECK(*heard > 0);
  self->request(*remote, 30s, unsubscribe_atom::value, listener)
      .receive([&](bool unsubscribed) { CHECK(unsubscribed); },
               [&](caf::error& error) { FAIL(client.system->render(error)); });
  caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
}
