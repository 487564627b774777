// The bundled plugins (plugins/*.js), run by the real engine over their HAR
// fixtures (tests/fixtures/plugins/<id>.har): each finds exactly what
// <id>.expected.json lists per entry (titles and severities, in any order).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "warden/engine.hpp"
#include "warden/finding.hpp"
#include "warden/har_reader.hpp"
#include "warden/plugin_source.hpp"
#include "warden/transaction.hpp"

namespace {

namespace fs = std::filesystem;
using warden::Transaction;
using warden::TransactionPtr;
using warden::runtime::Engine;
using warden::runtime::EngineOptions;
using warden::runtime::PluginSource;

const fs::path plugins_dir{WARDEN_PLUGINS_DIR};
const fs::path fixtures_dir = fs::path{WARDEN_FIXTURES} / "plugins";

// Every plugins/*.js, sorted so failures read the same on every run.
std::vector<fs::path> bundled_plugins() {
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(plugins_dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".js") {
      paths.push_back(entry.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

Engine load_plugin(const fs::path& path) {
  auto source = PluginSource::read(path.string());
  INFO("reading " << path.string());
  REQUIRE(source.ok());
  auto engine = Engine::load(std::move(source).value(), EngineOptions{});
  INFO("loading " << path.string() << ": " << (engine.ok() ? "" : engine.error().describe()));
  REQUIRE(engine.ok());
  return std::move(engine).value();
}

std::vector<TransactionPtr> read_fixture(const fs::path& har) {
  std::vector<TransactionPtr> transactions;
  auto summary = warden::runtime::read_har_file(har.string(), [&](Transaction&& transaction) {
    transactions.push_back(std::make_shared<const Transaction>(std::move(transaction)));
    return true;
  });
  INFO("reading " << har.string() << ": " << (summary.ok() ? "" : summary.error().describe()));
  REQUIRE(summary.ok());
  return transactions;
}

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  INFO("reading " << path.string());
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

// "[severity] title" per finding, sorted and joined: the comparison ignores
// order, and a failure prints both lists readably. Built with append, not
// `"literal" + std::string`, which trips GCC 12's -Wrestrict at -O3.
std::string key_of(std::string_view severity, std::string_view title) {
  std::string key;
  key.append("[").append(severity).append("] ").append(title);
  return key;
}

std::string joined(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  std::string out;
  for (const auto& key : keys) {
    if (!out.empty()) {
      out.append(" | ");
    }
    out.append(key);
  }
  return out;
}

std::string keys_of(const std::vector<warden::Finding>& findings) {
  std::vector<std::string> keys;
  for (const auto& finding : findings) {
    keys.push_back(key_of(warden::to_string(finding.severity), finding.title));
  }
  return joined(std::move(keys));
}

std::string keys_of(const nlohmann::json& expected) {
  std::vector<std::string> keys;
  for (const auto& finding : expected) {
    keys.push_back(
        key_of(finding.at("severity").get<std::string>(), finding.at("title").get<std::string>()));
  }
  return joined(std::move(keys));
}

}  // namespace

TEST_CASE("the plugins directory holds at least twelve bundled plugins", "[plugins]") {
  CHECK(bundled_plugins().size() >= 12);
}

TEST_CASE("every bundled plugin loads with an id equal to its file name", "[plugins]") {
  for (const auto& path : bundled_plugins()) {
    SECTION(path.filename().string()) {
      auto engine = load_plugin(path);
      CHECK(engine.info().id == path.stem().string());
      CHECK_FALSE(engine.info().name.empty());
    }
  }
}

TEST_CASE("every bundled plugin has a fixture with positive and negative entries", "[plugins]") {
  for (const auto& path : bundled_plugins()) {
    const std::string id = path.stem().string();
    SECTION(id) {
      const fs::path har = fixtures_dir / (id + ".har");
      const fs::path expected_path = fixtures_dir / (id + ".expected.json");
      REQUIRE(fs::exists(har));
      REQUIRE(fs::exists(expected_path));
      const auto expected = read_json(expected_path);
      const auto transactions = read_fixture(har);
      std::size_t positives = 0;
      for (const auto& transaction : transactions) {
        if (expected.contains(transaction->id) && !expected[transaction->id].empty()) {
          ++positives;
        }
      }
      CHECK(positives > 0);
      CHECK(positives < transactions.size());
    }
  }
}

TEST_CASE("every bundled plugin finds exactly the expected findings in its fixture", "[plugins]") {
  for (const auto& path : bundled_plugins()) {
    const std::string id = path.stem().string();
    const fs::path har = fixtures_dir / (id + ".har");
    if (!fs::exists(har)) {
      continue;  // reported by the fixture test above
    }
    SECTION(id) {
      auto engine = load_plugin(path);
      const auto expected = read_json(fixtures_dir / (id + ".expected.json"));
      for (const auto& transaction : read_fixture(har)) {
        INFO(id << " entry " << transaction->id << ": " << transaction->request.url);
        auto findings = engine.scan(transaction);
        INFO((findings.ok() ? "" : findings.error().describe()));
        REQUIRE(findings.ok());
        const nlohmann::json none = nlohmann::json::array();
        const auto& want = expected.contains(transaction->id) ? expected[transaction->id] : none;
        CHECK(keys_of(findings.value()) == keys_of(want));
        for (const auto& finding : findings.value()) {
          CHECK(finding.plugin_id == id);
          CHECK(finding.evidence.size() <= 200 * 3);  // <= 200 characters, UTF-8 bytes
        }
      }
    }
  }
}

TEST_CASE("the bundled plugins scan the demo HAR without errors and find several severities",
          "[plugins]") {
  const auto transactions = read_fixture(fs::path{WARDEN_SOURCE_DIR} / "examples" / "demo.har");
  REQUIRE(transactions.size() >= 15);
  std::vector<std::string> severities;
  std::size_t total = 0;
  for (const auto& path : bundled_plugins()) {
    auto engine = load_plugin(path);
    for (const auto& transaction : transactions) {
      auto findings = engine.scan(transaction);
      INFO(path.filename().string() << " entry " << transaction->id << ": "
                                    << (findings.ok() ? "" : findings.error().describe()));
      REQUIRE(findings.ok());
      for (const auto& finding : findings.value()) {
        ++total;
        severities.emplace_back(warden::to_string(finding.severity));
      }
    }
  }
  std::sort(severities.begin(), severities.end());
  severities.erase(std::unique(severities.begin(), severities.end()), severities.end());
  CHECK(total >= 5);
  CHECK(total <= 40);  // a handful per kind of issue, not one per header per page
  CHECK(severities.size() >= 3);
}
