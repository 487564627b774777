#pragma once
// Turns the inputs named on `warden scan`'s command line into the list of HAR
// inputs to read: files as given, "-" for standard input, and each folder
// replaced by its `*.har` files (recursively, sorted by path). Used by the
// scan command.

#include <string>
#include <vector>

namespace warden::cli {

// The input that stands for standard input.
inline constexpr const char* kStdinInput = "-";

// Folders expanded in place; files and "-" kept. A folder with no HAR file
// contributes nothing (logged as a warning).
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs);

}  // namespace warden::cli
