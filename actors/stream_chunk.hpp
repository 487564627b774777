#pragma once
// How many transactions a pipelined scan sends in one message: a quarter of
// its window, 1 to 16, so several chunks are in flight and the workers never
// wait for the sender. Shared by Warden::scan_stream and the remote scan.

#include <algorithm>
#include <cstddef>

namespace warden::actors {

inline std::size_t stream_chunk_size(std::size_t window) {
  return std::clamp<std::size_t>(window / 4, 1, 16);
}

}  // namespace warden::actors
