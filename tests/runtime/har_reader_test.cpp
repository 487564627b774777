#include "warden/har_reader.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace {

using warden::ErrorCode;
using warden::Transaction;
using warden::runtime::read_har_file;
using warden::runtime::read_har_stream;

const std::string fixtures = std::string(WARDEN_FIXTURES) + "/har/";

struct Read {
  warden::Result<warden::runtime::HarReadSummary> result;
  std::vector<Transaction> entries;
  std::vector<std::string> warnings;
};

Read read_file(const std::string& path, const std::string& id_prefix = "") {
  std::vector<Transaction> entries;
  auto result = read_har_file(
      path,
      [&](Transaction&& t) {
        entries.push_back(std::move(t));
        return true;
      },
      id_prefix);
  return {std::move(result), std::move(entries)};
}

Read read_text(const std::string& text, const std::string& name = "inline.har") {
  std::istringstream in(text);
  std::vector<Transaction> entries;
  std::vector<std::string> warnings;
  auto result = read_har_stream(
      in, name,
      [&](Transaction&& t) {
        entries.push_back(std::move(t));
        return true;
      },
      "", [&](std::string&& warning) { warnings.push_back(std::move(warning)); });
  return {std::move(result), std::move(entries), std::move(warnings)};
}

// A well-formed entry for building malformed files around.
std::string entry(int n) {
  return std::string(R"({"request":{"method":"GET","url":"https://example.com/)") +
         std::to_string(n) +
         R"(","headers":[]},"response":{"status":200,"content":{"text":"body )" +
         std::to_string(n) + R"("}}})";
}

std::string har_of(const std::string& entries_json) {
  return R"({"log":{"version":"1.2","creator":{"name":"t","version":"1"},"entries":[)" +
         entries_json + "]}}";
}

}  // namespace

TEST_CASE("every shared corpus file reads with the entry count SOURCES.md gives", "[runtime]") {
  const std::filesystem::path corpus = WARDEN_SHARED_CORPUS;
  if (!std::filesystem::is_directory(corpus)) {
    WARN("shared corpus absent: " << corpus.string() << " skipped");
    return;
  }
  const std::map<std::string, std::size_t> expected = {
      {"fiddler2-widex-nopages.har", 87},
      {"ie11-netinspector-redirects-304.har", 25},
      {"firebug-cnn.har", 145},
      {"webpagetest-expressen-607.har", 607},
      {"chrome-all-status-and-methods-665.har", 665},
      {"safari-webinspector.har", 19},
      {"firefox111-http3.har", 14},
      {"mitmproxy-websocket.har", 3},
      {"chrome-utf8-bom.har", 1},
      {"zap-export-form-sequence.har", 6},
  };
  std::size_t total = 0;
  for (const auto& [file, count] : expected) {
    INFO(file);
    auto read = read_file((corpus / file).string(), file + "#");
    REQUIRE(read.result.ok());
    CHECK(read.result->entries == count);
    REQUIRE(read.entries.size() == count);
    CHECK(read.entries.front().id == file + "#0");
    CHECK(read.entries.back().id == file + "#" + std::to_string(count - 1));
    for (const auto& t : read.entries) {
      CHECK_FALSE(t.request.method.empty());
      CHECK_FALSE(t.request.url.empty());
    }
    total += read.entries.size();
  }
  CHECK(total == 1572);

  // Spot checks of the quirks SOURCES.md lists.
  auto zap = read_file((corpus / "zap-export-form-sequence.har").string());
  REQUIRE(zap.result.ok());
  REQUIRE(zap.entries[1].request.body.has_value());
  CHECK(zap.entries[1].request.body->find("seqId=") != std::string::npos);
  auto fiddler = read_file((corpus / "fiddler2-widex-nopages.har").string());
  REQUIRE(fiddler.result.ok());
  std::size_t base64 = 0;
  for (const auto& t : fiddler.entries)
    base64 += t.response.body_encoding == "base64";
  CHECK(base64 == 64);
  auto chrome = read_file((corpus / "chrome-all-status-and-methods-665.har").string());
  REQUIRE(chrome.result.ok());
  std::size_t status_zero = 0, h3 = 0;
  for (const auto& t : chrome.entries) {
    status_zero += t.response.status == 0;
    h3 += t.request.http_version == "h3";
  }
  CHECK(status_zero == 11);
  CHECK(h3 == 643);
}

TEST_CASE("a file that starts with a UTF-8 byte order mark reads like any other", "[runtime]") {
  auto read = read_file(fixtures + "bom.har");
  REQUIRE(read.result.ok());
  REQUIRE(read.entries.size() == 1);
  const auto& t = read.entries[0];
  CHECK(t.id == "0");
  CHECK(t.started_date_time == "2024-07-16T10:00:00.000Z");
  CHECK(t.request.method == "POST");
  CHECK(t.request.url == "https://a.example/api");
  CHECK(t.request.http_version == "http/2.0");
  REQUIRE(t.request.headers.size() == 2);
  CHECK(t.request.headers[0].name == ":authority");
  CHECK(t.request.headers[1].value == "text/plain;charset=UTF-8");
  CHECK(t.request.body == std::optional<std::string>("hello=world"));
  CHECK(t.response.status == 0);
  CHECK(t.response.mime_type == "x-unknown");
  CHECK(t.response.body.empty());
  CHECK(t.response.body_encoding.empty());
}

TEST_CASE("postData.params become a form-encoded body when postData.text is empty or absent",
          "[runtime]") {
  auto read = read_file(fixtures + "form-params.har");
  REQUIRE(read.result.ok());
  REQUIRE(read.entries.size() == 5);
  CHECK(read.entries[0].request.body ==
        std::optional<std::string>(
            "user+name=Zo%C3%AB+%26+co&next=%2Fa%3Fb%3Dc&empty=&safe=A-z_0.9*%7E%21%27%28%29"));
  CHECK(read.entries[0].response.body == "<p>ok</p>");
  // Missing name or value read as "".
  CHECK(read.entries[1].request.body == std::optional<std::string>("only=&=v"));
  // A non-empty text wins over params.
  CHECK(read.entries[2].request.body == std::optional<std::string>("raw text wins"));
  // postData with neither text nor params is an empty body, not a missing one.
  CHECK(read.entries[3].request.body == std::optional<std::string>(""));
  // No postData at all is null.
  CHECK_FALSE(read.entries[4].request.body.has_value());
}

TEST_CASE("base64 bodies pass through undecoded with bodyEncoding set", "[runtime]") {
  auto read = read_file(fixtures + "base64-body.har");
  REQUIRE(read.result.ok());
  REQUIRE(read.entries.size() == 2);
  CHECK(read.entries[0].response.body == "iVBORw0KGgo=");
  CHECK(read.entries[0].response.body_encoding == "base64");
  CHECK(read.entries[0].response.mime_type == "image/png");
  CHECK(read.entries[0].response.headers[0].name == "Content-Type");
  // An encoding the contract does not know reads as "" with the text as captured.
  CHECK(read.entries[1].response.body == "a=3Db");
  CHECK(read.entries[1].response.body_encoding.empty());
}

TEST_CASE("missing optional fields, extension fields and odd values are tolerated", "[runtime]") {
  auto read = read_file(fixtures + "sparse.har", "s#");
  REQUIRE(read.result.ok());
  REQUIRE(read.entries.size() == 4);

  const auto& bare = read.entries[0];  // request only: no response at all
  CHECK(bare.id == "s#0");
  CHECK(bare.started_date_time.empty());
  CHECK(bare.request.http_version.empty());
  CHECK(bare.request.headers.empty());
  CHECK_FALSE(bare.request.body.has_value());
  CHECK(bare.response.status == 0);
  CHECK(bare.response.status_text.empty());
  CHECK(bare.response.body.empty());

  const auto& odd = read.entries[1];
  CHECK(odd.request.method == "TEST_METHOD_NOT_IN_SPEC");
  CHECK(odd.request.http_version == "h3");
  REQUIRE(odd.request.headers.size() == 4);
  CHECK(odd.request.headers[0].name == "X-No-Value");
  CHECK(odd.request.headers[0].value.empty());
  CHECK(odd.request.headers[1].name.empty());
  CHECK(odd.request.headers[1].value == "no-name");
  CHECK(odd.request.headers[2].name == "Cookie");  // order and case as captured
  CHECK(odd.request.headers[3].name == "cookie");
  CHECK(odd.response.status == 0);
  CHECK(odd.response.http_version == "HTTP/2.0");
  CHECK(odd.response.headers.empty());  // headers: null

  const auto& websocket = read.entries[2];
  CHECK(websocket.started_date_time.empty());  // startedDateTime: null
  CHECK(websocket.request.url == "wss://ws.example/?api_key=k");
  CHECK(websocket.response.status == 101);  // "101" as a string
  CHECK(websocket.response.http_version == "ori");
  CHECK(websocket.response.status_text == "Switching Protocols");

  const auto& unicode = read.entries[3];
  CHECK(unicode.response.status == 304);  // 304.0
  CHECK(unicode.response.body == "ünïcödé ✓");
}

TEST_CASE("a HAR with an empty entries array reads as zero entries", "[runtime]") {
  auto read = read_file(fixtures + "empty.har");
  REQUIRE(read.result.ok());
  CHECK(read.result->entries == 0);
  CHECK(read.entries.empty());
}

TEST_CASE("the handler stops reading early by returning false", "[runtime]") {
  std::string entries;
  for (int i = 0; i < 10; ++i) {
    if (i > 0)
      entries += ',';
    entries += entry(i);
  }
  // Garbage after the third entry is never reached.
  std::istringstream in(har_of(entries + ", this is not JSON"));
  int seen = 0;
  auto result = read_har_stream(in, "stop.har", [&](Transaction&& t) {
    CHECK(t.id == std::to_string(seen));
    return ++seen < 3;
  });
  REQUIRE(result.ok());
  CHECK(result->entries == 3);
  CHECK(seen == 3);
}

TEST_CASE("a generated HAR of 50,000 small entries streams through in order", "[runtime]") {
  std::string text = R"({"log":{"version":"1.2","entries":[)";
  for (int i = 0; i < 50000; ++i) {
    if (i)
      text += ',';
    text += entry(i);
  }
  text += R"(],"pages":[]}})";
  std::istringstream in(text);
  std::size_t count = 0;
  bool in_order = true;
  auto result = read_har_stream(in, "big.har", [&](Transaction&& t) {
    in_order = in_order && t.id == std::to_string(count) &&
               t.response.body == "body " + std::to_string(count);
    ++count;
    return true;
  });
  REQUIRE(result.ok());
  CHECK(result->entries == 50000);
  CHECK(count == 50000);
  CHECK(in_order);
}

TEST_CASE("text that is not JSON is malformed input naming the file and byte", "[runtime]") {
  auto read = read_file(fixtures + "malformed/not-json.har");
  REQUIRE_FALSE(read.result.ok());
  CHECK(read.result.error().code == ErrorCode::malformed_input);
  const auto& message = read.result.error().message;
  CHECK_THAT(message,
             Catch::StartsWith(fixtures + "malformed/not-json.har: invalid JSON at byte 0 "));
  CHECK(read.entries.empty());

  auto empty = read_text("", "empty.har");
  REQUIRE_FALSE(empty.result.ok());
  CHECK_THAT(empty.result.error().message, Catch::StartsWith("empty.har: invalid JSON at byte"));
}

TEST_CASE("a file truncated mid-entry names the entry and keeps the ones before", "[runtime]") {
  auto read = read_file(fixtures + "malformed/truncated.har");
  REQUIRE_FALSE(read.result.ok());
  CHECK(read.result.error().code == ErrorCode::malformed_input);
  CHECK_THAT(
      read.result.error().message,
      Catch::StartsWith(fixtures + "malformed/truncated.har: entry 1: invalid JSON at byte 913"));
  REQUIRE(read.entries.size() == 1);
  CHECK(read.entries[0].response.body == "iVBORw0KGgo=");

  // Cut between entries and after the array: the message names the last entry.
  std::string whole = har_of(entry(0) + "," + entry(1));
  auto between = read_text(whole.substr(0, whole.find(entry(1))));
  REQUIRE_FALSE(between.result.ok());
  CHECK_THAT(between.result.error().message, Catch::StartsWith("inline.har: after entry 0: "));
  CHECK(between.entries.size() == 1);
  auto after = read_text(whole.substr(0, whole.size() - 1));
  REQUIRE_FALSE(after.result.ok());
  CHECK_THAT(after.result.error().message, Catch::StartsWith("inline.har: after entry 1: "));
  CHECK(after.entries.size() == 2);
}

TEST_CASE("a HAR without log, or whose entries are not an array, is malformed input", "[runtime]") {
  auto no_log = read_text(R"({"version":"1.2","entries":[]})");
  REQUIRE_FALSE(no_log.result.ok());
  CHECK(no_log.result.error().code == ErrorCode::malformed_input);
  CHECK(no_log.result.error().message == "inline.har: log: missing");

  auto no_entries = read_text(R"({"log":{"version":"1.2","pages":[{"id":"p"}]}})");
  REQUIRE_FALSE(no_entries.result.ok());
  CHECK(no_entries.result.error().message == "inline.har: log.entries: missing");

  auto object_entries = read_text(R"({"log":{"entries":{"0":{}}}})");
  REQUIRE_FALSE(object_entries.result.ok());
  CHECK(object_entries.result.error().message ==
        "inline.har: log.entries: expected an array, got object");

  auto string_log = read_text(R"({"log":"none"})");
  REQUIRE_FALSE(string_log.result.ok());
  CHECK(string_log.result.error().message == "inline.har: log: expected an object, got string");

  auto top_array = read_text(R"([{"log":{"entries":[]}}])");
  REQUIRE_FALSE(top_array.result.ok());
  CHECK(top_array.result.error().message == "inline.har: top level: expected an object, got array");

  auto entry_string = read_text(har_of(entry(0) + R"(,"oops")"));
  REQUIRE_FALSE(entry_string.result.ok());
  CHECK(entry_string.result.error().message ==
        "inline.har: entry 1: expected an object, got string");
  CHECK(entry_string.entries.size() == 1);

  auto twice = read_text(R"({"log":{"entries":[],"entries":[]}})");
  REQUIRE_FALSE(twice.result.ok());
  CHECK_THAT(twice.result.error().message, Catch::Contains("log.entries: appears twice"));
}

TEST_CASE("a field of the wrong type is malformed input naming entry and field", "[runtime]") {
  auto read = read_file(fixtures + "malformed/url-number.har");
  REQUIRE_FALSE(read.result.ok());
  CHECK(read.result.error().code == ErrorCode::malformed_input);
  CHECK(read.result.error().message ==
        fixtures + "malformed/url-number.har: entry 1: request.url: expected a string, got number");
  REQUIRE(read.entries.size() == 1);
  CHECK(read.entries[0].request.url == "http://ok/");

  auto check = [](const std::string& entry_json, const std::string& expected) {
    auto r = read_text(har_of(entry_json));
    REQUIRE_FALSE(r.result.ok());
    CHECK(r.result.error().code == ErrorCode::malformed_input);
    CHECK(r.result.error().message == "inline.har: entry 0: " + expected);
  };
  check(R"({"response":{}})", "request: missing");
  check(R"({"request":{"url":"u"}})", "request.method: missing");
  check(R"({"request":{"method":"GET"}})", "request.url: missing");
  check(R"({"request":[],"response":{}})", "request: expected an object, got array");
  check(R"({"request":{"method":"GET","url":"u","headers":["x"]}})",
        "request.headers[0]: expected an object, got string");
  check(R"({"request":{"method":"GET","url":"u","headers":{}}})",
        "request.headers: expected an array, got object");
  check(R"({"request":{"method":"GET","url":"u"},"response":"x"})",
        "response: expected an object, got string");
  check(R"({"request":{"method":"GET","url":"u"},"response":{"status":true}})",
        "response.status: expected a number, got boolean");
  check(R"({"request":{"method":"GET","url":"u"},"response":{"status":"OK"}})",
        "response.status: expected a number, got string \"OK\"");
  check(R"({"request":{"method":"GET","url":"u"},"response":{"status":1e12}})",
        "response.status: not an integer status: 1000000000000.0");
  check(R"({"request":{"method":{},"url":"u"}})", "request.method: expected a string, got object");
}

// Real exporters write JSON objects, numbers and booleans where HAR 1.2 has
// strings (a Chrome HAR's postData.params[].value as an object): the entry is
// read with the value's JSON text and a warning, never rejected.
TEST_CASE("a string field holding another JSON value reads as its JSON text with a warning",
          "[runtime]") {
  auto check = [](const std::string& entry_json, const std::string& warning) {
    auto r = read_text(har_of(entry_json));
    INFO(entry_json);
    REQUIRE(r.result.ok());
    REQUIRE(r.entries.size() == 1);
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0] == "inline.har: entry 0: " + warning + "; read as its JSON text");
    return r.entries[0];
  };
  auto header =
      check(R"({"request":{"method":"GET","url":"u","headers":[{"name":"a","value":1}]}})",
            "request.headers[0].value: expected a string, got number");
  CHECK(header.request.headers[0].value == "1");
  auto param =
      check(R"({"request":{"method":"GET","url":"u","postData":{"params":[{"name":true}]}}})",
            "request.postData.params[0].name: expected a string, got boolean");
  CHECK(param.request.body == "true=");
  auto object = check(
      R"({"request":{"method":"POST","url":"u","postData":{"text":"","params":[{"name":"q","value":{"a":[1,"b"]}}]}}})",
      "request.postData.params[0].value: expected a string, got object");
  CHECK(object.request.body == "q=%7B%22a%22%3A%5B1%2C%22b%22%5D%7D");
  auto text =
      check(R"({"request":{"method":"GET","url":"u"},"response":{"content":{"text":["a"]}}})",
            "response.content.text: expected a string, got array");
  CHECK(text.response.body == R"(["a"])");
  auto started = check(R"({"request":{"method":"GET","url":"u"},"startedDateTime":0})",
                       "startedDateTime: expected a string, got number");
  CHECK(started.started_date_time == "0");

  // Missing sizes and nulls where objects are expected are no deviation to warn about.
  auto quiet = read_text(har_of(
      R"({"request":{"method":"GET","url":"u","headers":null,"postData":null},"response":{"status":null,"content":null},"cache":null})"));
  REQUIRE(quiet.result.ok());
  CHECK(quiet.entries.size() == 1);
  CHECK(quiet.warnings.empty());
}

TEST_CASE("invalid UTF-8 inside a string is malformed input naming entry and byte", "[runtime]") {
  auto read = read_file(fixtures + "malformed/invalid-utf8.har");
  REQUIRE_FALSE(read.result.ok());
  CHECK(read.result.error().code == ErrorCode::malformed_input);
  const auto& message = read.result.error().message;
  std::ifstream file(fixtures + "malformed/invalid-utf8.har", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const auto offset = bytes.find('\xff');
  REQUIRE(offset != std::string::npos);
  CHECK_THAT(message, Catch::StartsWith(fixtures +
                                        "malformed/invalid-utf8.har: entry 1: "
                                        "invalid JSON at byte " +
                                        std::to_string(offset) + " ("));
  CHECK_THAT(message, Catch::Contains("UTF-8"));
  // The offending bytes are escaped, so the message itself stays valid UTF-8.
  CHECK_THAT(message, Catch::Contains("\\xFF"));
  CHECK(message.find('\xff') == std::string::npos);
  CHECK(read.entries.size() == 1);
}

TEST_CASE("a missing or unreadable file is file_unreadable naming the path", "[runtime]") {
  auto missing = read_file(fixtures + "no-such-file.har");
  REQUIRE_FALSE(missing.result.ok());
  CHECK(missing.result.error().code == ErrorCode::file_unreadable);
  CHECK_THAT(missing.result.error().message, Catch::StartsWith(fixtures + "no-such-file.har: "));

  auto directory = read_file(fixtures);
  REQUIRE_FALSE(directory.result.ok());
  CHECK(directory.result.error().code == ErrorCode::file_unreadable);
}

TEST_CASE("deeply nested extension fields neither exhaust the stack nor get in the way",
          "[runtime]") {
  // The parser, the entry DOM and its destruction are all iterative; 200,000
  // levels would overflow a recursive one.
  const std::size_t depth = 200000;
  std::string deep = std::string(depth, '[') + std::string(depth, ']');
  auto read = read_text(har_of(R"({"request":{"method":"GET","url":"u"},"_x":)" + deep + "}"));
  REQUIRE(read.result.ok());
  CHECK(read.entries.size() == 1);

  auto outside = read_text(R"({"pages":)" + deep + R"(,"log":{"entries":[]}})");
  REQUIRE(outside.result.ok());

  auto unbalanced =
      read_text(har_of(R"({"request":{"method":"GET","url":"u"},"_x":)" + std::string(depth, '[')));
  REQUIRE_FALSE(unbalanced.result.ok());
  CHECK_THAT(unbalanced.result.error().message, Catch::StartsWith("inline.har: entry 0: "));
}
