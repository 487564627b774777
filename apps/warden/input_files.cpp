// Expanding `warden scan`'s inputs: folders into their HAR files (input_files.hpp).
#include "apps/warden/input_files.hpp"

#include <algorithm>
#include <filesystem>
#include <spdlog/spdlog.h>
#include <system_error>

namespace warden::cli {

std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto& input : inputs) {
    std::error_code ec;
    if (input == kStdinInput || !fs::is_directory(input, ec)) {
      files.push_back(input);
      continue;
    }
    std::vector<std::string> found;
    const auto options = fs::directory_options::skip_permission_denied;
    for (fs::recursive_directory_iterator it(input, options, ec), end; !ec && it != end;
         it.increment(ec)) {
      std::error_code type_ec;
      if (it->path().extension() == ".har" && it->is_regular_file(type_ec)) {
        found.push_back(it->path().string());
      }
    }
    if (ec) {
      spdlog::warn("{}: cannot list the folder completely: {}", input, ec.message());
    }
    if (found.empty()) {
      spdlog::warn("{}: no *.har file in this folder", input);
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

}  // namespace warden::cli
