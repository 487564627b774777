// `warden plugins new`: a plugin skeleton, its fixture and expected findings
// (plugins_new_command.hpp).
#include "apps/warden/plugins_new_command.hpp"

#include <filesystem>
#include <fstream>
#include <spdlog/spdlog.h>
#include <system_error>

#include "apps/warden/exit_code.hpp"
#include "apps/warden/plugin_discovery.hpp"

namespace warden::cli {
namespace {

namespace fs = std::filesystem;

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 64)
    return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && c == '-')))
      return false;
  }
  return true;
}

std::string plugin_text(const std::string& name) {
  return R"JS(// @ts-check
/// <reference path="./warden.d.ts" />
// )JS" + name +
         R"JS(: flags responses that announce a debug mode (X-Debug: on).
// Replace this sentence and the check below with your own; keep the fixture
// (<id>.har, <id>.expected.json) in step: `warden plugins test .` compares them.
import { header, clip } from "warden:std";

/** @type {import("warden").Plugin} */
export default {
  id: ")JS" +
         name + R"JS(",
  name: "Debug mode announced",
  version: "0.1.0",

  scan(txn) {
    /** @type {import("warden").Finding[]} */
    const findings = [];
    const debug = header(txn.response.headers, "x-debug");
    // TODO: report when `debug` is "on", e.g.:
    //   if (debug !== null && debug.trim().toLowerCase() === "on") findings.push({ ... });
    // with title "Debug mode announced", severity "low", evidence clip(`X-Debug: ${debug}`).
    return findings;
  },
};
)JS";
}

std::string har_text(const std::string& name) {
  auto entry = [](const std::string& url, const std::string& extra_header) {
    return R"({
      "startedDateTime": "2024-05-01T10:00:00.000Z", "time": 1,
      "request": {"method": "GET", "url": ")" +
           url + R"(", "httpVersion": "HTTP/1.1",
                  "headers": [{"name": "Host", "value": "app.example"}],
                  "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
      "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
                   "headers": [{"name": "Content-Type", "value": "text/html"})" +
           extra_header + R"(],
                   "cookies": [], "content": {"size": 13, "mimeType": "text/html", "text": "<p>hello</p>"},
                   "redirectURL": "", "headersSize": -1, "bodySize": 13},
      "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}
    })";
  };
  return R"({"log": {"version": "1.2", "creator": {"name": "warden plugins new", "version": "1"},
  "comment": "Fixture of )" +
         name + R"(: entry 0 must be flagged, entry 1 must not.",
  "entries": [
    )" + entry("https://app.example/debug", R"(, {"name": "X-Debug", "value": "on"})") +
         ",\n    " + entry("https://app.example/quiet", "") + "\n  ]}}\n";
}

const char* kExpected = R"({
  "0": [
    { "title": "Debug mode announced", "severity": "low", "evidence": "X-Debug: on" }
  ],
  "1": []
}
)";

bool write_new(const fs::path& path, const std::string& text) {
  std::error_code ec;
  if (fs::exists(path, ec)) {
    spdlog::error("{}: already exists; not overwritten", path.string());
    return false;
  }
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) {
    spdlog::error("{}: cannot write", path.string());
    return false;
  }
  return true;
}

}  // namespace

int run_plugins_new(const std::string& name, const std::string& dir, std::ostream& out) {
  if (!valid_name(name)) {
    spdlog::error("plugin name '{}' must match [a-z0-9][a-z0-9-]* (it becomes the id)", name);
    return exit_usage;
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path base = fs::path(dir);
  for (const char* ext : {".js", ".har", ".expected.json"}) {
    if (fs::exists(base / (name + ext), ec)) {
      spdlog::error("{}: already exists; not overwritten", (base / (name + ext)).string());
      return exit_usage;
    }
  }
  if (!write_new(base / (name + ".js"), plugin_text(name)) ||
      !write_new(base / (name + ".har"), har_text(name)) ||
      !write_new(base / (name + ".expected.json"), kExpected)) {
    return exit_usage;
  }
  out << "wrote " << (base / (name + ".js")).string() << ", " << name << ".har and " << name
      << ".expected.json\n";
  // The declarations editors use for the skeleton's @ts-check, when installed.
  const std::string bundled = bundled_plugins_dir();
  const fs::path types = fs::path(bundled) / "warden.d.ts";
  if (!bundled.empty() && fs::exists(types, ec) && !fs::exists(base / "warden.d.ts", ec)) {
    fs::copy_file(types, base / "warden.d.ts", ec);
    if (!ec)
      out << "copied warden.d.ts (the plugin API's types, for editors)\n";
  }
  out << "next: fill in the check in " << name << ".js, then run: warden plugins test "
      << (base / (name + ".js")).string() << '\n';
  return exit_ok;
}

}  // namespace warden::cli
