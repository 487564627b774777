// Quoting HAR input in error messages.
#include "runtime/detail/har_text.hpp"

#include <algorithm>

namespace warden::runtime::detail {

std::string printable(std::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 8);
  for (unsigned char c : text) {
    if (out.size() >= max_bytes) {
      out += "...";
      break;
    }
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      static constexpr char hex[] = "0123456789ABCDEF";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
  }
  return out;
}

std::string_view article(std::string_view type_name) {
  return (type_name == "object" || type_name == "array") ? "an" : "a";
}

}  // namespace warden::runtime::detail
