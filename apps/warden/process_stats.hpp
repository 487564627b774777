#pragma once
// What the process itself used, for `--stats`: peak resident set size.

#include <cstdint>

namespace warden::cli {

// Peak resident set size of this process in bytes (VmHWM; getrusage as a
// fallback), 0 when unknown.
uint64_t peak_rss_bytes();

}  // namespace warden::cli
