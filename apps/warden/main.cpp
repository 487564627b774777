// The `warden` command line: parses flags (CLI11), sets up logging, builds
// the V8 platform and then the actor system (so they are destroyed in reverse
// order) and hands over to the scan, serve or plugins commands.

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <malloc.h>
#include <memory>
#include <optional>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/config.hpp>

#include "apps/warden/exit_code.hpp"
#include "apps/warden/input_files.hpp"
#include "apps/warden/interrupt.hpp"
#include "apps/warden/plugin_discovery.hpp"
#include "apps/warden/plugin_options.hpp"
#include "apps/warden/plugins_command.hpp"
#include "apps/warden/plugins_new_command.hpp"
#include "apps/warden/plugins_test_command.hpp"
#include "apps/warden/scan_command.hpp"
#include "apps/warden/serve_command.hpp"
#include "runtime/inert_text.hpp"
#include "warden/network.hpp"
#include "warden/v8_platform.hpp"
#include "warden/warden.hpp"

namespace {

using warden::cli::Format;
using warden::cli::PluginFlags;
using warden::cli::ScanOptions;
using warden::cli::ServeOptions;
using warden::cli::Verbosity;

std::string version_text() {
  return std::string("warden ") + WARDEN_VERSION + " (V8 " +
         warden::runtime::V8Platform::version() + ", CAF " + std::to_string(CAF_MAJOR_VERSION) +
         "." + std::to_string(CAF_MINOR_VERSION) + "." + std::to_string(CAF_PATCH_VERSION) + ")";
}

// `%*` in the log pattern: the message with control characters escaped, so a
// plugin's text (an id, a path, an error or console message) cannot move the
// cursor, erase a line or forge a log line of its own.
class PrintablePayload : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string text =
        warden::printable(std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<PrintablePayload>();
  }
};

// A node (`serve`) logs what it does at info; a scan only warns.
void set_up_logging(Verbosity verbosity, bool serve) {
  auto logger = spdlog::stderr_color_mt("warden");
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<PrintablePayload>('*').set_pattern("warden: %^%l%$: %*");
  logger->set_formatter(std::move(formatter));
  switch (verbosity) {
    case Verbosity::quiet:
      logger->set_level(spdlog::level::err);
      break;
    case Verbosity::normal:
      logger->set_level(serve ? spdlog::level::info : spdlog::level::warn);
      break;
    case Verbosity::verbose:
      logger->set_level(spdlog::level::debug);
      break;
  }
  spdlog::set_default_logger(logger);
}

std::optional<warden::actors::Isolation> parse_isolation(const std::string& text) {
  if (text == "thread") {
    return warden::actors::Isolation::thread;
  }
  if (text == "process") {
    return warden::actors::Isolation::process;
  }
  return std::nullopt;
}

const char* kFooter = R"(Exit codes:
  0  the scan ran; no finding at or above --fail-on (serve: stopped by SIGINT/SIGTERM)
  1  a finding at or above --fail-on
  2  usage error, unreadable or malformed input, or no valid plugin; with --remote also a
     node that cannot be reached, refuses this client or serves other plugins than the
     first, or every node lost mid-run (the report covers what was answered)
  3  --strict was given and a plugin failed to load or to scan
  130, 143  interrupted by SIGINT (Ctrl-C) or SIGTERM: the report covers what was scanned

Examples:
  warden scan examples/demo.har
  warden scan --format sarif --output report.sarif traffic/
  curl -s https://example.test/capture.har | warden scan -
  warden scan --fail-on high --plugins my-checks/ --plugins extra.js site.har
  warden scan --format jsonl --stats big.har | jq 'select(.severity=="critical")'
  warden serve --plugins my-checks/ --listen 127.0.0.1:7411
  warden scan --remote 127.0.0.1:7411,127.0.0.1:7412 site.har
  warden serve --listen 0.0.0.0:7411 --tls-cert node.pem --tls-key node.key --tls-ca ca.pem
  warden plugins list
  warden plugins check my-checks/
  warden plugins test plugins/
  warden plugins new my-check)";

}  // namespace

int main(int argc, char** argv) {
  // A host's choice, so made here and not in the library: left alone, glibc
  // raises its mmap and trim thresholds as isolates come and go, after which
  // the arenas keep what was freed and RSS steps up over many recycles; fixed
  // thresholds keep it flat at no measurable throughput cost (memory_bench;
  // bench/README.md, "Memory").
  constexpr int kMallocThresholdBytes = 128 * 1024;  // glibc's initial values
  mallopt(M_MMAP_THRESHOLD, kMallocThresholdBytes);
  mallopt(M_TRIM_THRESHOLD, kMallocThresholdBytes);
  CLI::App app{
      "warden: run JavaScript security-check plugins over recorded HTTP traffic (HAR files).\n"
      "Each plugin runs in its own V8 isolate; findings come out in input order.",
      "warden"};
  app.set_version_flag("--version", version_text);
  app.require_subcommand(1);
  app.footer(kFooter);
  app.fallthrough();
  app.set_help_all_flag("--help-all", "show help for every command");

  bool quiet = false;
  bool verbose = false;
  auto* quiet_flag = app.add_flag("-q,--quiet", quiet, "only errors on stderr; no progress bar");
  app.add_flag("-v,--verbose", verbose,
               "debug logs on stderr, plugin console output, descriptions and evidence in "
               "the text report")
      ->excludes(quiet_flag);

  // scan
  ScanOptions scan;
  std::string format{to_string(scan.format)};  // ScanOptions decides the default
  std::string fail_on;
  auto* scan_cmd = app.add_subcommand("scan", "scan HAR files with plugins");
  scan_cmd
      ->add_option("files", scan.inputs,
                   "HAR 1.2 files, folders (their *.har files, recursively, sorted by path) or "
                   "- for standard input, scanned in the order given")
      ->required()
      ->check(CLI::Validator(
          [](std::string& input) {
            return input == warden::cli::kStdinInput ? std::string() : CLI::ExistingPath(input);
          },
          "", "EXISTING PATH or -"))
      ->type_name("FILE.har|DIR|-");
  PluginFlags scan_plugin_flags;
  warden::cli::add_plugin_paths_option(*scan_cmd, scan.plugins, scan_plugin_flags);
  scan_cmd->add_option("-f,--format", format, "output format")
      ->check(CLI::IsMember({"text", "jsonl", "sarif"}))
      ->capture_default_str();
  scan_cmd->add_option("-o,--output", scan.output, "write the report to FILE [default: stdout]")
      ->type_name("FILE");
  scan_cmd
      ->add_option("--fail-on", fail_on,
                   "exit 1 when a finding is at or above this severity [default: never]")
      ->check(CLI::IsMember({"info", "low", "medium", "high", "critical"}))
      ->type_name("SEVERITY");
  warden::cli::add_plugin_limit_options(*scan_cmd, scan.plugins, scan_plugin_flags);
  scan_cmd->add_flag("--stats", scan.stats,
                     "after the run, print one JSON object with run statistics on stderr");
  scan_cmd->add_flag("--strict", scan.strict,
                     "exit 3 when a plugin failed to load or to scan a transaction");
  std::string remote_nodes;
  auto* remote_opt =
      scan_cmd
          ->add_option("--remote", remote_nodes,
                       "scan on these Warden nodes (`warden serve`) instead of in this process: "
                       "the HAR files are read here and each transaction goes to a node with a "
                       "free window; the report is byte for byte the one a local scan with the "
                       "nodes' plugins writes (SARIF's elapsedSeconds and the text summary's "
                       "time aside). The nodes' plugins and limits apply, so the plugin options "
                       "above (--plugins, --isolation, --workers-per-plugin, ...) are refused "
                       "with it. A lost node's unanswered transactions go to the others; all "
                       "lost: the report of what was answered and exit 2")
          ->type_name("HOST:PORT[,HOST:PORT...]");
  const std::vector<CLI::Option*> scan_tls_opts =
      warden::cli::add_tls_options(*scan_cmd, scan.tls, "with --remote: this client's");
  uint64_t remote_timeout_ms = static_cast<uint64_t>(scan.remote_timeout.count());
  auto* remote_timeout_opt =
      scan_cmd
          ->add_option("--remote-timeout", remote_timeout_ms,
                       "with --remote: a transaction a node has not answered in this many ms "
                       "goes to another node, and that node counts as lost until it answers "
                       "again (a late answer is dropped, never reported twice)")
          ->check(CLI::Range(1, 3'600'000))
          ->capture_default_str()
          ->type_name("MS");
  auto* remote_window_opt =
      scan_cmd
          ->add_option("--remote-window", scan.remote_window,
                       "with --remote: transactions outstanding per node; a faster node frees "
                       "its window sooner and so gets more of the work")
          ->check(CLI::Range(1, 65'536))
          ->capture_default_str()
          ->type_name("N");

  // serve
  ServeOptions serve;
  std::string listen = warden::actors::to_string(serve.listen);
  auto* serve_cmd = app.add_subcommand(
      "serve",
      "run a Warden node: load plugins and serve scans to `warden scan --remote` and remote "
      "hosts over CAF's network layer; SIGHUP reloads every plugin from its file (a reload "
      "that fails keeps the running code and logs why), SIGINT/SIGTERM stop after answering "
      "what is in flight");
  PluginFlags serve_plugin_flags;
  warden::cli::add_plugin_paths_option(*serve_cmd, serve.plugins, serve_plugin_flags);
  serve_cmd
      ->add_option("--listen", listen,
                   "address and port to accept peers on; port 0 takes a free port. The bound "
                   "address is printed on stderr as 'warden: listening on HOST:PORT'. Without "
                   "TLS only a loopback address is allowed, unless --insecure")
      ->capture_default_str()
      ->type_name("HOST:PORT");
  const std::vector<CLI::Option*> serve_tls_opts =
      warden::cli::add_tls_options(*serve_cmd, serve.tls, "this node's");
  serve_cmd
      ->add_flag("--insecure", serve.insecure,
                 "allow plaintext on an address other than loopback: anyone who reaches it "
                 "can scan and read the answers (warned at start)")
      ->excludes(serve_tls_opts[0])
      ->excludes(serve_tls_opts[1])
      ->excludes(serve_tls_opts[2]);
  warden::cli::add_plugin_limit_options(*serve_cmd, serve.plugins, serve_plugin_flags);

  // plugins list | check | test | new
  auto* plugins_cmd = app.add_subcommand("plugins", "list, check, test or create plugins");
  plugins_cmd->require_subcommand(1);
  std::vector<std::string> list_paths;
  auto* list_cmd =
      plugins_cmd->add_subcommand("list", "list plugins: id, kind, name, version, file");
  list_cmd
      ->add_option("-p,--plugins", list_paths,
                   "a plugin file or directory; repeatable [default: the bundled plugins]")
      ->type_name("PATH")
      ->allow_extra_args(false)  // one PATH per --plugins: the HAR files follow it
      ->check(CLI::ExistingPath);
  std::vector<std::string> check_paths;
  auto* check_cmd = plugins_cmd->add_subcommand(
      "check", "load each plugin and report problems (file:line:col: reason)");
  check_cmd->add_option("paths", check_paths, "plugin files or directories")
      ->required()
      ->check(CLI::ExistingPath)
      ->type_name("PATH");
  std::string check_isolation = scan_plugin_flags.isolation;
  check_cmd
      ->add_option("--isolation", check_isolation,
                   "load each plugin in this process (thread) or in a child process (process)")
      ->check(CLI::IsMember({"thread", "process"}))
      ->capture_default_str()
      ->type_name("MODE");
  std::vector<std::string> test_paths;
  auto* test_cmd = plugins_cmd->add_subcommand(
      "test", "run each plugin over its fixture HAR and compare with its expected findings");
  test_cmd->add_option("paths", test_paths, "plugin files or directories")
      ->required()
      ->check(CLI::ExistingPath)
      ->type_name("PATH");
  std::string test_isolation = scan_plugin_flags.isolation;
  test_cmd
      ->add_option("--isolation", test_isolation,
                   "run each plugin in this process (thread) or in a child process (process)")
      ->check(CLI::IsMember({"thread", "process"}))
      ->capture_default_str()
      ->type_name("MODE");
  std::string new_name;
  std::string new_dir = ".";
  auto* new_cmd = plugins_cmd->add_subcommand(
      "new", "write a plugin skeleton with a fixture HAR and its expected findings");
  new_cmd->add_option("name", new_name, "the plugin id, [a-z0-9][a-z0-9-]*")
      ->required()
      ->type_name("NAME");
  new_cmd->add_option("-d,--dir", new_dir, "directory to write into")
      ->capture_default_str()
      ->type_name("DIR");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (argc == 1) {
      std::cerr << app.help();
    } else {
      std::cerr << "warden: error: " << e.what() << "\nRun 'warden --help' for usage.\n";
    }
    return warden::cli::exit_usage;
  }

  auto usage_error = [](const std::string& message) {
    std::cerr << "warden: error: " << message << "\nRun 'warden --help' for usage.\n";
    return warden::cli::exit_usage;
  };
  if (*scan_cmd && remote_opt->count() > 0) {
    if (const CLI::Option* local = scan_plugin_flags.first_given()) {
      return usage_error(local->get_name() +
                         " sets a local scan's plugins or limits; with --remote the nodes' "
                         "apply (give it to `warden serve`)");
    }
    auto nodes = warden::actors::parse_node_addresses(remote_nodes);
    if (!nodes.ok()) {
      return usage_error("--remote: " + nodes.error().message);
    }
    scan.remote = std::move(nodes).value();
    if (auto error = warden::actors::check_tls_files(scan.tls)) {
      return usage_error(error->message);
    }
    scan.remote_timeout = std::chrono::milliseconds(remote_timeout_ms);
  } else if (*scan_cmd) {
    for (const CLI::Option* option : {scan_tls_opts[0], scan_tls_opts[1], scan_tls_opts[2],
                                      remote_timeout_opt, remote_window_opt}) {
      if (option->count() > 0) {
        return usage_error(option->get_name() + " needs --remote");
      }
    }
  }
  if (*serve_cmd) {
    auto address = warden::actors::parse_node_address(listen, /*allow_any_port=*/true);
    if (!address.ok()) {
      return usage_error("--listen: " + address.error().message);
    }
    serve.listen = std::move(address).value();
    if (auto error = warden::cli::check_serve_options(serve)) {
      return usage_error(*error);
    }
    warden::cli::apply_isolation(serve_plugin_flags, serve.plugins);
  }

  const Verbosity verbosity =
      quiet ? Verbosity::quiet : (verbose ? Verbosity::verbose : Verbosity::normal);
  scan.verbosity = verbosity;
  scan.format = format == "jsonl"   ? Format::jsonl
                : format == "sarif" ? Format::sarif
                                    : Format::text;
  if (!fail_on.empty()) {
    scan.fail_on = warden::parse_severity(fail_on);
  }
  warden::cli::apply_isolation(scan_plugin_flags, scan.plugins);
  set_up_logging(verbosity, serve_cmd->parsed());
  scan.inputs = warden::cli::expand_inputs(scan.inputs);

  try {
    // Signals first: every thread started later (V8's, CAF's, the reader)
    // inherits the mask that leaves SIGINT/SIGTERM to the sigwait thread.
    std::optional<warden::cli::Interrupt> interrupt;
    if (*scan_cmd) {
      interrupt.emplace(warden::cli::Interrupt::Command::scan);
    } else if (*serve_cmd) {
      interrupt.emplace(warden::cli::Interrupt::Command::serve);
    }
    // V8 next: it must outlive every isolate, and the actor system's workers own isolates.
    warden::runtime::V8Platform v8;
    if (*scan_cmd || *serve_cmd) {
      caf::actor_system_config config;
      warden::actors::configure(config);
      warden::actors::use_recommended_scheduler(config);
      // The network layer (CAF's middleman and its threads) only where it is
      // used: a local scan does not start it.
      if (*serve_cmd) {
        warden::actors::configure_network(config, serve.tls);
      } else if (!scan.remote.empty()) {
        warden::actors::configure_network(config, scan.tls);
      }
      caf::actor_system system{config};
      if (*serve_cmd) {
        return warden::cli::run_serve(system, serve, *interrupt);
      }
      return warden::cli::run_scan(system, scan, *interrupt);
    }
    if (*list_cmd) {
      return warden::cli::run_plugins_list(list_paths, std::cout);
    }
    if (*check_cmd) {
      return warden::cli::run_plugins_check(check_paths, *parse_isolation(check_isolation),
                                            std::cout);
    }
    if (*test_cmd) {
      return warden::cli::run_plugins_test(test_paths, *parse_isolation(test_isolation), std::cout);
    }
    if (*new_cmd) {
      return warden::cli::run_plugins_new(new_name, new_dir, std::cout);
    }
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return warden::cli::exit_usage;
  }
  return warden::cli::exit_usage;
}
