#pragma once
// The benches' command lines: CLI11, as the apps use, plus Google Benchmark's
// own flags, accepted and ignored (scripts/test.sh passes
// --benchmark_min_time=... to every bench for its smoke run).

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace warden::bench {

// Counts on the command line (CLI11's PositiveNumber prints its double range
// for a value that is not a number).
inline CLI::Range positive_count() {
  return CLI::Range(uint64_t{1}, uint64_t{1'000'000'000'000});
}
inline CLI::Range count() {
  return CLI::Range(uint64_t{0}, uint64_t{1'000'000'000'000});
}

// Parses argv into the options declared on `app`. nullopt: go on; else the
// exit code to return now (0 after --help, 2 after a bad flag or value, the
// error on stderr naming it).
inline std::optional<int> parse_bench_flags(CLI::App& app, int argc, char** argv) {
  app.allow_extras();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }
  for (const auto& extra : app.remaining()) {
    if (extra.rfind("--benchmark_", 0) != 0) {
      std::fprintf(stderr, "%s: unknown option '%s' (--help lists them)\n", app.get_name().c_str(),
                   extra.c_str());
      return 2;
    }
  }
  return std::nullopt;
}

}  // namespace warden::bench
