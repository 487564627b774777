#pragma once
// `warden plugins test DIR...`: runs each plugin over its fixture HAR and
// compares its findings with the expected ones, printing a diff on mismatch.
// Loads each plugin directly in a runtime::Engine on the calling thread, or
// with process isolation in a child process. Needs a live V8Platform.

#include <ostream>
#include <string>
#include <vector>

#include "warden/config.hpp"

namespace warden::cli {

// For each plugin file in `paths` (files or directories), the fixture is
// <name>.har with <name>.expected.json beside it, where <name> is the plugin
// id or the file's stem, looked up next to the plugin, in its fixtures/
// subdirectory, then in ../tests/fixtures/plugins (the repository's layout).
// The expected file maps a 0-based entry index to the findings of that entry:
// [{ "title": ..., "severity": ..., and optionally any other finding field }],
// compared in any order; entries it does not list must have no findings.
// Exit code: 0 when every plugin matched, 1 on any mismatch, missing fixture
// or load error, 2 when no plugin was found or (Isolation::process) the fork
// server cannot start.
int run_plugins_test(const std::vector<std::string>& paths, actors::Isolation isolation,
                     std::ostream& out);

}  // namespace warden::cli
