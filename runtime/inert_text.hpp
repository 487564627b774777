#pragma once
// Text a plugin controls made inert and bounded: escaped for a terminal or a
// log line, and cut on a UTF-8 boundary with a marker saying how much was cut.
// Plain functions, no V8 and no CAF, so every layer uses the same rules.

#include <cstddef>
#include <string>
#include <string_view>

namespace warden {

// `text` with every control character visible instead of acting: \n, \r, \t,
// and \xNN for the other C0 bytes, DEL and ESC; \u0080..\u009f for the C1
// controls (0x9b is a one-character CSI on some terminals). Everything else
// passes unchanged, so the result of printable() is a fixed point of it.
std::string printable(std::string_view text);

// The marker appended to text cut to a limit: "… [cut N bytes]".
std::string cut_marker(std::size_t cut_bytes);

// The longest prefix of `text` of at most `max_bytes` that ends on a UTF-8
// character boundary.
std::size_t utf8_prefix_length(std::string_view text, std::size_t max_bytes);

// Cuts `text` to at most `max_bytes` (on a UTF-8 boundary) and appends
// cut_marker(bytes cut) when anything was cut. Text that already ends with a
// marker is measured without it, and the new marker adds the earlier count.
// Returns whether it cut.
bool cut_to(std::string& text, std::size_t max_bytes);

}  // namespace warden
