// warden_embed: the smallest useful host. It builds V8 first, then its own
// caf::actor_system configured by Warden, starts Warden with plugins from the
// command line (or the bundled plugins folder), scans a HAR file through the
// pipelined stream API and prints every finding and failure.
//
//   warden_embed traffic.har [plugin.js ...]

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "warden/finding.hpp"
#include "warden/har_reader.hpp"
#include "warden/v8_platform.hpp"
#include "warden/warden.hpp"

namespace {

std::vector<std::string> bundled_plugins() {
  std::vector<std::string> paths;
  const std::filesystem::path dir{WARDEN_EMBED_PLUGINS_DIR};
  std::error_code error;
  if (dir.empty() || !std::filesystem::is_directory(dir, error)) {
    return paths;
  }
  for (const auto& entry : std::filesystem::directory_iterator{dir}) {
    if (entry.path().extension() == ".js") {
      paths.push_back(entry.path().string());
    }
  }
  std::sort(paths.begin(), paths.end());  // load order decides report order
  return paths;
}

int run(int argc, char* argv[]) {
  if (argc < 2) {
    std::cerr << "usage: " << argv[0] << " traffic.har [plugin.js ...]\n";
    return 2;
  }
  warden::actors::WardenConfig config;
  std::vector<std::string> plugins(argv + 2, argv + argc);
  if (plugins.empty()) {
    plugins = bundled_plugins();
  }
  if (plugins.empty()) {
    std::cerr << "no plugins given and no bundled plugins folder\n";
    return 2;
  }
  for (const auto& path : plugins) {
    config.plugins.push_back({path});
  }

  // Read the HAR first: transactions are parsed once and shared by every plugin.
  std::vector<warden::TransactionPtr> transactions;
  auto read = warden::runtime::read_har_file(argv[1], [&](warden::Transaction&& transaction) {
    transactions.push_back(std::make_shared<const warden::Transaction>(std::move(transaction)));
    return true;
  });
  if (!read) {
    std::cerr << read.error().describe() << "\n";
    return 1;
  }

  warden::runtime::V8Platform v8;  // outlives the actor system below
  caf::actor_system_config caf_config;
  warden::actors::configure(caf_config);
  caf::actor_system system{caf_config};
  auto warden = warden::actors::Warden::start(system, config);
  if (!warden) {
    std::cerr << "cannot start Warden: " << warden.error().describe() << "\n";
    return 1;
  }
  for (const auto& error : (*warden)->load_errors()) {
    std::cerr << "skipped: " << error.describe() << "\n";
  }

  std::size_t next = 0;
  std::size_t findings = 0;
  (*warden)->scan_stream(
      [&]() -> std::optional<warden::TransactionPtr> {
        if (next == transactions.size()) {
          return std::nullopt;
        }
        return transactions[next++];
      },
      [&](warden::actors::ScanReport&& report) {
        for (const auto& finding : report.findings) {
          ++findings;
          std::cout << report.transaction_id << " [" << warden::to_string(finding.severity) << "] "
                    << finding.plugin_id << ": " << finding.title << " (" << finding.url << ")\n";
        }
        for (const auto& failure : report.failures) {
          std::cout << report.transaction_id << " [failed] " << failure.plugin_id << ": "
                    << failure.error.describe() << "\n";
        }
      });
  (*warden)->shutdown();  // answers everything in flight, stops every worker
  std::cout << transactions.size() << " transactions, " << (*warden)->plugins().size()
            << " plugins, " << findings << " findings\n";
  return 0;
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
