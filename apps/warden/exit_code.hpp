#pragma once
// The process exit codes of every warden command (docs/cli.md): returned by
// the scan and plugins commands and by main() itself for usage errors.

namespace warden::cli {

enum ExitCode : int {
  exit_ok = 0,              // ran; no finding at or above --fail-on
  exit_findings = 1,        // a finding at or above --fail-on
  exit_usage = 2,           // usage error, unreadable or malformed input, no valid plugin
  exit_plugin_failure = 3,  // --strict and a plugin failed to load or to scan
};

}  // namespace warden::cli
