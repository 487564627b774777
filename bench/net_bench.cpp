// Claim (issue 14): what the network layer costs a scan. One run measures the
// same plugins over the same transactions in process (actors::Warden) and on
// remote nodes reached through RemoteWarden (what `warden scan --remote`
// runs): one local node and two, each without and with mutual TLS. Nodes are
// `warden serve` child processes on 127.0.0.1:0, or, with --nodes fork or
// when the warden binary beside this one cannot serve, forked children of
// this bench that start a Warden and publish it with publish_node; the output
// says which.
//
// Prints per mode: transactions/s (a transaction = one scan by every plugin),
// CPU per transaction (this process + the nodes, from getrusage and
// /proc/PID/stat) and its excess over in process, and the bytes on the wire
// per transaction each way: TCP payload (TLS records included, TCP/IP headers
// not) and segments, read with getsockopt(TCP_INFO) from this process's
// sockets to the nodes, so other loopback traffic on the machine does not
// count. Every mode must report the same findings and lose no transaction.
//
//   net_bench [--scans N] [--window N] [--warmup N] [--nodes serve|fork]
//             [--warden PATH]   (--help lists them)
// Input: WARDEN_SHARED_CORPUS when present, else examples/demo.har.
// Plugins: WARDEN_SOURCE_DIR/plugins (the bundled ones).

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <linux/tcp.h>
#include <map>
#include <netinet/in.h>
#include <optional>
#include <regex>
#include <set>
#include <spawn.h>
#include <sstream>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <caf/all.hpp>

#include "bench/bench_flags.hpp"
#include "bench/cpu_time.hpp"
#include "bench/inputs.hpp"
#include "warden/har_reader.hpp"
#include "warden/network.hpp"
#include "warden/remote_warden.hpp"
#include "warden/v8_platform.hpp"
#include "warden/warden.hpp"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;
using warden::TransactionPtr;
using warden::actors::NodeAddress;
using warden::actors::TlsFiles;

struct Options {
  std::size_t scans = 6000;  // transactions per measured run (the input, repeated)
  std::size_t window = warden::actors::kDefaultMaxInFlight;  // in flight, per node
  std::size_t warmup = 300;    // transactions scanned before the clock starts
  std::string nodes = "auto";  // serve | fork | auto
  std::string warden;          // the warden binary for serve nodes
};

// Parses argv into Options; nullopt: go on, else the exit code (bench_flags.hpp).
std::optional<int> parse_options(int argc, char* argv[], Options& options) {
  CLI::App app{
      "What the network layer costs a scan: in process against one and two nodes, "
      "with and without TLS.",
      "net_bench"};
  app.add_option("--scans", options.scans, "transactions per measured run")
      ->check(warden::bench::positive_count())
      ->capture_default_str();
  app.add_option("--window", options.window, "transactions in flight per node, and in process")
      ->check(warden::bench::positive_count())
      ->capture_default_str();
  app.add_option("--warmup", options.warmup, "transactions scanned before each run's clock starts")
      ->check(warden::bench::positive_count())
      ->capture_default_str();
  app.add_option("--nodes", options.nodes,
                 "serve: `warden serve` child processes; fork: forked children of this bench "
                 "calling publish_node; auto: serve when the warden binary can, else fork")
      ->check(CLI::IsMember({"serve", "fork", "auto"}))
      ->capture_default_str();
  app.add_option("--warden", options.warden, "the warden binary (default: beside this one)");
  app.footer(
      "Google Benchmark's --benchmark_* flags are accepted and ignored.\n"
      "Input: ../shared/corpus/har beside the source tree, else examples/demo.har.\n"
      "WARDEN_BENCH_SMOKE set: short runs.");
  return warden::bench::parse_bench_flags(app, argc, argv);
}

// -- inputs ---------------------------------------------------------------------

// The bytes of a transaction's strings: what must cross the wire at least.
std::size_t content_bytes(const warden::Transaction& t) {
  std::size_t bytes = t.id.size() + t.started_date_time.size() + t.request.method.size() +
                      t.request.url.size() + t.request.http_version.size() +
                      t.request.body.value_or("").size() + t.response.status_text.size() +
                      t.response.http_version.size() + t.response.mime_type.size() +
                      t.response.body.size() + t.response.body_encoding.size();
  for (const auto* headers : {&t.request.headers, &t.response.headers}) {
    for (const auto& header : *headers)
      bytes += header.name.size() + header.value.size();
  }
  for (const auto& [key, value] : t.metadata)
    bytes += key.size() + value.size();
  return bytes;
}

// A scan_stream source over the first `count` transactions of `input` (all of
// them when it has fewer).
std::function<std::optional<TransactionPtr>()> first_of(const std::vector<TransactionPtr>& input,
                                                        std::size_t count) {
  return [&input, end = std::min(count, input.size()),
          next = std::size_t{0}]() mutable -> std::optional<TransactionPtr> {
    return next < end ? std::optional{input[next++]} : std::nullopt;
  };
}

// -- measuring: CPU and the wire -----------------------------------------------

// utime + stime of every thread of `pid` (clock ticks: 10 ms resolution).
double process_cpu_seconds(pid_t pid) {
  std::ifstream file{"/proc/" + std::to_string(pid) + "/stat"};
  std::string stat{std::istreambuf_iterator<char>{file}, {}};
  const auto paren = stat.rfind(')');
  if (paren == std::string::npos)
    return 0;
  std::istringstream fields{stat.substr(paren + 2)};
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int index = 3; fields >> field; ++index) {  // field 3 is the state
    if (index == 14)
      utime = std::stoull(field);
    if (index == 15) {
      stime = std::stoull(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct Wire {
  uint64_t sent = 0;  // TCP payload, this process -> nodes
  uint64_t received = 0;
  uint64_t segments_out = 0;
  uint64_t segments_in = 0;
};

// The TCP counters of this process's connections to loopback `ports`.
Wire wire_to(const std::set<uint16_t>& ports) {
  Wire wire;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator{"/proc/self/fd", error}) {
    const int fd = std::atoi(entry.path().filename().c_str());
    struct stat info {};
    if (fstat(fd, &info) != 0 || !S_ISSOCK(info.st_mode))
      continue;
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) != 0)
      continue;
    uint16_t port = 0;
    if (peer.ss_family == AF_INET)
      port = ntohs(reinterpret_cast<sockaddr_in*>(&peer)->sin_port);
    else if (peer.ss_family == AF_INET6)
      port = ntohs(reinterpret_cast<sockaddr_in6*>(&peer)->sin6_port);
    if (ports.count(port) == 0)
      continue;
    tcp_info tcp{};
    socklen_t size = sizeof tcp;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &tcp, &size) != 0)
      continue;
    wire.sent += tcp.tcpi_bytes_sent;
    wire.received += tcp.tcpi_bytes_received;
    wire.segments_out += tcp.tcpi_segs_out;
    wire.segments_in += tcp.tcpi_segs_in;
  }
  return wire;
}

// -- nodes ------------------------------------------------------------------------

struct Node {
  pid_t pid = -1;
  uint16_t port = 0;
  int stop_fd = -1;  // forked node: closing it stops the node
  std::string log;   // serve node: its stderr
};

// A `warden serve` child on 127.0.0.1:0; its stderr goes to `log`, whose
// "listening on HOST:PORT" line gives the port.
std::optional<Node> start_serve_node(const std::string& warden, const std::string& plugins,
                                     const TlsFiles& tls, const std::string& log) {
  std::vector<std::string> args{warden,     "serve",       "--plugins",       plugins,
                                "--listen", "127.0.0.1:0", "--recycle-after", "0"};
  if (tls.enabled()) {
    for (const auto& [flag, file] :
         {std::pair{"--tls-cert", tls.certificate}, std::pair{"--tls-key", tls.key},
          std::pair{"--tls-ca", tls.ca}}) {
      args.push_back(flag);
      args.push_back(file);
    }
  }
  std::vector<char*> argv;
  for (auto& arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  Node node;
  node.log = log;
  const int spawned =
      posix_spawn(&node.pid, warden.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    std::fprintf(stderr, "net_bench: cannot run %s: %s\n", warden.c_str(), std::strerror(spawned));
    return std::nullopt;
  }
  const std::regex listening{"listening on [^ \n]*:([0-9]+)"};
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (Clock::now() < deadline) {
    std::ifstream file{log};
    const std::string text{std::istreambuf_iterator<char>{file}, {}};
    std::smatch match;
    if (std::regex_search(text, match, listening)) {
      node.port = static_cast<uint16_t>(std::stoul(match[1]));
      return node;
    }
    int status = 0;
    if (waitpid(node.pid, &status, WNOHANG) == node.pid) {
      std::fprintf(stderr, "net_bench: warden serve ended before listening:\n%s\n", text.c_str());
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::fprintf(stderr, "net_bench: warden serve did not listen within 60 s (log: %s)\n",
               log.c_str());
  kill(node.pid, SIGKILL);
  waitpid(node.pid, nullptr, 0);
  return std::nullopt;
}

// A child of this bench that starts a Warden with `plugins` and publishes it
// on 127.0.0.1:0. Only called while this process has one thread (fork).
std::optional<Node> start_forked_node(const std::vector<std::string>& plugins,
                                      const TlsFiles& tls) {
  int port_pipe[2], stop_pipe[2];
  if (pipe(port_pipe) != 0 || pipe(stop_pipe) != 0)
    return std::nullopt;
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    // Only this node's own pipe ends stay open: a node holding another's stop
    // pipe would keep that one from ever seeing its end.
    for (int fd = 3; fd < 1024; ++fd) {
      if (fd != port_pipe[1] && fd != stop_pipe[0])
        close(fd);
    }
    uint16_t port = 0;
    {
      warden::runtime::V8Platform v8;
      caf::actor_system_config caf_config;
      warden::actors::configure(caf_config);
      warden::actors::use_recommended_scheduler(caf_config);
      warden::actors::configure_network(caf_config, tls);
      caf::actor_system system{caf_config};
      warden::actors::WardenConfig config;
      for (const auto& path : plugins)
        config.plugins.push_back({path});
      config.recycle_after_scans = 0;
      config.console = [](warden::runtime::LogLevel, std::string_view, std::string_view) {};
      auto started = warden::actors::Warden::start(system, config);
      if (started) {
        auto published =
            warden::actors::publish_node(system, (*started)->supervisor(), {"127.0.0.1", 0});
        if (published)
          port = *published;
        else
          std::fprintf(stderr, "net_bench node: %s\n", published.error().describe().c_str());
      }
      (void)!write(port_pipe[1], &port, sizeof port);
      char byte;
      while (port != 0 && read(stop_pipe[0], &byte, 1) != 0) {
      }
      if (started)
        (*started)->shutdown();
    }
    std::_Exit(0);
  }
  close(port_pipe[1]);
  close(stop_pipe[0]);
  Node node;
  node.pid = pid;
  node.stop_fd = stop_pipe[1];
  const bool got = read(port_pipe[0], &node.port, sizeof node.port) == sizeof node.port;
  close(port_pipe[0]);
  if (!got || node.port == 0) {
    close(node.stop_fd);
    waitpid(pid, nullptr, 0);
    return std::nullopt;
  }
  return node;
}

void stop_node(Node& node) {
  if (node.pid <= 0)
    return;
  if (node.stop_fd >= 0)
    close(node.stop_fd);
  else
    kill(node.pid, SIGTERM);
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (waitpid(node.pid, nullptr, WNOHANG) == 0) {
    if (Clock::now() > deadline) {
      kill(node.pid, SIGKILL);
      waitpid(node.pid, nullptr, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  node.pid = -1;
}

// The project's certificate helper: a CA, a node and a client certificate.
std::optional<std::pair<TlsFiles, TlsFiles>> make_certificates(const std::filesystem::path& dir) {
  const auto script = std::filesystem::path{WARDEN_SOURCE_DIR} / "scripts" / "make-test-certs.sh";
  const std::string command = "'" + script.string() + "' '" + dir.string() + "' >/dev/null 2>&1";
  if (!std::filesystem::exists(script) || std::system(command.c_str()) != 0)
    return std::nullopt;
  const auto at = [&](const char* name) { return (dir / name).string(); };
  TlsFiles node{at("node.pem"), at("node.key"), at("ca.pem")};
  TlsFiles client{at("client.pem"), at("client.key"), at("ca.pem")};
  if (warden::actors::check_tls_files(node) || warden::actors::check_tls_files(client))
    return std::nullopt;
  return std::pair{node, client};
}

// -- runs -------------------------------------------------------------------------

struct RunResult {
  std::string name;
  bool ran = false;
  std::string why;  // when it did not run
  std::size_t transactions = 0;
  double seconds = 0;
  double cpu_client = 0;  // this process (in process: everything)
  double cpu_nodes = 0;   // the node processes
  Wire wire;
  std::size_t findings = 0;
  std::size_t failures = 0;
  std::size_t lost = 0;  // transactions not answered exactly once
};

// Counts one report into `result`; `answers` catches a transaction answered
// twice or never.
void count(RunResult& result, std::vector<int>& answers, const warden::actors::ScanReport& report) {
  const auto index = std::stoul(report.transaction_id);
  if (index < answers.size())
    ++answers[index];
  result.findings += report.findings.size();
  result.failures += report.failures.size();
}

void finish(RunResult& result, const std::vector<int>& answers) {
  result.transactions = answers.size();
  result.lost = static_cast<std::size_t>(
      std::count_if(answers.begin(), answers.end(), [](int n) { return n != 1; }));
  result.ran = true;
}

RunResult in_process(const std::vector<std::string>& plugins,
                     const std::vector<TransactionPtr>& input, const Options& options) {
  RunResult result;
  result.name = "in process";
  caf::actor_system_config caf_config;
  warden::actors::configure(caf_config);
  warden::actors::use_recommended_scheduler(caf_config);
  caf::actor_system system{caf_config};
  warden::actors::WardenConfig config;
  for (const auto& path : plugins)
    config.plugins.push_back({path});
  config.recycle_after_scans = 0;
  config.console = [](warden::runtime::LogLevel, std::string_view, std::string_view) {};
  auto started = warden::actors::Warden::start(system, config);
  if (!started) {
    result.why = started.error().describe();
    return result;
  }
  auto& warden = **started;
  warden.scan_stream(
      first_of(input, options.warmup), [](warden::actors::ScanReport&&) {}, options.window);
  std::vector<int> answers(input.size(), 0);
  const double cpu = warden::bench::self_cpu_seconds();
  const auto start = Clock::now();
  warden.scan_stream(
      first_of(input, input.size()),
      [&](warden::actors::ScanReport&& report) { count(result, answers, report); }, options.window);
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.cpu_client = warden::bench::self_cpu_seconds() - cpu;
  finish(result, answers);
  warden.shutdown();
  return result;
}

RunResult remote(const std::string& name, const std::vector<Node*>& nodes, const TlsFiles& tls,
                 const std::vector<TransactionPtr>& input, const Options& options) {
  RunResult result;
  result.name = name;
  caf::actor_system_config caf_config;
  warden::actors::configure(caf_config);
  warden::actors::use_recommended_scheduler(caf_config);
  warden::actors::configure_network(caf_config, tls);
  caf::actor_system system{caf_config};
  warden::actors::RemoteOptions remote_options;
  std::set<uint16_t> ports;
  for (const auto* node : nodes) {
    remote_options.nodes.push_back({"127.0.0.1", node->port});
    ports.insert(node->port);
  }
  remote_options.window_per_node = options.window;
  remote_options.answer_timeout = std::chrono::seconds(120);  // a loaded machine is slow, not gone
  auto connected = warden::actors::RemoteWarden::connect(system, remote_options);
  if (!connected) {
    result.why = connected.error().describe();
    return result;
  }
  auto& client = **connected;
  if (auto lost = client.scan_stream(first_of(input, options.warmup),
                                     [](warden::actors::ScanReport&&) {})) {
    result.why = "warm-up: " + lost->describe();
    return result;
  }
  const auto nodes_cpu = [&] {
    double sum = 0;
    for (const auto* node : nodes)
      sum += process_cpu_seconds(node->pid);
    return sum;
  };
  std::vector<int> answers(input.size(), 0);
  const Wire before = wire_to(ports);
  const double client_cpu = warden::bench::self_cpu_seconds();
  const double node_cpu = nodes_cpu();
  const auto start = Clock::now();
  const auto lost = client.scan_stream(
      first_of(input, input.size()),
      [&](warden::actors::ScanReport&& report) { count(result, answers, report); });
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.cpu_client = warden::bench::self_cpu_seconds() - client_cpu;
  result.cpu_nodes = nodes_cpu() - node_cpu;
  const Wire after = wire_to(ports);
  result.wire = {after.sent - before.sent, after.received - before.received,
                 after.segments_out - before.segments_out, after.segments_in - before.segments_in};
  finish(result, answers);
  if (lost)
    result.why = lost->describe();
  return result;
}

void print(const RunResult& r, const RunResult& local, std::size_t plugins) {
  if (!r.ran) {
    std::printf("%-13s not run: %s\n", r.name.c_str(), r.why.c_str());
    return;
  }
  const double n = static_cast<double>(r.transactions);
  const double rate = n / r.seconds;
  const double client_us = r.cpu_client / n * 1e6;
  const double nodes_us = r.cpu_nodes / n * 1e6;
  const double local_us = local.ran ? local.cpu_client / local.transactions * 1e6 : 0;
  std::printf("%-13s %7.0f %8.0f %8.1f %8.1f %8.1f %+8.1f %8.0f %8.0f %6.2f %6.2f %8zu %4zu\n",
              r.name.c_str(), rate, rate * static_cast<double>(plugins), client_us + nodes_us,
              client_us, nodes_us, client_us + nodes_us - local_us, r.wire.sent / n,
              r.wire.received / n, r.wire.segments_out / n, r.wire.segments_in / n, r.findings,
              r.lost);
  if (!r.why.empty())
    std::printf("%-13s error: %s\n", "", r.why.c_str());
}

// Whether `warden` has the serve command: its help names --listen.
bool can_serve(const std::string& warden) {
  if (access(warden.c_str(), X_OK) != 0)
    return false;
  const std::string command = "'" + warden + "' serve --help 2>/dev/null";
  FILE* help = popen(command.c_str(), "r");
  if (help == nullptr)
    return false;
  std::string text;
  char buffer[4096];
  for (std::size_t got; (got = std::fread(buffer, 1, sizeof buffer, help)) > 0;)
    text.append(buffer, got);
  return pclose(help) == 0 && text.find("--listen") != std::string::npos;
}

}  // namespace

int main(int argc, char* argv[]) {
  Options options;
  if (const auto exit_code = parse_options(argc, argv, options))
    return *exit_code;
  // CI only keeps the benchmark alive; its figures come from deliberate runs.
  if (std::getenv("WARDEN_BENCH_SMOKE") != nullptr) {
    options.scans = std::min<std::size_t>(options.scans, 200);
    options.warmup = std::min<std::size_t>(options.warmup, 20);
  }
  std::signal(SIGPIPE, SIG_IGN);
  const std::filesystem::path source{WARDEN_SOURCE_DIR};
  const std::filesystem::path corpus_dir{WARDEN_SHARED_CORPUS};
  std::vector<TransactionPtr> corpus;
  std::string input_name;
  if (std::filesystem::is_directory(corpus_dir)) {
    corpus = warden::bench::read_corpus(corpus_dir);
    input_name = "the shared corpus (" + corpus_dir.string() + ")";
  }
  if (corpus.empty()) {
    warden::bench::read_har_into(source / "examples" / "demo.har", corpus);
    input_name = "examples/demo.har";
  }
  const auto plugin_files = warden::bench::bundled_plugin_files();
  if (corpus.empty() || plugin_files.empty()) {
    std::printf("net_bench: skipped, no input HAR or no bundled plugins\n");
    return 0;
  }
  std::vector<std::string> plugins;
  for (const auto& file : plugin_files)
    plugins.push_back(file.string());
  const auto input = warden::bench::repeated(corpus, options.scans);
  std::size_t content = 0;
  for (const auto& transaction : input)
    content += content_bytes(*transaction);

  const auto scratch =
      std::filesystem::temp_directory_path() / ("warden-net-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(scratch);
  const auto certificates = make_certificates(scratch);
  const TlsFiles plain;

  // Nodes first: a forked node must be forked while this process has one thread.
  if (options.warden.empty())
    options.warden =
        (std::filesystem::canonical("/proc/self/exe").parent_path() / "warden").string();
  const bool serve =
      options.nodes == "serve" || (options.nodes == "auto" && can_serve(options.warden));
  const auto start = [&](const TlsFiles& tls, const char* name) -> std::optional<Node> {
    if (serve)
      return start_serve_node(options.warden, (source / "plugins").string(), tls,
                              (scratch / (std::string{name} + ".log")).string());
    return start_forked_node(plugins, tls);
  };
  std::optional<Node> plain_a = start(plain, "a"), plain_b = start(plain, "b");
  std::optional<Node> tls_a, tls_b;
  if (certificates) {
    tls_a = start(certificates->first, "tls-a");
    tls_b = start(certificates->first, "tls-b");
  }

  warden::runtime::V8Platform v8;
  std::printf(
      "net_bench: %zu transactions per run (%zu from %s, repeated), %.0f bytes of fields each, "
      "%zu bundled plugins, %zu in flight per node (and in process), recycling off, %u hardware "
      "threads\n",
      input.size(), corpus.size(), input_name.c_str(), static_cast<double>(content) / input.size(),
      plugins.size(), options.window, std::thread::hardware_concurrency());
  std::printf(
      "nodes: %s on 127.0.0.1; client: RemoteWarden (what `warden scan --remote` runs) in this "
      "process; TLS: %s\n",
      serve ? ("`" + options.warden + " serve` child processes").c_str()
            : "forked children of this bench, each a Warden published with publish_node",
      certificates ? "mutual, certificates from scripts/make-test-certs.sh"
                   : "skipped (scripts/make-test-certs.sh or openssl unavailable)");
  std::printf(
      "compared against: the same plugins and transactions in process (actors::Warden::scan_stream)"
      "\n\n");
  std::printf("%-13s %7s %8s %8s %8s %8s %8s %8s %8s %6s %6s %8s %4s\n", "mode", "txn/s", "scans/s",
              "CPU us", "client", "nodes", "vs local", "B out", "B in", "seg out", "seg in",
              "findings", "lost");

  std::vector<RunResult> results;
  const RunResult local = in_process(plugins, input, options);
  results.push_back(local);
  print(local, local, plugins.size());
  const auto run = [&](const std::string& name, std::vector<std::optional<Node>*> nodes,
                       const TlsFiles& tls) {
    std::vector<Node*> up;
    for (auto* node : nodes) {
      if (*node)
        up.push_back(&**node);
    }
    RunResult result;
    if (up.size() != nodes.size()) {
      result.name = name;
      result.why = "a node did not start";
    } else {
      result = remote(name, up, tls, input, options);
    }
    print(result, local, plugins.size());
    results.push_back(result);
  };
  run("1 node", {&plain_a}, plain);
  run("2 nodes", {&plain_a, &plain_b}, plain);
  if (certificates) {
    run("1 node, TLS", {&tls_a}, certificates->second);
    run("2 nodes, TLS", {&tls_a, &tls_b}, certificates->second);
  }
  for (auto* node : {&plain_a, &plain_b, &tls_a, &tls_b}) {
    if (*node)
      stop_node(**node);
  }
  std::filesystem::remove_all(scratch);

  std::printf(
      "\ntxn/s: transactions scanned by every plugin per second (scans/s: x plugins). Per "
      "transaction: CPU us: CPU time of this process (client) and the nodes, 'vs local' its "
      "excess over in process;\nB out / B in: TCP payload to / from the nodes (TLS records "
      "included, TCP/IP headers not: ~52 B more per segment); seg out / in: TCP segments.\n");
  bool ok = true;
  for (const auto& r : results) {
    if (!r.ran)
      continue;
    if (r.lost != 0 || !r.why.empty() ||
        (local.ran && (r.findings != local.findings || r.failures != local.failures))) {
      std::printf("MISMATCH: %s: findings %zu failures %zu lost %zu (in process: %zu, %zu)\n",
                  r.name.c_str(), r.findings, r.failures, r.lost, local.findings, local.failures);
      ok = false;
    }
  }
  std::printf("findings check: %s\n", ok ? "every mode found the same, nothing lost" : "FAILED");
  return ok ? 0 : 1;
}
