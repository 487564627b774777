// Reading HAR files and streams: opens the input and reports read errors; the
// parsing is detail::parse_har's.
#include "warden/har_reader.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "runtime/detail/har_sax.hpp"

namespace warden::runtime {

Result<HarReadSummary> read_har_stream(std::istream& in, const std::string& name,
                                       const EntryHandler& on_entry, const std::string& id_prefix,
                                       const HarWarningHandler& on_warning) {
  HarWarningHandler named;
  if (on_warning) {
    named = [&](std::string&& warning) { on_warning(name + ": " + warning); };
  }
  detail::HarParse parsed = detail::parse_har(in, on_entry, id_prefix, named);
  // A failed read looks like the end of input to the parser: report it first.
  if (in.bad())
    return Error{ErrorCode::file_unreadable, name + ": read error"};
  if (parsed.problem)
    return Error{ErrorCode::malformed_input, name + ": " + *parsed.problem};
  return HarReadSummary{parsed.delivered};
}

Result<HarReadSummary> read_har_file(const std::string& path, const EntryHandler& on_entry,
                                     const std::string& id_prefix,
                                     const HarWarningHandler& on_warning) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Error{ErrorCode::file_unreadable, path + ": is a directory"};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error{ErrorCode::file_unreadable,
                 path + ": cannot open for reading: " + std::strerror(errno)};
  }
  return read_har_stream(in, path, on_entry, id_prefix, on_warning);
}

}  // namespace warden::runtime
