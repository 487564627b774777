// FNV-1a over a plugin's source and config (plugin_revision.hpp).
#include "actors/plugin_revision.hpp"

#include <cstdint>

namespace warden::actors {
namespace {

constexpr uint64_t kFnvOffset = 14695981039346656037ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;

uint64_t fnv1a(uint64_t hash, std::string_view bytes) {
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= kFnvPrime;
  }
  return hash;
}

}  // namespace

std::string content_revision(std::string_view code, std::string_view config_json) {
  uint64_t hash = fnv1a(kFnvOffset, code);
  hash = fnv1a(hash, std::string_view{"\0", 1});
  hash = fnv1a(hash, config_json);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text(16, '0');
  for (int i = 15; i >= 0; --i) {
    text[static_cast<std::size_t>(i)] = kDigits[hash & 0xf];
    hash >>= 4;
  }
  return text;
}

}  // namespace warden::actors
