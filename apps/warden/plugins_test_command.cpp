// `warden plugins test`: each plugin over its fixture, findings diffed
// (plugins_test_command.hpp).
#include "apps/warden/plugins_test_command.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <spdlog/spdlog.h>
#include <utility>

#include "apps/warden/exit_code.hpp"
#include "apps/warden/plugin_discovery.hpp"
#include "apps/warden/source_excerpt.hpp"
#include "warden/engine.hpp"
#include "warden/har_reader.hpp"
#include "warden/plugin_source.hpp"
#include "warden/worker_process.hpp"

namespace warden::cli {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

struct Fixture {
  fs::path har;
  fs::path expected;
};

std::optional<Fixture> find_fixture(const fs::path& plugin, const std::string& id) {
  const fs::path dir = plugin.parent_path().empty() ? fs::path(".") : plugin.parent_path();
  for (const fs::path& where :
       {dir, dir / "fixtures", dir / ".." / "tests" / "fixtures" / "plugins"}) {
    for (const std::string& name : {id, plugin.stem().string()}) {
      Fixture fixture{where / (name + ".har"), where / (name + ".expected.json")};
      std::error_code ec;
      if (fs::is_regular_file(fixture.har, ec) && fs::is_regular_file(fixture.expected, ec))
        return fixture;
    }
  }
  return std::nullopt;
}

// A finding as the expected files write it: every field the contract has.
json to_json(const Finding& finding) {
  json out = {{"title", finding.title}, {"severity", std::string(to_string(finding.severity))}};
  if (!finding.description.empty())
    out["description"] = finding.description;
  if (!finding.evidence.empty())
    out["evidence"] = finding.evidence;
  if (finding.cwe > 0)
    out["cwe"] = finding.cwe;
  if (finding.confidence != Confidence::unspecified)
    out["confidence"] = std::string(to_string(finding.confidence));
  if (!finding.param.empty())
    out["param"] = finding.param;
  if (!finding.other_info.empty())
    out["otherInfo"] = finding.other_info;
  if (!finding.solution.empty())
    out["solution"] = finding.solution;
  if (!finding.references.empty())
    out["references"] = finding.references;
  if (finding.wasc > 0)
    out["wasc"] = finding.wasc;
  return out;
}

// Whether `actual` has every field `expected` gives, with the same value.
bool matches(const json& expected, const json& actual) {
  for (const auto& [key, value] : expected.items()) {
    if (!actual.contains(key) || actual[key] != value)
      return false;
  }
  return true;
}

// Compares one entry's findings; appends a diff to `diff` on mismatch.
bool compare_entry(const std::string& entry, const json& expected, const json& actual,
                   std::string& diff) {
  std::vector<bool> used(actual.size(), false);
  std::vector<std::string> missing;
  for (const auto& want : expected) {
    bool found = false;
    for (std::size_t i = 0; i < actual.size() && !found; ++i) {
      if (!used[i] && matches(want, actual[i]))
        used[i] = found = true;
    }
    if (!found)
      missing.push_back(want.dump());
  }
  std::vector<std::string> extra;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    if (!used[i])
      extra.push_back(actual[i].dump());
  }
  if (missing.empty() && extra.empty())
    return true;
  diff += "    entry " + entry + ":\n";
  for (const auto& line : missing)
    diff += "      - " + line + '\n';
  for (const auto& line : extra)
    diff += "      + " + line + '\n';
  return false;
}

// One plugin loaded for its test: in an Engine on this thread, or in a
// child process when there is a launcher.
class TestedPlugin {
 public:
  static Result<TestedPlugin> load(runtime::PluginSourcePtr source, runtime::EngineOptions options,
                                   runtime::ProcessLauncher* launcher) {
    TestedPlugin plugin;
    plugin.deadline_ = options.limits.scan_timeout + std::chrono::seconds{1};
    if (launcher != nullptr) {
      auto process = launcher->launch(source, options);
      if (!process.ok())
        return std::move(process).error();
      plugin.process_ = std::move(process).value();
      return plugin;
    }
    auto engine = runtime::Engine::load(std::move(source), std::move(options));
    if (!engine.ok())
      return std::move(engine).error();
    plugin.engine_.emplace(std::move(engine).value());
    return plugin;
  }

  const runtime::PluginInfo& info() const {
    return process_ ? process_->info() : engine_->info();
  }

  Result<std::vector<Finding>> scan(const TransactionPtr& transaction) {
    if (!process_)
      return engine_->scan(transaction);
    Result<std::vector<Finding>> result = std::vector<Finding>{};
    const auto answered = process_->scan(
        {transaction}, [&](runtime::ProcessScan&& answer) { result = std::move(answer.findings); },
        deadline_);
    if (answered == 1)
      return result;
    const auto exit = process_->exit();
    if (exit.kind == runtime::ProcessExit::Kind::killed)
      return Error(ErrorCode::timeout, "no answer within " + std::to_string(deadline_.count()) +
                                           " ms; the worker process was killed");
    return Error(ErrorCode::crashed, "the worker process died: " + exit.detail);
  }

 private:
  std::optional<runtime::Engine> engine_;
  std::unique_ptr<runtime::WorkerProcess> process_;
  std::chrono::milliseconds deadline_{0};
};

// Runs one plugin over its fixture; "" when it matched, else what went wrong.
std::string test_plugin(const std::string& file, runtime::ProcessLauncher* launcher,
                        std::string& id_out) {
  auto source = runtime::PluginSource::read(file, runtime::EngineLimits{}.max_plugin_bytes);
  if (!source.ok())
    return "  " + source.error().describe() + '\n';
  runtime::EngineOptions options;
  options.console = [](runtime::LogLevel, std::string_view plugin, std::string_view text) {
    spdlog::debug("[{}] {}", plugin, text);
  };
  auto engine = TestedPlugin::load(std::move(source).value(), std::move(options), launcher);
  if (!engine.ok())
    return "  " + engine.error().describe() + '\n' + source_excerpt(engine.error(), "    ");
  id_out = engine->info().id;
  auto fixture = find_fixture(fs::path(file), id_out);
  if (!fixture) {
    return "  no fixture: " + id_out + ".har and " + id_out +
           ".expected.json next to the plugin, in fixtures/ or in ../tests/fixtures/plugins\n";
  }
  json expected;
  try {
    std::ifstream in(fixture->expected);
    expected = json::parse(in);
  } catch (const std::exception& e) {
    return "  " + fixture->expected.string() + ": not valid JSON: " + e.what() + '\n';
  }
  if (!expected.is_object())
    return "  " + fixture->expected.string() + ": expected an object of entry indexes\n";
  std::string diff;
  std::string scan_errors;
  auto summary = runtime::read_har_file(fixture->har.string(), [&](Transaction&& transaction) {
    auto shared = std::make_shared<const Transaction>(std::move(transaction));
    auto findings = engine->scan(shared);
    if (!findings.ok()) {
      scan_errors += "    entry " + shared->id + ": " + findings.error().describe() + '\n';
      return true;
    }
    json actual = json::array();
    for (const auto& finding : findings.value())
      actual.push_back(to_json(finding));
    const json want = expected.contains(shared->id) ? expected[shared->id] : json::array();
    compare_entry(shared->id, want, actual, diff);
    return true;
  });
  if (!summary.ok())
    return "  " + summary.error().describe() + '\n';
  if (diff.empty() && scan_errors.empty())
    return {};
  return "  fixture " + fixture->har.string() + " (- expected, + found):\n" + diff + scan_errors;
}

}  // namespace

int run_plugins_test(const std::vector<std::string>& paths, actors::Isolation isolation,
                     std::ostream& out) {
  const auto files = resolve_plugin_files(paths);
  if (files.empty())
    return exit_usage;
  std::shared_ptr<runtime::ProcessLauncher> launcher;
  if (isolation == actors::Isolation::process) {
    auto started = runtime::ProcessLauncher::start(runtime::ProcessOptions{});
    if (!started.ok()) {
      spdlog::error("process isolation unavailable: {}", started.error().describe());
      return exit_usage;
    }
    launcher = std::move(started).value();
  }
  std::size_t failed = 0;
  for (const auto& file : files) {
    std::string id = fs::path(file).stem().string();
    const std::string problem = test_plugin(file, launcher.get(), id);
    if (problem.empty()) {
      out << "PASS  " << id << "  (" << file << ")\n";
    } else {
      ++failed;
      out << "FAIL  " << id << "  (" << file << ")\n" << problem;
    }
  }
  out << files.size() - failed << " of " << files.size() << " plugin(s) match their fixtures\n";
  return failed == 0 ? exit_ok : exit_findings;
}

}  // namespace warden::cli
