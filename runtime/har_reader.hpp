#pragma once
// Reads HAR 1.2 files into Transactions (plugin contract, "The transaction"),
// streaming: entries are handed out one at a time, so a large file never needs
// several times its size in memory. No V8, no CAF.

#include <cstddef>
#include <functional>
#include <istream>
#include <string>

#include "runtime/result.hpp"
#include "runtime/transaction.hpp"

namespace warden::runtime {

// Called once per entry, in file order. Return false to stop reading early.
using EntryHandler = std::function<bool(Transaction&& transaction)>;

struct HarReadSummary {
  std::size_t entries = 0;  // entries handed to the handler
};

// Reads `path` and calls `on_entry` for each entry; transaction ids are
// `id_prefix` + the 0-based entry index ("3", or "file.har#3" with a prefix).
// On malformed input returns Error{malformed_input} naming the file, the entry
// index and the field (or file_unreadable); entries before it were already
// delivered.
Result<HarReadSummary> read_har_file(const std::string& path, const EntryHandler& on_entry,
                                     const std::string& id_prefix = "");

// Same, from a stream; `name` is used in error messages.
Result<HarReadSummary> read_har_stream(std::istream& in, const std::string& name,
                                       const EntryHandler& on_entry,
                                       const std::string& id_prefix = "");

}  // namespace warden::runtime
