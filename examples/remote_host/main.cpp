// warden_remote_host: a host whose plugins run on a remote Warden node. It
// connects to the node with one call (connect_node, TLS settings from the
// command line), which gives the same typed handle (warden_actor) a local
// Warden gives, asks the node what it serves, scans the first transactions
// of a HAR file there with one request and prints every finding and failure.
// No plugin runs in this process, so it needs no V8Platform.
//
//   warden_remote_host HOST:PORT [traffic.har] [--max N]
//                      [--tls-cert FILE --tls-key FILE --tls-ca FILE]
//
// Exits 0 when the node answered every transaction with its report, 1 when
// it could not connect or scan, 2 on a usage error.

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/all.hpp>

#include "warden/har_reader.hpp"
#include "warden/network.hpp"
#include "warden/protocol.hpp"
#include "warden/warden.hpp"

namespace {

using namespace std::chrono_literals;
using warden::TransactionPtr;
using warden::actors::describe_atom;
using warden::actors::NodeInfo;
using warden::actors::scan_atom;
using warden::actors::ScanReport;

constexpr const char* kUsage =
    "usage: warden_remote_host HOST:PORT [traffic.har] [--max N]\n"
    "                          [--tls-cert FILE --tls-key FILE --tls-ca FILE]\n";

struct Arguments {
  std::string node;
  std::string har = WARDEN_REMOTE_HOST_HAR;
  std::size_t max = 20;  // transactions sent
  warden::actors::TlsFiles tls;
};

std::optional<Arguments> parse(int argc, char* argv[]) {
  Arguments arguments;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      std::exit(0);
    }
    if (flag.rfind("--", 0) != 0) {
      positional.emplace_back(flag);
      continue;
    }
    if (i + 1 == argc) {
      std::cerr << flag << " needs a value\n" << kUsage;
      return std::nullopt;
    }
    const std::string value = argv[++i];
    if (flag == "--tls-cert") {
      arguments.tls.certificate = value;
    } else if (flag == "--tls-key") {
      arguments.tls.key = value;
    } else if (flag == "--tls-ca") {
      arguments.tls.ca = value;
    } else if (flag == "--max") {
      arguments.max = std::strtoul(value.c_str(), nullptr, 10);
    } else {
      std::cerr << "unknown option " << flag << "\n" << kUsage;
      return std::nullopt;
    }
  }
  if (positional.empty() || positional.size() > 2 || arguments.max == 0) {
    std::cerr << kUsage;
    return std::nullopt;
  }
  arguments.node = positional[0];
  if (positional.size() == 2) {
    arguments.har = positional[1];
  }
  if (arguments.har.empty()) {
    std::cerr << "no HAR file given\n" << kUsage;
    return std::nullopt;
  }
  return arguments;
}

// The first `max` transactions of the HAR file.
std::vector<TransactionPtr> read_transactions(const std::string& path, std::size_t max) {
  std::vector<TransactionPtr> transactions;
  auto read = warden::runtime::read_har_file(path, [&](warden::Transaction&& transaction) {
    transactions.push_back(std::make_shared<const warden::Transaction>(std::move(transaction)));
    return transactions.size() < max;  // false: stop reading
  });
  if (!read) {
    throw std::runtime_error(read.error().describe());
  }
  return transactions;
}

int run(int argc, char* argv[]) {
  const auto arguments = parse(argc, argv);
  if (!arguments) {
    return 2;
  }
  const auto address = warden::actors::parse_node_address(arguments->node);
  if (!address) {
    std::cerr << address.error().describe() << "\n";
    return 2;
  }
  if (const auto bad = warden::actors::check_tls_files(arguments->tls)) {
    std::cerr << bad->describe() << "\n";
    return 2;
  }
  const auto transactions = read_transactions(arguments->har, arguments->max);

  // The host's actor system, with CAF's network layer (and TLS when the
  // files were given) loaded before it is built.
  caf::actor_system_config config;
  warden::actors::configure(config);
  warden::actors::configure_network(config, arguments->tls);
  caf::actor_system system{config};

  // One call: the node's Warden as the same typed handle a local one gives.
  auto node = warden::actors::connect_node(system, *address);
  if (!node) {
    std::cerr << "cannot connect: " << node.error().describe() << "\n";
    return 1;
  }
  std::cout << "connected to " << warden::actors::to_string(*address)
            << (warden::actors::tls_enabled(system) ? " (mutual TLS)" : " (plaintext)") << "\n";

  caf::scoped_actor self{system};
  bool ok = true;
  std::size_t plugins = 0;
  self->request(*node, 30s, describe_atom::value)
      .receive(
          [&](const NodeInfo& info) {
            plugins = info.plugins.size();
            for (std::size_t i = 0; i < info.plugins.size(); ++i) {
              std::cout << "serves " << info.plugins[i].id << " " << info.plugins[i].version
                        << (i < info.revisions.size() ? " @" + info.revisions[i].revision : "")
                        << "\n";
            }
          },
          [&](const caf::error& error) {
            std::cerr << "describe failed: " << system.render(error) << "\n";
            ok = false;
          });

  // Every transaction in one request; one report per transaction comes back.
  std::size_t findings = 0, failures = 0, reports = 0;
  self->request(*node, 120s, scan_atom::value, transactions)
      .receive(
          [&](std::vector<ScanReport>& answered) {
            reports = answered.size();
            for (const auto& report : answered) {
              for (const auto& finding : report.findings) {
                ++findings;
                std::cout << report.transaction_id << " [" << warden::to_string(finding.severity)
                          << "] " << finding.plugin_id << ": " << finding.title << "\n";
              }
              for (const auto& failure : report.failures) {
                ++failures;
                std::cout << report.transaction_id << " [failed] " << failure.plugin_id << ": "
                          << failure.error.describe() << "\n";
              }
            }
          },
          [&](const caf::error& error) {
            std::cerr << "scan failed: " << system.render(error) << "\n";
            ok = false;
          });
  ok = ok && reports == transactions.size();
  std::cout << "remote_host: " << transactions.size() << " transactions scanned on "
            << warden::actors::to_string(*address) << ", " << plugins << " plugins, " << findings
            << " findings, " << failures << " failures" << (ok ? "" : ", NOT ALL ANSWERED") << "\n";
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char* argv[]) {
  try {
    return run(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << "fatal: " << error.what() << "\n";
    return 1;
  }
}
