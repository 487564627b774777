#pragma once
// The offending source line of a plugin load error with a caret under its
// column, read back from the plugin's file, for the CLI's error output.

#include <string>

#include "warden/error.hpp"

namespace warden::cli {

// Two lines, each starting with `indent` and ending with '\n':
//   "   12 | const x = ;"
//   "      |           ^"
// or "" when the error names no file or line, or the file cannot be read.
// Tabs before the column are kept in the caret line so it stays aligned;
// lines are cut at 160 characters around the column.
std::string source_excerpt(const Error& error, const std::string& indent = "");

}  // namespace warden::cli
