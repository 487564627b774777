#pragma once
// `warden plugins new NAME`: writes a plugin skeleton (NAME.js), a fixture HAR
// (NAME.har) and its expected findings (NAME.expected.json) for `warden
// plugins test`, plus warden.d.ts for editors when the directory has none.

#include <ostream>
#include <string>

namespace warden::cli {

// NAME must be a plugin id ([a-z0-9][a-z0-9-]*). Writes into `dir` (created
// when missing); refuses to overwrite an existing file. Exit code: 0, or 2 on
// a bad name, an existing file or a write error.
int run_plugins_new(const std::string& name, const std::string& dir, std::ostream& out);

}  // namespace warden::cli
