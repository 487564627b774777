#pragma once
// `warden plugins list` and `warden plugins check`: judge each plugin once
// with the PluginValidator Warden::start uses, on the calling thread (or in a
// child process) with no actor system, and print what it says about itself or
// why it was rejected. Needs a live V8Platform.

#include <ostream>
#include <string>
#include <vector>

#include "warden/config.hpp"

namespace warden::cli {

// Prints id, kind (module or zap-passive), name, version and file of every
// plugin found in `plugin_paths` (files or directories; empty: the bundled
// directory). Exit code: 0, or 2 when nothing was found or a plugin failed to
// load.
int run_plugins_list(const std::vector<std::string>& plugin_paths, std::ostream& out);

// Loads each plugin named by `paths` and prints "OK id name version" or
// "FAIL file:line:col: reason" followed by the source line and a caret. With
// Isolation::process each plugin loads in a child process (a plugin that
// crashes V8 while loading is a FAIL, "crashed while loading: ..."). Exit
// code: 0 when all loaded, else 2 (also when the fork server cannot start).
int run_plugins_check(const std::vector<std::string>& paths, actors::Isolation isolation,
                      std::ostream& out);

}  // namespace warden::cli
