#include "runtime/har_reader.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace warden::runtime {
namespace {

using Json = nlohmann::json;

// The nlohmann parser's detail text quotes the token it choked on, which for a
// long string is the whole string, possibly with the invalid bytes that stopped
// it. Messages must stay short and valid UTF-8, so bytes outside printable
// ASCII are escaped and the text is capped.
std::string printable(std::string_view text, std::size_t max_bytes = 240) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 8);
  for (unsigned char c : text) {
    if (out.size() >= max_bytes) {
      out += "...";
      break;
    }
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      static constexpr char hex[] = "0123456789ABCDEF";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
  }
  return out;
}

// WHATWG application/x-www-form-urlencoded serializer, byte-wise over UTF-8:
// space becomes '+', ASCII alphanumerics and "*-._" stay, the rest is %XX.
void form_encode_to(std::string_view text, std::string& out) {
  static constexpr char hex[] = "0123456789ABCDEF";
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '*' ||
        c == '-' || c == '.' || c == '_') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
  }
}

std::string_view article(std::string_view type_name) {
  return (type_name == "object" || type_name == "array") ? "an" : "a";
}

// Turns one entry's DOM into a Transaction. Strings are moved out of the DOM,
// which is discarded right after. On a type error returns false and leaves
// "<field>: <problem>" in error().
class EntryConverter {
 public:
  bool convert(Json& entry, Transaction& out) {
    if (!optional_string(entry, "startedDateTime", "", out.started_date_time))
      return false;

    Json* request = find(entry, "request");
    if (request == nullptr)
      return fail("request", "missing");
    if (!request->is_object())
      return type_error("request", "object", *request);
    if (!required_string(*request, "method", "request.", out.request.method))
      return false;
    if (!required_string(*request, "url", "request.", out.request.url))
      return false;
    if (!optional_string(*request, "httpVersion", "request.", out.request.http_version)) {
      return false;
    }
    if (!headers(*request, "request.headers", out.request.headers))
      return false;
    if (!post_data(*request, out.request.body))
      return false;

    // A missing response (an aborted request) reads as an empty one: status 0.
    Json* response = find(entry, "response");
    if (response == nullptr)
      return true;
    if (!response->is_object())
      return type_error("response", "object", *response);
    if (!status(*response, out.response.status))
      return false;
    if (!optional_string(*response, "statusText", "response.", out.response.status_text)) {
      return false;
    }
    if (!optional_string(*response, "httpVersion", "response.", out.response.http_version)) {
      return false;
    }
    if (!headers(*response, "response.headers", out.response.headers))
      return false;

    Json* content = find(*response, "content");
    if (content == nullptr)
      return true;
    if (!content->is_object())
      return type_error("response.content", "object", *content);
    if (!optional_string(*content, "mimeType", "response.content.", out.response.mime_type)) {
      return false;
    }
    if (!optional_string(*content, "text", "response.content.", out.response.body))
      return false;
    std::string encoding;
    if (!optional_string(*content, "encoding", "response.content.", encoding))
      return false;
    // The contract knows "" and "base64"; any other encoding an exporter names
    // reads as "" (the text is handed over as captured either way).
    if (encoding == "base64")
      out.response.body_encoding = std::move(encoding);
    return true;
  }

  const std::string& error() const {
    return error_;
  }

 private:
  // A member, or nullptr when absent or null: exporters write null for
  // "not recorded", so null reads as absent everywhere.
  static Json* find(Json& object, const char* key) {
    auto& members = object.get_ref<Json::object_t&>();
    auto it = members.find(key);
    if (it == members.end() || it->second.is_null())
      return nullptr;
    return &it->second;
  }

  bool fail(std::string_view field, std::string_view problem) {
    error_.assign(field);
    error_ += ": ";
    error_ += problem;
    return false;
  }

  bool type_error(std::string_view field, std::string_view expected, const Json& got) {
    std::string problem = "expected ";
    problem += article(expected);
    problem += ' ';
    problem += expected;
    problem += ", got ";
    problem += got.type_name();
    return fail(field, problem);
  }

  bool optional_string(Json& object, const char* key, std::string_view prefix, std::string& out) {
    Json* value = find(object, key);
    if (value == nullptr)
      return true;
    if (!value->is_string())
      return type_error(std::string(prefix) + key, "string", *value);
    out = std::move(value->get_ref<std::string&>());
    return true;
  }

  bool required_string(Json& object, const char* key, std::string_view prefix, std::string& out) {
    Json* value = find(object, key);
    if (value == nullptr)
      return fail(std::string(prefix) + key, "missing");
    return optional_string(object, key, prefix, out);
  }

  bool headers(Json& object, std::string_view field, std::vector<Header>& out) {
    Json* list = find(object, "headers");
    if (list == nullptr)
      return true;
    if (!list->is_array())
      return type_error(field, "array", *list);
    auto& items = list->get_ref<Json::array_t&>();
    out.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      std::string prefix = std::string(field) + '[' + std::to_string(i) + "].";
      if (!items[i].is_object()) {
        return type_error(prefix.substr(0, prefix.size() - 1), "object", items[i]);
      }
      Header header;
      if (!optional_string(items[i], "name", prefix, header.name))
        return false;
      if (!optional_string(items[i], "value", prefix, header.value))
        return false;
      out.push_back(std::move(header));
    }
    return true;
  }

  // postData.text, or postData.params form-encoded when text is empty or
  // absent (ZAP writes text "" and puts the fields only in params).
  bool post_data(Json& request, std::optional<std::string>& body) {
    Json* post = find(request, "postData");
    if (post == nullptr)
      return true;
    if (!post->is_object())
      return type_error("request.postData", "object", *post);
    std::string text;
    if (!optional_string(*post, "text", "request.postData.", text))
      return false;
    if (!text.empty()) {
      body = std::move(text);
      return true;
    }
    body.emplace();
    Json* params = find(*post, "params");
    if (params == nullptr)
      return true;
    if (!params->is_array())
      return type_error("request.postData.params", "array", *params);
    auto& items = params->get_ref<Json::array_t&>();
    for (std::size_t i = 0; i < items.size(); ++i) {
      std::string prefix = "request.postData.params[" + std::to_string(i) + "].";
      if (!items[i].is_object()) {
        return type_error(prefix.substr(0, prefix.size() - 1), "object", items[i]);
      }
      std::string name, value;
      if (!optional_string(items[i], "name", prefix, name))
        return false;
      if (!optional_string(items[i], "value", prefix, value))
        return false;
      if (i > 0)
        *body += '&';
      form_encode_to(name, *body);
      *body += '=';
      form_encode_to(value, *body);
    }
    return true;
  }

  // A number, a numeric string ("200", as some exporters write it) or absent
  // (0). Anything that is not an integer fitting an int is an error.
  bool status(Json& response, int& out) {
    Json* value = find(response, "status");
    if (value == nullptr)
      return true;
    constexpr auto max = static_cast<double>(std::numeric_limits<int>::max());
    constexpr auto min = static_cast<double>(std::numeric_limits<int>::min());
    if (value->is_number_unsigned()) {
      auto number = value->get<std::uint64_t>();
      if (number > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
        return fail("response.status", "out of range: " + value->dump());
      }
      out = static_cast<int>(number);
      return true;
    }
    if (value->is_number_integer()) {
      auto number = value->get<std::int64_t>();
      if (number > std::numeric_limits<int>::max() || number < std::numeric_limits<int>::min()) {
        return fail("response.status", "out of range: " + value->dump());
      }
      out = static_cast<int>(number);
      return true;
    }
    if (value->is_number_float()) {
      double number = value->get<double>();
      if (!(number >= min && number <= max) || std::trunc(number) != number) {
        return fail("response.status", "not an integer status: " + value->dump());
      }
      out = static_cast<int>(number);
      return true;
    }
    if (value->is_string()) {
      const std::string& text = value->get_ref<const std::string&>();
      if (text.empty())
        return true;
      int number = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (ec != std::errc() || end != text.data() + text.size()) {
        return fail("response.status",
                    "expected a number, got string \"" + printable(text, 40) + '"');
      }
      out = number;
      return true;
    }
    return type_error("response.status", "number", *value);
  }

  std::string error_;
};

// nlohmann SAX handler over a whole HAR file. Outside log.entries it keeps
// only a stack of container kinds (pages, creator and the rest are skipped
// without being stored); inside it builds the DOM of one entry, converts it,
// hands the Transaction out and drops the DOM before the next entry starts.
class HarSax {
 public:
  HarSax(const EntryHandler& on_entry, const std::string& id_prefix)
      : on_entry_(on_entry), id_prefix_(id_prefix) {}

  bool null() {
    return value(nullptr, "null");
  }
  bool boolean(bool v) {
    return value(v, "boolean");
  }
  bool number_integer(Json::number_integer_t v) {
    return value(v, "number");
  }
  bool number_unsigned(Json::number_unsigned_t v) {
    return value(v, "number");
  }
  bool number_float(Json::number_float_t v, const std::string&) {
    return value(v, "number");
  }
  // The lexer's token buffer is cleared before the next token, so its string
  // can be moved into the DOM rather than copied (bodies are most of a HAR).
  bool string(std::string& v) {
    return value(std::move(v), "string");
  }
  bool binary(Json::binary_t&) {
    return value(nullptr, "binary");
  }  // not produced by JSON

  bool start_object(std::size_t) {
    if (building()) {
      dom_.push_back(place(Json::object()));
      return true;
    }
    return outside_value("object", Container::object);
  }

  bool key(std::string& k) {
    if (building()) {
      slot_ = &dom_.back()->get_ref<Json::object_t&>()[std::move(k)];
      return true;
    }
    next_ = Next::other;
    if (frames_.back() == Frame::root && k == "log") {
      if (seen_log_)
        return fail(context() + "log: appears twice");
      next_ = Next::log;
    } else if (frames_.back() == Frame::log && k == "entries") {
      if (seen_entries_)
        return fail(context() + "log.entries: appears twice");
      next_ = Next::entries;
    }
    return true;
  }

  bool end_object() {
    if (building()) {
      dom_.pop_back();
      if (dom_.empty())
        return deliver();
      return true;
    }
    frames_.pop_back();
    return true;
  }

  bool start_array(std::size_t) {
    if (building()) {
      dom_.push_back(place(Json::array()));
      return true;
    }
    return outside_value("array", Container::array);
  }

  bool end_array() {
    if (building()) {
      dom_.pop_back();
      return true;
    }
    frames_.pop_back();
    return true;
  }

  bool parse_error(std::size_t byte, const std::string&, const nlohmann::detail::exception& ex) {
    // what() reads "[json.exception.parse_error.101] parse error at line 1,
    // column 7: syntax error while parsing ..."; keep line, column and reason.
    std::string_view what = ex.what();
    std::string where;
    if (auto close = what.find("] "); close != std::string_view::npos)
      what.remove_prefix(close + 2);
    if (auto colon = what.find(": "); colon != std::string_view::npos) {
      std::string_view head = what.substr(0, colon);
      if (auto at = head.find(" at "); at != std::string_view::npos) {
        where = " (" + std::string(head.substr(at + 4)) + ')';
      }
      what.remove_prefix(colon + 2);
    }
    // nlohmann counts the bytes read, the bad one included; report its 0-based
    // offset (the input size when the input ended early).
    std::size_t offset = byte > 0 ? byte - 1 : 0;
    return fail(context() + "invalid JSON at byte " + std::to_string(offset) + where + ": " +
                printable(what));
  }

  // After sax_parse: the error to report, if any.
  std::optional<std::string> finish(bool parsed) {
    if (failed_)
      return std::move(error_);
    if (stopped_)
      return std::nullopt;
    if (!parsed)
      return context() + "parse stopped";  // not expected: every false is recorded
    if (!seen_log_)
      return "log: missing";
    if (!seen_entries_)
      return "log.entries: missing";
    return std::nullopt;
  }

  std::size_t delivered() const {
    return delivered_;
  }

 private:
  enum class Frame : std::uint8_t { root, log, entries, other };
  enum class Next : std::uint8_t { other, log, entries };
  enum class Container : std::uint8_t { none, object, array };

  bool building() const {
    return !dom_.empty();
  }

  // Where in the file we are, for messages: the entry being read or the last
  // one read, so a truncated file names how far it got.
  std::string context() const {
    if (building())
      return "entry " + std::to_string(index_) + ": ";
    if (index_ > 0)
      return "after entry " + std::to_string(index_ - 1) + ": ";
    if (seen_entries_)
      return "log.entries: ";
    return "";
  }

  bool fail(std::string message) {
    failed_ = true;
    error_ = std::move(message);
    return false;
  }

  // Puts a new value where the DOM expects the next one: as the last element
  // of the innermost array, or under the key just read.
  template <class V>
  Json* place(V&& v) {
    Json* parent = dom_.back();
    if (parent->is_array()) {
      auto& items = parent->get_ref<Json::array_t&>();
      items.emplace_back(std::forward<V>(v));
      return &items.back();
    }
    *slot_ = Json(std::forward<V>(v));
    return slot_;
  }

  template <class V>
  bool value(V&& v, std::string_view type_name) {
    if (building()) {
      place(std::forward<V>(v));
      return true;
    }
    return outside_value(type_name, Container::none);
  }

  // A value outside any entry: check the HAR skeleton, skip everything else.
  bool outside_value(std::string_view type_name, Container container) {
    auto expected = [&](std::string_view field, std::string_view type) {
      return fail(std::string(field) + ": expected " + std::string(article(type)) + ' ' +
                  std::string(type) + ", got " + std::string(type_name));
    };
    if (frames_.empty()) {
      if (container != Container::object)
        return expected("top level", "object");
      frames_.push_back(Frame::root);
      return true;
    }
    Frame frame = frames_.back();
    Next next = next_;
    next_ = Next::other;
    if (frame == Frame::root && next == Next::log) {
      seen_log_ = true;
      if (container != Container::object)
        return expected("log", "object");
      frames_.push_back(Frame::log);
      return true;
    }
    if (frame == Frame::log && next == Next::entries) {
      seen_entries_ = true;
      if (container != Container::array)
        return expected("log.entries", "array");
      frames_.push_back(Frame::entries);
      return true;
    }
    if (frame == Frame::entries) {
      if (container != Container::object) {
        return expected("entry " + std::to_string(index_), "object");
      }
      entry_ = Json::object();
      dom_.push_back(&entry_);
      return true;
    }
    if (container != Container::none)
      frames_.push_back(Frame::other);
    return true;
  }

  bool deliver() {
    Transaction transaction;
    EntryConverter converter;
    bool converted = converter.convert(entry_, transaction);
    entry_ = Json();  // frees the entry's DOM before the handler runs
    if (!converted)
      return fail("entry " + std::to_string(index_) + ": " + converter.error());
    transaction.id = id_prefix_ + std::to_string(index_);
    ++index_;
    ++delivered_;
    if (!on_entry_(std::move(transaction))) {
      stopped_ = true;
      return false;
    }
    return true;
  }

  const EntryHandler& on_entry_;
  const std::string& id_prefix_;

  std::vector<Frame> frames_;  // containers outside entries, outermost first
  Next next_ = Next::other;    // what the value after the last key is
  bool seen_log_ = false;
  bool seen_entries_ = false;

  Json entry_;              // the entry being built
  std::vector<Json*> dom_;  // open containers inside entry_, innermost last
  Json* slot_ = nullptr;    // where the value after an object key goes

  std::size_t index_ = 0;  // index of the entry being read
  std::size_t delivered_ = 0;
  bool stopped_ = false;
  bool failed_ = false;
  std::string error_;
};

}  // namespace

Result<HarReadSummary> read_har_stream(std::istream& in, const std::string& name,
                                       const EntryHandler& on_entry, const std::string& id_prefix) {
  HarSax sax(on_entry, id_prefix);
  // strict: trailing bytes after the top-level value are an error too.
  bool parsed = Json::sax_parse(in, &sax, nlohmann::detail::input_format_t::json, true);
  // A failed read looks like the end of input to the parser: report it first.
  if (in.bad())
    return Error{ErrorCode::file_unreadable, name + ": read error"};
  if (auto problem = sax.finish(parsed)) {
    return Error{ErrorCode::malformed_input, name + ": " + *problem};
  }
  return HarReadSummary{sax.delivered()};
}

Result<HarReadSummary> read_har_file(const std::string& path, const EntryHandler& on_entry,
                                     const std::string& id_prefix) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Error{ErrorCode::file_unreadable, path + ": is a directory"};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error{ErrorCode::file_unreadable,
                 path + ": cannot open for reading: " + std::strerror(errno)};
  }
  return read_har_stream(in, path, on_entry, id_prefix);
}

}  // namespace warden::runtime
