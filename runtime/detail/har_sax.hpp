#pragma once
// Streams a whole HAR file through nlohmann's SAX parser, handing out one
// Transaction per entry while only that entry's bytes (and at most its DOM)
// are held. Private to runtime/ (the HAR reader).

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>

#include "warden/har_reader.hpp"

namespace warden::runtime::detail {

struct HarParse {
  std::size_t delivered = 0;           // entries handed to the handler
  std::optional<std::string> problem;  // why the input is not a valid HAR, if it is not
};

// How entries are read: `fast` tries simdjson first and falls back to the
// nlohmann DOM for anything but the common case; `exact_only` always builds
// the nlohmann DOM (the reader before simdjson: for comparisons and tests).
// Both give the same Transactions, warnings and errors.
enum class EntryPath : std::uint8_t { fast, exact_only };

// Parses `in` strictly (trailing bytes are an error too), calling `on_entry`
// for each entry with ids `id_prefix` + index, until the end, an error, or the
// handler returns false; each tolerated deviation of an entry goes to
// `on_warning` (when set) as "entry N: <field>: <what was done>". A read error looks like the end
// of input here: the caller checks the stream first.
HarParse parse_har(std::istream& in, const EntryHandler& on_entry, const std::string& id_prefix,
                   const HarWarningHandler& on_warning, EntryPath path = EntryPath::fast);

}  // namespace warden::runtime::detail
