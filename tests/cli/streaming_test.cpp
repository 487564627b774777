// tests/cli: a 50,000-entry HAR (about 220 MB) is streamed, not loaded: the
// run completes, counts every transaction and its peak RSS stays well below
// the file size.
#include <catch2/catch.hpp>

#include "cli/cli_test_support.hpp"

using namespace warden::cli_test;

namespace {

constexpr int kEntries = 50'000;

// Writes the HAR entry by entry (the generator itself never holds it all):
// each response carries a distinct ~4 KiB body.
void write_big_har(const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  std::string body;
  for (int line = 0; line < 64; ++line) {
    body += std::string(62, static_cast<char>('a' + line % 26)) + "\\n";
  }
  out << R"({"log":{"version":"1.2","creator":{"name":"warden-tests","version":"1"},"entries":[)";
  for (int i = 0; i < kEntries; ++i) {
    out << (i ? "," : "") << R"({"startedDateTime":"2024-05-01T10:00:00.000Z","time":1,)"
        << R"("request":{"method":"GET","url":"https://big.test/item/)" << i
        << R"(","httpVersion":"HTTP/1.1","headers":[{"name":"Host","value":"big.test"}],)"
        << R"("queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},)"
        << R"("response":{"status":)" << (i % 1000 == 999 ? 404 : 200)
        << R"(,"statusText":"OK","httpVersion":"HTTP/1.1",)"
        << R"("headers":[{"name":"Content-Type","value":"text/plain"}],"cookies":[],)"
        << R"("content":{"size":4096,"mimeType":"text/plain","text":")" << i << body
        << R"("},"redirectURL":"","headersSize":-1,"bodySize":4096},)"
        << R"("cache":{},"timings":{"send":0,"wait":1,"receive":0}})";
  }
  out << "]}}\n";
}

}  // namespace

TEST_CASE("a 50,000-entry HAR is streamed with bounded memory", "[cli][slow]") {
  TempDir dir;
  const std::string har = dir / "big.har";
  write_big_har(har);
  const auto file_size = std::filesystem::file_size(har);
  REQUIRE(file_size > 200'000'000);

  // One cheap plugin, one isolate, recycled every 2,000 scans: what is left in
  // RSS is the CLI's own pipeline (reader queue + scans in flight), which must
  // not grow with the file. (Isolates keep scanned bodies until V8 collects,
  // so without recycling RSS also reflects V8's heap growth: an engine matter.)
  auto run = run_warden({"scan", "--quiet", "--stats", "--format", "jsonl", "--plugins",
                         fixture("plugins/good/cli-status.js"), "--workers-per-plugin", "1",
                         "--recycle-after", "2000", har});
  INFO(run.err.substr(0, 2000));
  REQUIRE(run.exit_code == 0);
  auto stats = stats_from(run.err);
  REQUIRE(stats.is_object());
  CHECK(stats["transactions"] == kEntries);
  CHECK(stats["findings"] == kEntries / 1000);  // the 404s
  CHECK(parse_jsonl(run.out).size() == kEntries / 1000);
  const auto peak_rss = stats["peak_rss_bytes"].get<uint64_t>();
  UNSCOPED_INFO("file " << file_size << " bytes, peak RSS " << peak_rss << " bytes");
  CHECK(peak_rss > 0);
#if defined(__SANITIZE_ADDRESS__)
  // ASan's shadow memory and quarantine inflate RSS; the bound holds in Release.
  WARN("AddressSanitizer build: peak RSS bound not checked");
#else
  CHECK(peak_rss < file_size / 2);
#endif
}
