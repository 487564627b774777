#pragma once
// The HAR reader's fast path: one entry parsed by simdjson and turned into a
// Transaction when it is the common, well-formed case. Private to runtime/
// (the HAR reader).

#include <cstddef>
#include <simdjson.h>
#include <string_view>

#include "warden/transaction.hpp"

namespace warden::runtime::detail {

// Parses entries one at a time, reusing its buffers.
class FastEntryReader {
 public:
  // Fills `out` (all but the id) from `entry`, the exact bytes of one JSON
  // object followed by readable padding (HarInput::kPadding bytes). Returns
  // false, with `out` in an unspecified state, whenever the entry is not
  // well-formed JSON or not the common case: a duplicate field the mapping
  // reads, a field of another type than HAR 1.2 says (even one read
  // leniently), a status other than an int or a numeric string. The caller
  // then reads the entry the exact way (har_entry.hpp), which gives the same
  // Transaction, warnings or error as if this path did not exist.
  bool read(std::string_view entry, Transaction& out);

 private:
  static bool convert(simdjson::dom::element root, Transaction& out);

  simdjson::dom::parser parser_;
};

}  // namespace warden::runtime::detail
