#pragma once
// A plugin's file read once into memory and shared (immutable) by every engine
// that loads it, so recycling an isolate never touches the file system again.
// Thread-safe: the code cache slot may be filled by any engine's thread.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "warden/result.hpp"

namespace warden::runtime {

class PluginSource {
 public:
  PluginSource(std::string path, std::string code);

  // Reads a plugin file; Error{file_unreadable} naming the path on failure,
  // and without reading it when it is larger than `max_bytes`.
  static Result<std::shared_ptr<const PluginSource>> read(const std::string& path,
                                                          std::size_t max_bytes = kDefaultMaxBytes);

  // EngineLimits::max_plugin_bytes's default.
  static constexpr std::size_t kDefaultMaxBytes = 4u << 20;

  // The file_unreadable error of a plugin of `size` bytes over `max_bytes`.
  static Error too_large(const std::string& path, std::size_t size, std::size_t max_bytes);

  const std::string& path() const {
    return path_;
  }
  const std::string& code() const {
    return code_;
  }

  // V8 code cache for this exact source, produced by the first engine that
  // loaded it; later loads compile from it (cheaper recycles). May be null.
  std::shared_ptr<const std::vector<uint8_t>> code_cache() const;
  void set_code_cache(std::shared_ptr<const std::vector<uint8_t>> cache) const;

 private:
  std::string path_;
  std::string code_;
  mutable std::shared_ptr<const std::vector<uint8_t>> code_cache_;  // via std::atomic_load/store
};

using PluginSourcePtr = std::shared_ptr<const PluginSource>;

}  // namespace warden::runtime
