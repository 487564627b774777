// The HAR reader's simdjson fast path changes nothing but speed: over the
// fixtures and thousands of seeded mutations of them (bytes deleted, inserted,
// replaced, files cut), reading with the fast path and reading every entry
// through nlohmann's DOM give the same Transactions, warnings and errors,
// byte offsets, lines and columns included.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "runtime/detail/har_sax.hpp"

namespace {

using warden::Header;
using warden::Transaction;
using warden::runtime::detail::EntryPath;
using warden::runtime::detail::parse_har;

struct Outcome {
  std::vector<Transaction> entries;
  std::vector<std::string> warnings;
  std::size_t delivered = 0;
  std::optional<std::string> problem;
};

Outcome read(const std::string& text, EntryPath path, std::size_t stop_after = SIZE_MAX) {
  std::istringstream in(text);
  Outcome outcome;
  auto parsed = parse_har(
      in,
      [&](Transaction&& transaction) {
        outcome.entries.push_back(std::move(transaction));
        return outcome.entries.size() < stop_after;
      },
      "t#", [&](std::string&& warning) { outcome.warnings.push_back(std::move(warning)); }, path);
  outcome.delivered = parsed.delivered;
  outcome.problem = std::move(parsed.problem);
  return outcome;
}

bool same_headers(const std::vector<Header>& a, const std::vector<Header>& b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].value != b[i].value)
      return false;
  }
  return true;
}

bool same(const Transaction& a, const Transaction& b) {
  return a.id == b.id && a.started_date_time == b.started_date_time &&
         a.request.method == b.request.method && a.request.url == b.request.url &&
         a.request.http_version == b.request.http_version &&
         same_headers(a.request.headers, b.request.headers) && a.request.body == b.request.body &&
         a.response.status == b.response.status &&
         a.response.status_text == b.response.status_text &&
         a.response.http_version == b.response.http_version &&
         same_headers(a.response.headers, b.response.headers) &&
         a.response.mime_type == b.response.mime_type && a.response.body == b.response.body &&
         a.response.body_encoding == b.response.body_encoding;
}

void check_same(const std::string& text, std::size_t stop_after = SIZE_MAX) {
  const Outcome fast = read(text, EntryPath::fast, stop_after);
  const Outcome exact = read(text, EntryPath::exact_only, stop_after);
  CHECK(fast.problem.value_or("(none)") == exact.problem.value_or("(none)"));
  CHECK(fast.warnings == exact.warnings);
  CHECK(fast.delivered == exact.delivered);
  REQUIRE(fast.entries.size() == exact.entries.size());
  for (std::size_t i = 0; i < fast.entries.size(); ++i) {
    INFO("entry " << i);
    CHECK(same(fast.entries[i], exact.entries[i]));
  }
}

std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Inputs to mutate: every fixture HAR, and a compact file whose entries hit
// every branch of the mapping (deviations, duplicates, escapes, odd statuses).
std::vector<std::string> seeds() {
  std::vector<std::string> texts;
  const std::filesystem::path dir = std::string(WARDEN_FIXTURES) + "/har";
  for (const auto& item : std::filesystem::recursive_directory_iterator(dir)) {
    if (item.path().extension() == ".har")
      texts.push_back(file_text(item.path()));
  }
  std::sort(texts.begin(), texts.end());
  texts.push_back(
      R"({"log":{"pages":[{"id":"p","x":[1,{"y":null}]}],"entries":[)"
      R"({"request":{"method":"GET","url":"https://a/\u00e9\ud83d\ude00","headers":[{"name":"A","value":"\"q\\"}]},)"
      R"("response":{"status":200,"headers":[{"name":"B","value":"v"}],"content":{"text":"x\\\"y","encoding":"base64"}}},)"
      R"({"request":{"method":"POST","url":"u","postData":{"params":[{"name":"a b","value":"c&d"}]}},"response":{"status":"204"}},)"
      R"({"request":{"method":"GET","url":"u","url":"v"},"response":{"status":304.0}},)"
      R"({"request":{"method":"GET","url":"u","headers":[{"name":"n","value":7}]},"response":{"status":-1}},)"
      R"({"startedDateTime":null,"request":{"method":"GET","url":"u","postData":{"text":"t","params":3}},"response":null},)"
      R"({"request":{"method":"GET","url":"u"},"response":{"status":2147483648,"content":{"text":[1]}}},)"
      "\n{\"request\":{\"method\":\"GET\",\n\"url\":\"u\"},\n\"response\":{\"status\":1e2}}\n"
      R"(]}})");
  return texts;
}

}  // namespace

TEST_CASE("the fast path reads the fixtures as the nlohmann DOM path does", "[runtime]") {
  for (const auto& text : seeds()) {
    check_same(text);
    check_same(text, 1);  // the handler stops after the first entry
  }
}

TEST_CASE("the fast path reads the shared corpus as the nlohmann DOM path does", "[runtime]") {
  const std::filesystem::path corpus = WARDEN_SHARED_CORPUS;
  if (!std::filesystem::is_directory(corpus)) {
    WARN("shared corpus absent: " << corpus.string() << " skipped");
    return;
  }
  std::size_t files = 0;
  for (const auto& item : std::filesystem::directory_iterator(corpus)) {
    if (item.path().extension() != ".har")
      continue;
    INFO(item.path().filename().string());
    check_same(file_text(item.path()));
    ++files;
  }
  CHECK(files >= 10);
}

TEST_CASE("the fast path fails as the nlohmann DOM path does on mutated HARs", "[runtime]") {
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  auto next = [&state](std::uint64_t bound) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state % bound;
  };
  const std::string alphabet = "\"{}[],:\\ \n0-1.eEtrunlfa\xff\xc3\x80\x01u";
  std::size_t cases = 0;
  for (const auto& seed : seeds()) {
    if (seed.empty())
      continue;
    for (int round = 0; round < 400; ++round) {
      std::string text = seed;
      const int edits = 1 + static_cast<int>(next(3));
      for (int edit = 0; edit < edits && !text.empty(); ++edit) {
        const std::size_t at = next(text.size());
        switch (next(4)) {
          case 0:
            text.erase(at, 1);
            break;
          case 1:
            text.insert(at, 1, alphabet[next(alphabet.size())]);
            break;
          case 2:
            text[at] = alphabet[next(alphabet.size())];
            break;
          default:
            text.resize(at);
            break;
        }
      }
      INFO("seed " << seed.substr(0, 60) << "... round " << round << ": " << text);
      check_same(text);
      ++cases;
    }
  }
  CHECK(cases > 2000);
}

TEST_CASE("the fast path agrees across window reads, large entries and errors far into the file",
          "[runtime]") {
  // Entries larger than the reader's 1 MiB chunk make the window grow; errors
  // after megabytes of skipped entries need the dropped bytes' newlines.
  std::string small =
      R"({"request":{"method":"GET","url":"u","headers":[{"name":"n","value":"v"}]},)"
      "\n"
      R"("response":{"status":200,"content":{"text":"ok"}}})";
  std::string big_body(3 << 20, 'x');
  for (std::size_t i = 0; i < big_body.size(); i += 1000)
    big_body[i] = i % 3000 == 0 ? '\\' : ' ';
  for (std::size_t i = 0; i + 1 < big_body.size(); i += 3000)
    big_body[i + 1] = 'n';  // "\n" escapes: no raw newline inside the string
  std::string big = R"({"request":{"method":"GET","url":"big"},"response":{"content":{"text":")" +
                    big_body + R"("}}})";
  std::string entries;
  for (int i = 0; i < 3000; ++i)
    entries += small + ",\n";
  entries += big + ",\n" + small;
  const std::string text = "{\"log\":{\"entries\":[\n" + entries + "\n]}}\n";
  check_same(text);
  const auto big_at = text.find(big);
  for (std::size_t cut : {big_at + 10, big_at + big.size() / 2, big_at + big.size() - 1,
                          big_at + big.size() + 1, text.size() - 4, text.size() - 1}) {
    INFO("cut at " << cut);
    check_same(text.substr(0, cut));
    check_same(text.substr(0, cut) + "\n x" + text.substr(cut));
  }
}
