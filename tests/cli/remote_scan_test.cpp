// tests/cli: `warden scan --remote` against real `warden serve` nodes on
// local sockets: two and three nodes write the report a local scan writes
// (jsonl and sarif byte for byte, run time aside), a node killed with
// SIGKILL or stopped with SIGSTOP past --remote-timeout mid-run changes
// nothing in the findings, nodes serving other plugins are refused, and the
// plugin options of a local scan are refused with --remote.
#include <catch2/catch.hpp>

#include "cli/remote_test_support.hpp"

using namespace warden::cli_test;

namespace {

// Nodes keep one isolate per plugin and no spare: three nodes of the bundled
// plugins share a 2-core machine with the test.
const std::vector<std::string> kLeanNode{"--workers-per-plugin", "1", "--no-warm-spare"};

std::vector<std::string> node_args(const std::string& plugins) {
  std::vector<std::string> args{"--plugins", plugins};
  args.insert(args.end(), kLeanNode.begin(), kLeanNode.end());
  return args;
}

RunResult local_scan(const std::string& plugins, const std::string& format,
                     const std::string& har) {
  return run_warden({"scan", "--format", format, "--plugins", plugins, har});
}

RunResult remote_scan(const std::string& nodes, const std::string& format, const std::string& har,
                      std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"scan", "--format", format, "--remote", nodes};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(har);
  return run_warden(args);
}

// A plugin directory with a slow plugin (busy `busy_ms` per scan) and three
// bundled ones, and a HAR of `copies` x 12 entries.
struct SlowSetup {
  TempDir dir;
  std::string plugins = dir / "plugins";
  std::string har = dir / "many.har";
  SlowSetup(int busy_ms, int copies) {
    copy_bundled_plugins(plugins, {"cookie-flags", "csp-header", "sensitive-files"});
    write_slow_plugin(plugins + "/slow.js", "slow", busy_ms);
    write_many_entries_har(har, copies);
  }
};

}  // namespace

TEST_CASE("two and three nodes write the local scan's jsonl and sarif byte for byte",
          "[cli][remote]") {
  TempDir dir;
  const std::string har = dir / "many.har";
  write_many_entries_har(har, 25);  // 300 entries
  const std::string plugins = WARDEN_PLUGINS_DIR;
  ServeNode a(node_args(plugins));
  ServeNode b(node_args(plugins));
  ServeNode c(node_args(plugins));
  REQUIRE(a.wait_listening() != "");
  REQUIRE(b.wait_listening() != "");
  REQUIRE(c.wait_listening() != "");

  for (const std::string format : {"jsonl", "sarif"}) {
    const auto local = local_scan(plugins, format, har);
    REQUIRE(local.exit_code == 0);
    REQUIRE(local.out.size() > 1000);
    for (const auto& nodes : {node_list({&a, &b}), node_list({&a, &b, &c})}) {
      INFO(format << " on " << nodes);
      const auto remote = remote_scan(nodes, format, har);
      INFO(remote.err.substr(0, 3000));
      CHECK(remote.exit_code == 0);
      if (format == "jsonl") {
        CHECK(remote.out == local.out);
      } else {
        // SARIF's invocation holds elapsedSeconds; everything else is equal.
        CHECK(without_run_time(remote.out) == without_run_time(local.out));
      }
    }
  }
  const auto local_text = local_scan(plugins, "text", har);
  const auto remote_text = remote_scan(node_list({&a, &b}), "text", har);
  CHECK(remote_text.exit_code == local_text.exit_code);
  CHECK(without_run_time(remote_text.out) == without_run_time(local_text.out));
  CHECK(a.stop().exit_code == 0);
  CHECK(b.stop().exit_code == 0);
  CHECK(c.stop().exit_code == 0);
}

TEST_CASE("a node killed with SIGKILL mid-run changes nothing in the findings",
          "[cli][remote][slow]") {
  SlowSetup setup(4, 40);  // 480 entries, 4 ms each on the slow plugin
  ServeNode a(node_args(setup.plugins));
  ServeNode b(node_args(setup.plugins));
  REQUIRE(a.wait_listening() != "");
  REQUIRE(b.wait_listening() != "");
  const auto local = local_scan(setup.plugins, "jsonl", setup.har);
  REQUIRE(local.exit_code == 0);

  Child client(warden_bin(), {"scan", "--format", "jsonl", "--stats", "--remote",
                              node_list({&a, &b}), setup.har});
  REQUIRE(b.wait_for_log("slow scan started"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  b.signal(SIGKILL);
  auto run = client.wait();
  INFO(run.err.substr(0, 3000));
  CHECK(run.exit_code == 0);
  CHECK(run.out == local.out);
  const auto stats = stats_from(run.err);
  REQUIRE(stats.is_object());
  CHECK(stats["transactions"] == 480);
  const auto killed = node_stats(stats, b.address());
  CHECK(killed.value("disconnects", 0) >= 1);
  CHECK(node_stats(stats, a.address()).value("answered", 0) + killed.value("answered", 0) == 480);
  CHECK(a.stop().exit_code == 0);
}

TEST_CASE("a node stopped past --remote-timeout and continued answers nothing twice",
          "[cli][remote][slow]") {
  SlowSetup setup(4, 40);
  ServeNode a(node_args(setup.plugins));
  ServeNode b(node_args(setup.plugins));
  REQUIRE(a.wait_listening() != "");
  REQUIRE(b.wait_listening() != "");
  const auto local = local_scan(setup.plugins, "jsonl", setup.har);
  REQUIRE(local.exit_code == 0);

  Child client(warden_bin(), {"scan", "--format", "jsonl", "--stats", "--remote-timeout", "1000",
                              "--remote", node_list({&a, &b}), setup.har});
  REQUIRE(b.wait_for_log("slow scan started"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  b.signal(SIGSTOP);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // past --remote-timeout
  b.signal(SIGCONT);
  auto run = client.wait();
  INFO(run.err.substr(0, 3000));
  CHECK(run.exit_code == 0);
  CHECK(run.out == local.out);  // every transaction once, in input order
  const auto stats = stats_from(run.err);
  REQUIRE(stats.is_object());
  CHECK(stats["transactions"] == 480);
  const auto stopped = node_stats(stats, b.address());
  CHECK(stopped.value("resent", 0) >= 1);
  CHECK(node_stats(stats, a.address()).value("answered", 0) + stopped.value("answered", 0) == 480);
  CHECK(a.stop().exit_code == 0);
  CHECK(b.stop().exit_code == 0);
}

TEST_CASE("every node gone: the report of what was answered, exit 2 naming the nodes",
          "[cli][remote][slow]") {
  SlowSetup setup(4, 40);
  ServeNode a(node_args(setup.plugins));
  REQUIRE(a.wait_listening() != "");
  Child client(warden_bin(),
               {"scan", "--format", "jsonl", "--stats", "--remote", a.address(), setup.har});
  REQUIRE(a.wait_for_log("slow scan started"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  a.signal(SIGKILL);
  auto run = client.wait();
  INFO(run.err.substr(0, 3000));
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.err, Catch::Contains(a.address()));
  // Whole records, in input order, of the transactions answered before.
  const auto records = parse_jsonl(run.out);
  const auto stats = stats_from(run.err);
  REQUIRE(stats.is_object());
  CHECK(stats["transactions"].get<uint64_t>() < 480);
  uint64_t entry = 0;
  for (const auto& record : records) {
    CHECK(record["entry"].get<uint64_t>() >= entry);
    entry = record["entry"].get<uint64_t>();
  }
}

TEST_CASE("nodes serving different plugins are refused, naming the difference", "[cli][remote]") {
  TempDir dir;
  const std::string one = dir / "one";
  const std::string two = dir / "two";
  copy_bundled_plugins(one, {"cookie-flags"});
  copy_bundled_plugins(two, {"cookie-flags", "csp-header"});
  ServeNode a(node_args(one));
  ServeNode b(node_args(two));
  REQUIRE(a.wait_listening() != "");
  REQUIRE(b.wait_listening() != "");
  const auto run = remote_scan(node_list({&a, &b}), "jsonl", fixture("har/small.har"));
  INFO(run.err);
  CHECK(run.exit_code == 2);
  CHECK(run.out.empty());
  CHECK_THAT(run.err, Catch::Contains("csp-header"));
  CHECK(a.stop().exit_code == 0);
  CHECK(b.stop().exit_code == 0);
}

TEST_CASE("scan --remote refuses a local scan's plugin options and bad node lists",
          "[cli][remote]") {
  const std::string har = fixture("har/small.har");
  for (const auto& option : std::vector<std::vector<std::string>>{{"--plugins", WARDEN_PLUGINS_DIR},
                                                                  {"--isolation", "process"},
                                                                  {"--workers-per-plugin", "2"},
                                                                  {"--timeout-ms", "50"}}) {
    std::vector<std::string> args{"scan", "--remote", "127.0.0.1:1"};
    args.insert(args.end(), option.begin(), option.end());
    args.push_back(har);
    const auto run = run_warden(args);
    INFO(run.err);
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::Contains(option[0]) && Catch::Contains("--remote"));
  }
  const auto bad = run_warden({"scan", "--remote", "127.0.0.1", har});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("--remote"));
  const auto tls_alone = run_warden({"scan", "--tls-ca", har, har});
  CHECK(tls_alone.exit_code == 2);
  CHECK_THAT(tls_alone.err, Catch::Contains("--tls-ca needs --remote"));
  // Nothing listens on port 1: exit 2 naming the node.
  const auto unreachable = run_warden({"scan", "--remote", "127.0.0.1:1", har});
  CHECK(unreachable.exit_code == 2);
  CHECK_THAT(unreachable.err, Catch::Contains("127.0.0.1:1"));
}
