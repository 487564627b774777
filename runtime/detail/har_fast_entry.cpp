// The common case of one HAR entry read with simdjson's DOM (har_fast_entry.hpp).
#include "runtime/detail/har_fast_entry.hpp"

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include "runtime/detail/har_entry.hpp"

namespace warden::runtime::detail {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// Each function below returns false where the exact path (har_entry.cpp)
// would warn, fail or resolve a duplicate key: the entry is then read again
// that way. Absent and null read as absent, as there.

// Marks a field as seen; false the second time (nlohmann keeps the last).
bool first_time(unsigned& seen, unsigned bit) {
  if (seen & bit)
    return false;
  seen |= bit;
  return true;
}

// A string field: null keeps `out` as it is (""), a string is copied.
bool string_field(element value, std::string& out) {
  if (value.is_null())
    return true;
  std::string_view text;
  if (value.get(text) != simdjson::SUCCESS)
    return false;
  out.assign(text.data(), text.size());
  return true;
}

// request.method and request.url: a string, nothing else.
bool required_string(element value, std::string& out) {
  std::string_view text;
  if (value.get(text) != simdjson::SUCCESS)
    return false;
  out.assign(text.data(), text.size());
  return true;
}

// A {"name", "value"} pair of strings; other members are ignored.
bool name_value(element item, std::string& name, std::string& value) {
  object members;
  if (item.get(members) != simdjson::SUCCESS)
    return false;
  unsigned seen = 0;
  for (auto [key, field] : members) {
    if (key == "name") {
      if (!first_time(seen, 1) || !string_field(field, name))
        return false;
    } else if (key == "value") {
      if (!first_time(seen, 2) || !string_field(field, value))
        return false;
    }
  }
  return true;
}

bool headers(element value, std::vector<Header>& out) {
  if (value.is_null())
    return true;
  simdjson::dom::array items;
  if (value.get(items) != simdjson::SUCCESS)
    return false;
  out.reserve(items.size());
  for (element item : items) {
    Header header;
    if (!name_value(item, header.name, header.value))
      return false;
    out.push_back(std::move(header));
  }
  return true;
}

// postData.text, or postData.params form-encoded when text is empty or absent.
bool post_data(element value, std::optional<std::string>& body) {
  if (value.is_null())
    return true;
  object members;
  if (value.get(members) != simdjson::SUCCESS)
    return false;
  unsigned seen = 0;
  std::string text;
  std::optional<element> params;
  for (auto [key, field] : members) {
    if (key == "text") {
      if (!first_time(seen, 1) || !string_field(field, text))
        return false;
    } else if (key == "params") {
      if (!first_time(seen, 2))
        return false;
      if (!field.is_null())
        params = field;
    }
  }
  if (!text.empty()) {
    body = std::move(text);
    return true;
  }
  body.emplace();
  if (!params)
    return true;
  simdjson::dom::array items;
  if (params->get(items) != simdjson::SUCCESS)
    return false;
  bool first = true;
  for (element item : items) {
    std::string name, value_text;
    if (!name_value(item, name, value_text))
      return false;
    if (!first)
      *body += '&';
    first = false;
    form_encode(name, *body);
    *body += '=';
    form_encode(value_text, *body);
  }
  return true;
}

// An integer that fits an int, a numeric string or "" (0); null reads as 0.
bool status(element value, int& out) {
  switch (value.type()) {
    case element_type::NULL_VALUE:
      return true;
    case element_type::INT64: {
      std::int64_t number = 0;
      if (value.get(number) != simdjson::SUCCESS || number > std::numeric_limits<int>::max() ||
          number < std::numeric_limits<int>::min())
        return false;
      out = static_cast<int>(number);
      return true;
    }
    case element_type::STRING: {
      std::string_view text;
      if (value.get(text) != simdjson::SUCCESS)
        return false;
      if (text.empty())
        return true;
      int number = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (ec != std::errc() || end != text.data() + text.size())
        return false;
      out = number;
      return true;
    }
    default:
      return false;  // uint64 past int64, a double, or not a number: the exact path decides
  }
}

bool content(element value, Response& out) {
  if (value.is_null())
    return true;
  object members;
  if (value.get(members) != simdjson::SUCCESS)
    return false;
  unsigned seen = 0;
  std::string encoding;
  for (auto [key, field] : members) {
    bool ok = true;
    if (key == "mimeType") {
      ok = first_time(seen, 1) && string_field(field, out.mime_type);
    } else if (key == "text") {
      ok = first_time(seen, 2) && string_field(field, out.body);
    } else if (key == "encoding") {
      ok = first_time(seen, 4) && string_field(field, encoding);
    }
    if (!ok)
      return false;
  }
  if (encoding == "base64")
    out.body_encoding = std::move(encoding);
  return true;
}

bool request(element value, Request& out) {
  object members;
  if (value.get(members) != simdjson::SUCCESS)
    return false;  // null (missing) or not an object: an error
  unsigned seen = 0;
  for (auto [key, field] : members) {
    bool ok = true;
    if (key == "method") {
      ok = first_time(seen, 1) && required_string(field, out.method);
    } else if (key == "url") {
      ok = first_time(seen, 2) && required_string(field, out.url);
    } else if (key == "httpVersion") {
      ok = first_time(seen, 4) && string_field(field, out.http_version);
    } else if (key == "headers") {
      ok = first_time(seen, 8) && headers(field, out.headers);
    } else if (key == "postData") {
      ok = first_time(seen, 16) && post_data(field, out.body);
    }
    if (!ok)
      return false;
  }
  return (seen & 3) == 3;  // method and url are required
}

bool response(element value, Response& out) {
  if (value.is_null())
    return true;
  object members;
  if (value.get(members) != simdjson::SUCCESS)
    return false;
  unsigned seen = 0;
  for (auto [key, field] : members) {
    bool ok = true;
    if (key == "status") {
      ok = first_time(seen, 1) && status(field, out.status);
    } else if (key == "statusText") {
      ok = first_time(seen, 2) && string_field(field, out.status_text);
    } else if (key == "httpVersion") {
      ok = first_time(seen, 4) && string_field(field, out.http_version);
    } else if (key == "headers") {
      ok = first_time(seen, 8) && headers(field, out.headers);
    } else if (key == "content") {
      ok = first_time(seen, 16) && content(field, out);
    }
    if (!ok)
      return false;
  }
  return true;
}

}  // namespace

bool FastEntryReader::read(std::string_view entry, Transaction& out) {
  element root;
  // The entry sits in HarInput's window with readable padding after it.
  const bool read =
      parser_.parse(reinterpret_cast<const std::uint8_t*>(entry.data()), entry.size(), false)
              .get(root) == simdjson::SUCCESS &&
      convert(root, out);
  // The parser keeps buffers as large as the largest entry it parsed: after
  // a large one, start afresh so memory follows the entries being read.
  constexpr std::size_t kLargeEntryBytes = std::size_t{4} << 20;
  if (entry.size() > kLargeEntryBytes)
    parser_ = simdjson::dom::parser();
  return read;
}

bool FastEntryReader::convert(element root, Transaction& out) {
  object members;
  if (root.get(members) != simdjson::SUCCESS)
    return false;
  unsigned seen = 0;
  for (auto [key, field] : members) {
    bool ok = true;
    if (key == "startedDateTime") {
      ok = first_time(seen, 1) && string_field(field, out.started_date_time);
    } else if (key == "request") {
      ok = first_time(seen, 2) && request(field, out.request);
    } else if (key == "response") {
      ok = first_time(seen, 4) && response(field, out.response);
    }
    if (!ok)
      return false;
  }
  return (seen & 2) != 0;  // no request: an error
}

}  // namespace warden::runtime::detail
