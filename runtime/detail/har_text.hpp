#pragma once
// How HAR reading errors quote the input: bytes made printable and capped, and
// the article before a JSON type name. Private to runtime/ (the HAR reader).

#include <cstddef>
#include <string>
#include <string_view>

namespace warden::runtime::detail {

// The nlohmann parser's detail text quotes the token it choked on, which for a
// long string is the whole string, possibly with the invalid bytes that stopped
// it. Messages must stay short and valid UTF-8, so bytes outside printable
// ASCII are escaped (\xFF) and the text is capped at `max_bytes` ("...").
std::string printable(std::string_view text, std::size_t max_bytes = 240);

// "an" before "object" and "array", "a" before the other JSON type names.
std::string_view article(std::string_view type_name);

}  // namespace warden::runtime::detail
