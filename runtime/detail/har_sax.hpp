#pragma once
// Streams a whole HAR file through nlohmann's SAX parser, handing out one
// Transaction per entry while only that entry is held as a DOM. Private to
// runtime/ (the HAR reader).

#include <cstddef>
#include <istream>
#include <optional>
#include <string>

#include "runtime/har_reader.hpp"

namespace warden::runtime::detail {

struct HarParse {
  std::size_t delivered = 0;           // entries handed to the handler
  std::optional<std::string> problem;  // why the input is not a valid HAR, if it is not
};

// Parses `in` strictly (trailing bytes are an error too), calling `on_entry`
// for each entry with ids `id_prefix` + index, until the end, an error, or the
// handler returns false; each tolerated deviation of an entry goes to
// `on_warning` (when set) as "entry N: <field>: <what was done>". A read error looks like the end
// of input here: the caller checks the stream first.
HarParse parse_har(std::istream& in, const EntryHandler& on_entry, const std::string& id_prefix,
                   const HarWarningHandler& on_warning);

}  // namespace warden::runtime::detail
