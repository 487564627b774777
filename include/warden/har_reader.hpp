#pragma once
// Reads HAR 1.2 files into Transactions (plugin contract, "The transaction"),
// streaming: entries are handed out one at a time, so memory follows the
// largest entry, not the file. No V8, no CAF.

#include <cstddef>
#include <functional>
#include <istream>
#include <string>

#include "warden/result.hpp"
#include "warden/transaction.hpp"

namespace warden::runtime {

// Called once per entry, in file order. Return false to stop reading early.
using EntryHandler = std::function<bool(Transaction&& transaction)>;

// Called, when given, for each deviation from HAR 1.2 that the reader
// tolerates, with "<name>: entry N: <field>: <what was done>", before the
// entry goes to the EntryHandler.
using HarWarningHandler = std::function<void(std::string&& warning)>;

struct HarReadSummary {
  std::size_t entries = 0;  // entries handed to the handler
};

// How an entry maps (plugin contract, "The transaction"):
// - request.method and request.url are required strings; request is required.
// - response may be absent (an aborted capture): it reads as status 0 with
//   everything else empty. response.content may be absent too.
// - Every other field is optional; absent or JSON null reads as "" (or 0, or
//   an empty header list); `size`s and other fields the contract does not
//   use are not read. A string field holding a number, boolean, object or
//   array (real exporters write a JSON object as postData.params[].value)
//   reads as that value's JSON text, with a warning naming entry and field
//   ("entry 12: request.headers[3].value: expected a string, got number;
//   read as its JSON text"). request.method and request.url must be strings,
//   and a field of another wrong type (an array expected, a string found) is
//   an error naming it.
// - response.status: a number, a numeric string ("200") or ""/absent (0); it
//   must be an integer that fits an int.
// - request.body: postData.text, or postData.params form-encoded
//   (application/x-www-form-urlencoded, WHATWG serializer: space as '+') when
//   text is empty or absent; nullopt when there is no postData.
// - response.body is content.text as captured, never decoded; bodyEncoding is
//   "base64" when content.encoding says so and "" for anything else.
// - Unknown and extension fields ("_initiator", "_webSocketMessages",
//   "comment", pages) are accepted and ignored; a UTF-8 BOM is skipped.
// - log and log.entries are required, once each; every entry is an object.
// Errors carry the whole text in `message` ("demo.har: entry 3: invalid JSON
// at byte 10482 (line 1, column 10483): ..."); `file` is left empty so that
// describe() does not name the file twice. Errors outside an entry name the
// last entry read ("after entry 11: ..."), so a truncated file says how far it
// got. "byte N" is the 0-based offset of the byte the parser stopped at (the
// input size when it ended early). Bytes that are not valid UTF-8 inside a
// string are malformed_input too; the message escapes them (\xFF), so error
// messages are always printable ASCII plus the file name.
// Memory: the input is read in 1 MiB chunks into a window that holds the
// entry being read (it grows only for a larger entry) and drops what was
// parsed; each entry is converted, handed out and freed before the next one.
// Speed: well-formed entries are parsed by simdjson; any other entry, and
// every error, goes through the exact nlohmann path, so messages, warnings
// and leniency are the same either way.

// Reads `path` and calls `on_entry` for each entry; transaction ids are
// `id_prefix` + the 0-based entry index ("3", or "file.har#3" with a prefix).
// On malformed input returns Error{malformed_input} naming the file, the entry
// index and the field (or file_unreadable); entries before it were already
// delivered.
Result<HarReadSummary> read_har_file(const std::string& path, const EntryHandler& on_entry,
                                     const std::string& id_prefix = "",
                                     const HarWarningHandler& on_warning = {});

// Same, from a stream; `name` is used in error messages.
Result<HarReadSummary> read_har_stream(std::istream& in, const std::string& name,
                                       const EntryHandler& on_entry,
                                       const std::string& id_prefix = "",
                                       const HarWarningHandler& on_warning = {});

}  // namespace warden::runtime
