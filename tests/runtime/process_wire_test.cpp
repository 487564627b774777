// The worker-process wire format: every value survives a round trip, and a
// malformed frame (too long, unknown type, lengths past the end, enums out of
// range, huge counts, bytes left over) is an error, never a crash or an allocation.
#include "runtime/detail/process_wire.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "tests/runtime/engine_test_support.hpp"

namespace {

namespace wire = warden::runtime::detail::wire;
using warden::Finding;

wire::Frame frame_of(const std::string& bytes) {
  wire::FrameBuffer buffer(wire::kMaxChildFrameBytes);
  buffer.feed(bytes.data(), bytes.size());
  auto next = buffer.next();
  REQUIRE(next.ok());
  REQUIRE(next->has_value());
  return std::move(**next);
}

}  // namespace

TEST_CASE("a transaction crosses the wire unchanged", "[process][wire]") {
  auto original = *warden::test::sample_transaction();
  original.request.body = std::string("a\0b", 3);
  const auto frame = frame_of(wire::encode_scan(original));
  CHECK(frame.type == wire::Type::scan);
  auto decoded = wire::decode_scan(frame.payload);
  REQUIRE(decoded.ok());
  CHECK(decoded->id == original.id);
  CHECK(decoded->request.url == original.request.url);
  CHECK(decoded->request.body == original.request.body);
  CHECK(decoded->request.headers.size() == original.request.headers.size());
  CHECK(decoded->response.headers.back().value == original.response.headers.back().value);
  CHECK(decoded->response.status == 200);
  CHECK(decoded->response.body == original.response.body);
}

TEST_CASE("a transaction's host metadata crosses the wire, empty or not", "[process][wire]") {
  auto original = *warden::test::sample_transaction();
  auto decoded = wire::decode_scan(frame_of(wire::encode_scan(original)).payload);
  REQUIRE(decoded.ok());
  CHECK(decoded->metadata.empty());
  original.metadata = {{"tenant", "acme"}, {"", ""}, {"bytes", std::string("a\0b", 3)}};
  decoded = wire::decode_scan(frame_of(wire::encode_scan(original)).payload);
  REQUIRE(decoded.ok());
  CHECK(decoded->metadata == original.metadata);
  CHECK(decoded->response.body_encoding == original.response.body_encoding);
}

TEST_CASE("findings, errors, console lines and load answers cross the wire", "[process][wire]") {
  Finding f;
  f.plugin_id = "p";
  f.title = "t";
  f.severity = warden::Severity::high;
  f.confidence = warden::Confidence::medium;
  f.cwe = 79;
  f.wasc = 8;
  f.references = {"https://a", "https://b"};
  warden::runtime::ProcessScan scan;
  scan.findings = std::vector<Finding>{f, f};
  scan.executions = 7;
  scan.heap_used_bytes = 1234;
  auto decoded = wire::decode_scan_done(frame_of(wire::encode_scan_done(scan)).payload);
  REQUIRE(decoded.ok());
  REQUIRE(decoded->findings.ok());
  CHECK(decoded->findings->size() == 2);
  CHECK(decoded->findings->back().references == f.references);
  CHECK(decoded->findings->back().severity == warden::Severity::high);
  CHECK(decoded->executions == 7);

  scan.findings = warden::Error{warden::ErrorCode::timeout, "late", "x.js", 3, 4};
  scan.reusable = false;
  decoded = wire::decode_scan_done(frame_of(wire::encode_scan_done(scan)).payload);
  REQUIRE(decoded.ok());
  REQUIRE(!decoded->findings.ok());
  CHECK(decoded->findings.error().describe() == "x.js:3:4: timeout: late");
  CHECK(!decoded->reusable);

  auto line = wire::decode_console(
      frame_of(wire::encode_console({warden::runtime::LogLevel::warn, "p", "hi"})).payload);
  REQUIRE(line.ok());
  CHECK(line->level == warden::runtime::LogLevel::warn);
  CHECK(line->text == "hi");

  wire::Loaded loaded;
  loaded.info.id = "p";
  loaded.info.kind = warden::runtime::PluginKind::zap_passive;
  loaded.code_cache = {1, 2, 3};
  auto back = wire::decode_loaded(frame_of(wire::encode_loaded(loaded)).payload);
  REQUIRE(back.ok());
  CHECK(back->info.kind == warden::runtime::PluginKind::zap_passive);
  CHECK(back->code_cache == loaded.code_cache);
}

TEST_CASE("malformed frames are errors, not crashes", "[process][wire]") {
  SECTION("a frame longer than the bound") {
    wire::FrameBuffer buffer(16);
    const std::string header("\xff\xff\xff\x7f\x13", 5);
    buffer.feed(header.data(), header.size());
    auto next = buffer.next();
    REQUIRE(!next.ok());
    CHECK_THAT(next.error().message, Catch::Contains("more than the 16 allowed"));
  }
  SECTION("an unknown message type") {
    wire::FrameBuffer buffer(16);
    const std::string header("\x00\x00\x00\x00\x63", 5);
    buffer.feed(header.data(), header.size());
    auto next = buffer.next();
    REQUIRE(!next.ok());
    CHECK_THAT(next.error().message, Catch::Contains("unknown message type 99"));
  }
  SECTION("a string length past the end") {
    std::string payload =
        frame_of(wire::encode_console({warden::runtime::LogLevel::info, "p", "hello"})).payload;
    payload[1] = '\x7f';  // the id's length
    auto line = wire::decode_console(payload);
    REQUIRE(!line.ok());
    CHECK(line.error().code == warden::ErrorCode::crashed);
    CHECK_THAT(line.error().message, Catch::StartsWith("malformed frame: console line"));
  }
  SECTION("an enum out of range") {
    std::string payload =
        frame_of(wire::encode_console({warden::runtime::LogLevel::info, "p", "x"})).payload;
    payload[0] = '\x09';
    CHECK(!wire::decode_console(payload).ok());
  }
  SECTION("a count no payload could hold") {
    warden::runtime::ProcessScan scan;
    std::string payload = frame_of(wire::encode_scan_done(scan)).payload;
    payload.replace(payload.size() - 4, 4, std::string("\xff\xff\xff\xff", 4));
    auto decoded = wire::decode_scan_done(payload);
    REQUIRE(!decoded.ok());
  }
  SECTION("bytes left over, or cut short") {
    auto launched = wire::decode_launched(frame_of(wire::encode_launched({7, 42})).payload);
    REQUIRE(launched.ok());
    CHECK(launched->sequence == 7);
    CHECK(launched->pid == 42);
    const std::string payload = frame_of(wire::encode_pid(wire::Type::kill, 42)).payload;
    CHECK(wire::decode_pid(payload).ok());
    CHECK(!wire::decode_pid(payload + "x").ok());
    CHECK(!wire::decode_pid(payload.substr(0, 3)).ok());
    CHECK(!wire::parse_datagram(wire::encode_pid(wire::Type::kill, 42) + "x", 64).ok());
  }
  SECTION("every cut of a valid scan answer fails cleanly") {
    warden::runtime::ProcessScan scan;
    Finding f;
    f.title = "t";
    f.references = {"r"};
    scan.findings = std::vector<Finding>{f};
    const std::string payload = frame_of(wire::encode_scan_done(scan)).payload;
    for (std::size_t cut = 0; cut < payload.size(); ++cut)
      CHECK(!wire::decode_scan_done(payload.substr(0, cut)).ok());
  }
}
