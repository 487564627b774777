// tests/cli: `warden serve` with mutual TLS, certificates made in the test by
// scripts/make-test-certs.sh: a TLS scan on two nodes writes the local scan's
// report; a plaintext client, a client signed by another CA, one with an
// expired certificate and one without a certificate (openssl s_client) are
// refused: the scan exits 2 naming the node, the node logs the refusal with
// the peer's address.
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "cli/remote_test_support.hpp"

using namespace warden::cli_test;

namespace {

// Certificates in a temp dir (file names as in scripts/make-test-certs.sh).
struct Certificates {
  TempDir dir;
  bool made = false;
  Certificates() {
    made = run_program("bash", {source_path("scripts/make-test-certs.sh"), dir.path().string()})
               .exit_code == 0;
  }
  std::string operator/(const std::string& name) const {
    return dir / name;
  }
  // --tls-cert/--tls-key of `leaf` (node, client, other-client, expired-client) and --tls-ca `ca`.
  std::vector<std::string> tls(const std::string& leaf, const std::string& ca = "ca") const {
    return {"--tls-cert", dir / (leaf + ".pem"), "--tls-key", dir / (leaf + ".key"),
            "--tls-ca",   dir / (ca + ".pem")};
  }
};

std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

// How often each "refused peer HOST:PORT" appears in a node's log: every
// connection has a port of its own, so each refusal should appear once.
std::map<std::string, int> refusals_by_peer(const std::string& log) {
  std::map<std::string, int> count;
  const std::string marker = "refused peer ";
  for (auto at = log.find(marker); at != std::string::npos; at = log.find(marker, at + 1)) {
    const auto start = at + marker.size();
    count[log.substr(start, log.find(':', log.find(':', start) + 1) - start)] += 1;
  }
  return count;
}

}  // namespace

TEST_CASE("a mutual-TLS scan on two nodes writes the local scan's report", "[cli][serve][tls]") {
  Certificates certs;
  REQUIRE(certs.made);
  TempDir dir;
  const std::string har = dir / "many.har";
  write_many_entries_har(har, 25);
  const std::string plugins = WARDEN_PLUGINS_DIR;
  const std::vector<std::string> lean{"--plugins", plugins, "--workers-per-plugin", "1",
                                      "--no-warm-spare"};
  ServeNode a(plus(lean, certs.tls("node")));
  ServeNode b(plus(lean, certs.tls("node")));
  REQUIRE(a.wait_listening() != "");
  REQUIRE(b.wait_listening() != "");
  CHECK_THAT(a.log(), Catch::Contains("(mutual TLS)"));
  const auto local = run_warden({"scan", "--format", "jsonl", "--plugins", plugins, har});
  REQUIRE(local.exit_code == 0);
  const auto remote = run_warden(plus(
      plus({"scan", "--format", "jsonl", "--remote", node_list({&a, &b})}, certs.tls("client")),
      {har}));
  INFO(remote.err.substr(0, 3000));
  CHECK(remote.exit_code == 0);
  CHECK(remote.out == local.out);
  CHECK(a.stop().exit_code == 0);
  CHECK(b.stop().exit_code == 0);
}

TEST_CASE("a TLS node refuses plaintext, another CA, an expired and a missing certificate",
          "[cli][serve][tls]") {
  Certificates certs;
  REQUIRE(certs.made);
  ServeNode node(plus({"--plugins", fixture("plugins/good")}, certs.tls("node")));
  REQUIRE(node.wait_listening() != "");
  const std::string har = fixture("har/small.har");
  const std::string refusal = "refused peer 127.0.0.1";

  struct Client {
    const char* what;
    std::vector<std::string> tls;
  };
  const std::vector<Client> clients{
      {"plaintext", {}},
      {"signed by another CA", certs.tls("other-client")},
      {"expired", certs.tls("expired-client")},
  };
  for (const auto& client : clients) {
    INFO("client: " << client.what);
    const std::size_t refused_before = count_of(node.log(), refusal);
    const auto run = run_warden(
        plus(plus({"scan", "--format", "jsonl", "--remote", node.address()}, client.tls), {har}));
    INFO(run.err);
    CHECK(run.exit_code == 2);
    CHECK(run.out.empty());
    CHECK_THAT(run.err, Catch::Contains(node.address()));
    CHECK(wait_until([&] { return count_of(node.log(), refusal) > refused_before; }));
  }

  // A TLS client without a certificate: openssl's own client.
  const std::size_t refused_before = count_of(node.log(), refusal);
  const auto s_client =
      run_program("openssl", {"s_client", "-connect", node.address(), "-CAfile", certs / "ca.pem"});
  CHECK(wait_until([&] { return count_of(node.log(), refusal) > refused_before; }));
  INFO(s_client.err.substr(0, 2000));

  // A peer that speaks HTTP at it: CAF calls SSL_accept again on that
  // session after the handshake failed; the refusal is logged once.
  const std::string port = node.address().substr(node.address().rfind(':') + 1);
  const std::size_t before_http = count_of(node.log(), refusal);
  run_program("bash", {"-c", "exec 3<>/dev/tcp/127.0.0.1/" + port +
                                 " && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && "
                                 "timeout 5 cat <&3 >/dev/null"});
  CHECK(wait_until([&] { return count_of(node.log(), refusal) > before_http; }));

  // The node still serves a client with a good certificate.
  const auto good = run_warden(plus(
      plus({"scan", "--format", "jsonl", "--remote", node.address()}, certs.tls("client")), {har}));
  INFO(good.err);
  CHECK(good.exit_code == 0);
  CHECK(!good.out.empty());
  const auto stopped = node.stop();
  CHECK(stopped.exit_code == 0);
  INFO(stopped.err);
  CHECK(count_of(stopped.err, refusal) >= 4);
  for (const auto& [peer, times] : refusals_by_peer(stopped.err)) {
    INFO("peer " << peer);
    CHECK(times == 1);  // CAF retries the failed handshake; it is logged once
  }
}
