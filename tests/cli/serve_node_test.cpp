// tests/cli: `warden serve` as a process: the loopback-only rule without TLS
// (--insecure to bind elsewhere, warned), SIGTERM's graceful stop, SIGHUP
// reloading plugins while a remote scan runs (a broken file keeps the old
// code and the log names file:line), and its usage errors.
#include <catch2/catch.hpp>

#include "cli/remote_test_support.hpp"

using namespace warden::cli_test;

TEST_CASE("serve without TLS binds loopback only, another address needs --insecure",
          "[cli][serve]") {
  const std::string plugins = fixture("plugins/good");
  auto refused = run_warden({"serve", "--plugins", plugins, "--listen", "0.0.0.0:0"});
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Contains("--insecure") && Catch::Contains("0.0.0.0:0"));

  ServeNode node({"--plugins", plugins, "--insecure"}, "0.0.0.0:0");
  REQUIRE(node.wait_listening() != "");
  CHECK_THAT(node.log(), Catch::Contains("--insecure: serving plaintext on 0.0.0.0:0"));
  const auto stopped = node.stop(SIGTERM);
  CHECK(stopped.exit_code == 0);
  CHECK_THAT(stopped.err, Catch::Contains("SIGTERM: answering the scans in flight"));

  // Loopback needs nothing; --insecure with TLS files is a usage error.
  ServeNode loopback({"--plugins", plugins});
  REQUIRE(loopback.wait_listening().rfind("127.0.0.1:", 0) == 0);
  CHECK_THAT(loopback.log(), !Catch::Contains("--insecure"));
  CHECK(loopback.stop(SIGINT).exit_code == 0);
  const auto both = run_warden({"serve", "--plugins", plugins, "--insecure", "--tls-cert",
                                plugins + "/cli-marker.js", "--tls-key", plugins + "/cli-marker.js",
                                "--tls-ca", plugins + "/cli-marker.js"});
  CHECK(both.exit_code == 2);
  CHECK_THAT(both.err, Catch::Contains("--insecure"));
}

TEST_CASE("serve's usage errors: a bad --listen, incomplete TLS files, no plugin", "[cli][serve]") {
  const std::string plugins = fixture("plugins/good");
  const auto bad_listen = run_warden({"serve", "--plugins", plugins, "--listen", "nowhere"});
  CHECK(bad_listen.exit_code == 2);
  CHECK_THAT(bad_listen.err, Catch::Contains("--listen"));
  const auto half_tls =
      run_warden({"serve", "--plugins", plugins, "--tls-cert", plugins + "/cli-marker.js"});
  CHECK(half_tls.exit_code == 2);
  CHECK_THAT(half_tls.err, Catch::Contains("--tls-key"));
  const auto no_plugin = run_warden({"serve", "--plugins", fixture("plugins/no-js")});
  CHECK(no_plugin.exit_code == 2);
  const auto help = run_warden({"serve", "--help"});
  CHECK(help.exit_code == 0);
  for (const char* option : {"--listen", "--tls-cert", "--tls-key", "--tls-ca", "--insecure",
                             "--plugins", "--isolation", "--recycle-after", "--timeout-ms"}) {
    CHECK_THAT(help.out, Catch::Contains(option));
  }
}

TEST_CASE("SIGHUP reloads the plugins while a remote scan runs, a broken file keeps the old code",
          "[cli][serve][slow]") {
  TempDir dir;
  const std::string plugins = dir / "plugins";
  fs::create_directories(plugins);
  const std::string plugin = plugins + "/slow.js";
  write_slow_plugin(plugin, "slow", 4, "before");
  const std::string har = dir / "many.har";
  write_many_entries_har(har, 40);  // 480 entries
  ServeNode node({"--plugins", plugins, "--workers-per-plugin", "1"});
  REQUIRE(node.wait_listening() != "");

  Child client(warden_bin(), {"scan", "--format", "jsonl", "--remote", node.address(), har});
  REQUIRE(node.wait_for_log("slow scan started"));
  write_slow_plugin(plugin, "slow", 4, "after");
  node.signal(SIGHUP);
  REQUIRE(node.wait_for_log("reloaded slow from " + plugin));
  // A syntax error on line 2: the reload fails, the "after" code keeps running.
  std::ofstream(plugin) << "export default {\n  id: 'slow',,\n};\n";
  node.signal(SIGHUP);
  REQUIRE(node.wait_for_log("reload of slow failed"));
  const auto run = client.wait();
  INFO(run.err.substr(0, 3000));
  CHECK(run.exit_code == 0);
  const auto records = parse_jsonl(run.out);
  REQUIRE(records.size() == 480);  // one finding per transaction, none twice
  std::size_t after = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    CHECK(records[i]["entry"] == i);
    after += records[i]["title"] == "after" ? 1 : 0;
  }
  CHECK(after > 0);
  CHECK(records.front()["title"] == "before");
  const auto stopped = node.stop(SIGTERM);
  CHECK(stopped.exit_code == 0);
  CHECK_THAT(stopped.err, Catch::Contains(plugin + ":2"));  // the log names file:line
  // Its actor system ended by itself, not by serve's teardown bound.
  CHECK_THAT(stopped.err, !Catch::Contains("did not end within"));
}
