// Reading a plugin file once, and the code cache its engines share.
#include "warden/plugin_source.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <utility>

namespace warden::runtime {

PluginSource::PluginSource(std::string path, std::string code)
    : path_(std::move(path)), code_(std::move(code)) {}

namespace {

std::string mib(std::size_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1u << 20));
  return text;
}

}  // namespace

Error PluginSource::too_large(const std::string& path, std::size_t size, std::size_t max_bytes) {
  return Error{ErrorCode::file_unreadable,
               "the plugin file is " + mib(size) + " (" + std::to_string(size) +
                   " bytes), over the limit of " + mib(max_bytes) +
                   " (EngineLimits::max_plugin_bytes)",
               path};
}

Result<std::shared_ptr<const PluginSource>> PluginSource::read(const std::string& path,
                                                               std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    return Error{ErrorCode::file_unreadable, std::strerror(errno), path};
  }
  // Measured on the open file, so the size checked is the size read.
  const std::streamoff size = in.tellg();
  if (size >= 0 && static_cast<std::size_t>(size) > max_bytes) {
    return too_large(path, static_cast<std::size_t>(size), max_bytes);
  }
  in.seekg(0);
  // Read in pieces up to the limit: a file that grows, or a FIFO with no
  // size, is refused as soon as it passes it.
  std::string code;
  code.reserve(size > 0 ? static_cast<std::size_t>(size) : 0);
  char piece[1 << 16];
  while (in.read(piece, sizeof piece) || in.gcount() > 0) {
    code.append(piece, static_cast<std::size_t>(in.gcount()));
    if (code.size() > max_bytes) {
      return too_large(path, code.size(), max_bytes);
    }
  }
  if (in.bad()) {
    return Error{ErrorCode::file_unreadable, "read failed", path};
  }
  return std::shared_ptr<const PluginSource>(std::make_shared<PluginSource>(path, std::move(code)));
}

std::shared_ptr<const std::vector<uint8_t>> PluginSource::code_cache() const {
  return std::atomic_load(&code_cache_);
}

void PluginSource::set_code_cache(std::shared_ptr<const std::vector<uint8_t>> cache) const {
  std::atomic_store(&code_cache_, std::move(cache));
}

}  // namespace warden::runtime
