// Reading a plugin file once, and the code cache its engines share.
#include "runtime/plugin_source.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace warden::runtime {

PluginSource::PluginSource(std::string path, std::string code)
    : path_(std::move(path)), code_(std::move(code)) {}

Result<std::shared_ptr<const PluginSource>> PluginSource::read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error{ErrorCode::file_unreadable, std::strerror(errno), path};
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    return Error{ErrorCode::file_unreadable, "read failed", path};
  }
  return std::shared_ptr<const PluginSource>(std::make_shared<PluginSource>(path, buffer.str()));
}

std::shared_ptr<const std::vector<uint8_t>> PluginSource::code_cache() const {
  return std::atomic_load(&code_cache_);
}

void PluginSource::set_code_cache(std::shared_ptr<const std::vector<uint8_t>> cache) const {
  std::atomic_store(&code_cache_, std::move(cache));
}

}  // namespace warden::runtime
