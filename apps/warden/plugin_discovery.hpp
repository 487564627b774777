#pragma once
// Finds plugin files for the CLI: expands `--plugins PATH` arguments (a .js
// file or a directory of them) and locates the bundled plugins/ directory
// next to the executable. Used by the scan and plugins commands.

#include <string>
#include <vector>

#include "warden/result.hpp"

namespace warden::cli {

// The bundled plugins directory: <exe>/../../plugins in a build tree
// (build/bin/warden), <prefix>/share/warden/plugins when installed. Empty when
// neither exists.
std::string bundled_plugins_dir();

// Every .js file named by `paths`, in argument order; a directory contributes
// its *.js files (not recursive) sorted by name, so load order - and with it
// the output order - never depends on the file system. Error{file_unreadable}
// for a path that does not exist or cannot be listed; duplicates are dropped.
Result<std::vector<std::string>> expand_plugin_paths(const std::vector<std::string>& paths);

// Resolves --plugins (or the bundled directory) to .js files, logging why
// when it cannot; empty result: nothing to load (exit_usage).
std::vector<std::string> resolve_plugin_files(const std::vector<std::string>& plugin_paths);

}  // namespace warden::cli
