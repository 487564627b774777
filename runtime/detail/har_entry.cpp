// Converting one HAR entry's DOM into a Transaction.
#include "runtime/detail/har_entry.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>
#include <system_error>
#include <utility>

#include "runtime/detail/har_text.hpp"

namespace warden::runtime::detail {
namespace {

using Json = nlohmann::json;

// Turns one entry's DOM into a Transaction. On a type error returns false and
// leaves "<field>: <problem>" in error().
class EntryConverter {
 public:
  explicit EntryConverter(std::vector<std::string>& warnings) : warnings_(warnings) {}

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

  // A string; any other JSON value (real exporters write objects, numbers,
  // booleans) reads as its JSON text, with a warning naming the field.
  bool optional_string(Json& object, const char* key, std::string_view prefix, std::string& out) {
    Json* value = find(object, key);
    if (value == nullptr)
      return true;
    if (!value->is_string()) {
      warnings_.push_back(std::string(prefix) + key + ": expected a string, got " +
                          value->type_name() + "; read as its JSON text");
      out = value->dump(-1, ' ', false, Json::error_handler_t::replace);
      return true;
    }
    out = std::move(value->get_ref<std::string&>());
    return true;
  }

  // request.method and request.url: without them there is no request to scan.
  bool required_string(Json& object, const char* key, std::string_view prefix, std::string& out) {
    Json* value = find(object, key);
    if (value == nullptr)
      return fail(std::string(prefix) + key, "missing");
    if (!value->is_string())
      return type_error(std::string(prefix) + key, "string", *value);
    out = std::move(value->get_ref<std::string&>());
    return true;
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
      form_encode(name, *body);
      *body += '=';
      form_encode(value, *body);
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
  std::vector<std::string>& warnings_;
};

}  // namespace

// WHATWG application/x-www-form-urlencoded serializer, byte-wise over UTF-8:
// space becomes '+', ASCII alphanumerics and "*-._" stay, the rest is %XX.
void form_encode(std::string_view text, std::string& out) {
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

std::optional<std::string> convert_entry(Json& entry, Transaction& out,
                                         std::vector<std::string>& warnings) {
  EntryConverter converter(warnings);
  if (converter.convert(entry, out))
    return std::nullopt;
  return converter.error();
}

}  // namespace warden::runtime::detail
