// Escaping and cutting of plugin-controlled text (inert_text.hpp).
#include "runtime/inert_text.hpp"

namespace warden {

std::string printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\n') {
      out += "\\n";
    } else if (byte == '\r') {
      out += "\\r";
    } else if (byte == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else if (byte == 0xc2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      const auto c1 = static_cast<unsigned char>(text[++i]);
      out += "\\u00";
      out += kHex[c1 >> 4];
      out += kHex[c1 & 0xf];
    } else {
      out += static_cast<char>(byte);
    }
  }
  return out;
}

std::string cut_marker(std::size_t cut_bytes) {
  return "\xe2\x80\xa6 [cut " + std::to_string(cut_bytes) + " bytes]";
}

std::size_t utf8_prefix_length(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) {
    return text.size();
  }
  std::size_t end = max_bytes;
  // Step back over continuation bytes (10xxxxxx) to the start of a character.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) {
    --end;
  }
  return end;
}

bool cut_to(std::string& text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) {
    return false;
  }
  // Text cut before (at a larger limit) keeps its count: the new marker says
  // how much was cut in all.
  std::size_t body = text.size();
  std::size_t cut_before = 0;
  static const std::string kOpen = "\xe2\x80\xa6 [cut ";
  static const std::string kClose = " bytes]";
  const std::size_t open = text.rfind(kOpen);
  if (open != std::string::npos && text.size() > kClose.size() &&
      text.compare(text.size() - kClose.size(), kClose.size(), kClose) == 0) {
    const std::string digits =
        text.substr(open + kOpen.size(), text.size() - kClose.size() - open - kOpen.size());
    if (!digits.empty() && digits.size() < 20 &&
        digits.find_first_not_of("0123456789") == std::string::npos) {
      body = open;
      cut_before = std::stoull(digits);
    }
  }
  if (body <= max_bytes) {
    return false;  // already cut to within the limit; only its marker is past it
  }
  const std::size_t keep = utf8_prefix_length(std::string_view(text).substr(0, body), max_bytes);
  const std::size_t cut = body - keep + cut_before;
  text.resize(keep);
  text += cut_marker(cut);
  return true;
}

}  // namespace warden
