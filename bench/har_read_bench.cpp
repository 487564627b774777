// Claim: the HAR reader alone (file read, JSON parse, Transactions built and
// dropped, no plugin) reads the generated HAR at about 1 GB/s.
//
// Prints MB/s (bytes_per_second, on CPU time; Google Benchmark's M is MiB)
// for read_har_file over the generated HAR, and for the reader with the
// fast path off (every entry through nlohmann's DOM, as before simdjson).
// The file is WARDEN_BENCH_HAR when set, else bench/gen-har.mjs --entries
// 10500 --seed 42 (about 60 MB), generated once into /tmp/warden-bench/.
// Run: build/bin/har_read_bench (Release).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <benchmark/benchmark.h>

#include "runtime/detail/har_sax.hpp"
#include "warden/har_reader.hpp"

namespace {

namespace fs = std::filesystem;
using namespace warden;

// The generated HAR, made with node on first use; "" when that failed.
const std::string& generated_har() {
  static const std::string path = [] {
    if (const char* given = std::getenv("WARDEN_BENCH_HAR"))
      return std::string(given);
    const fs::path dir = "/tmp/warden-bench";
    const fs::path file = dir / "gen-10500-s42.har";
    std::error_code ec;
    if (fs::file_size(file, ec) > 0 && !ec)
      return file.string();
    fs::create_directories(dir, ec);
    const std::string command =
        "node '" WARDEN_SOURCE_DIR "/bench/gen-har.mjs' --entries 10500 --seed 42 > '" +
        file.string() + ".part' && mv '" + file.string() + ".part' '" + file.string() + "'";
    if (std::system(command.c_str()) != 0)
      return std::string();
    return file.string();
  }();
  return path;
}

// read_har_file, or the same with `path` for the entries.
Result<runtime::HarReadSummary> read(const std::string& file, runtime::detail::EntryPath path,
                                     const runtime::EntryHandler& on_entry) {
  if (path == runtime::detail::EntryPath::fast)
    return runtime::read_har_file(file, on_entry);
  std::ifstream in(file, std::ios::binary);
  auto parsed = runtime::detail::parse_har(in, on_entry, "", {}, path);
  if (parsed.problem)
    return Error{ErrorCode::malformed_input, *parsed.problem};
  return runtime::HarReadSummary{parsed.delivered};
}

void read_file(benchmark::State& state, runtime::detail::EntryPath entry_path) {
  const std::string& path = generated_har();
  std::error_code ec;
  const auto size = path.empty() ? 0 : fs::file_size(path, ec);
  if (size == 0 || ec) {
    state.SkipWithError("no generated HAR (node bench/gen-har.mjs failed)");
    return;
  }
  std::size_t entries = 0;
  for (auto _ : state) {
    auto result = read(path, entry_path, [&](Transaction&& transaction) {
      benchmark::DoNotOptimize(transaction.response.body.data());
      ++entries;
      return true;
    });
    if (!result.ok()) {
      state.SkipWithError(result.error().describe().c_str());
      return;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
  state.counters["entries"] =
      benchmark::Counter(static_cast<double>(entries) / static_cast<double>(state.iterations()));
  state.counters["file_MB"] = benchmark::Counter(static_cast<double>(size) / 1e6);
}

}  // namespace

BENCHMARK_CAPTURE(read_file, simdjson, warden::runtime::detail::EntryPath::fast)
    ->Name("har_read/generated/simdjson")
    ->Unit(benchmark::kMillisecond)
    ->MinTime(3.0);
BENCHMARK_CAPTURE(read_file, nlohmann, warden::runtime::detail::EntryPath::exact_only)
    ->Name("har_read/generated/nlohmann_dom_before")
    ->Unit(benchmark::kMillisecond)
    ->MinTime(3.0);

BENCHMARK_MAIN();
