#pragma once
// Descriptor I/O for the worker-process protocol: whole frames written and
// read under a deadline with poll() (a peer that stops reading or writing
// cannot block the caller past it), and datagrams carrying descriptors.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/detail/process_wire.hpp"

namespace warden::runtime::detail {

using ProcessClock = std::chrono::steady_clock;

enum class Io : uint8_t {
  ok,
  timed_out,  // the deadline passed first
  closed,     // the peer closed its end (or the descriptor failed)
  malformed,  // the peer sent a frame the reader rejects (see `error`)
};

// Writes all of `data` to the non-blocking socket `fd` before `deadline`.
Io write_frame(int fd, std::string_view data, ProcessClock::time_point deadline);

// Reads the next frame from the non-blocking socket `fd` into `frame` before
// `deadline`. While waiting it also drains `side_fd` (when >= 0) into
// `side_text`, keeping at most `side_max` bytes (the child's stderr: a child
// that fills its pipe must not stall), and sends what `outgoing` holds past
// `*outgoing_sent` (the next request, pipelined: reading and writing in one
// poll loop, a peer that writes while we write cannot deadlock us). `error`
// says why a frame was malformed.
struct ReadFrame {
  wire::FrameBuffer& buffer;
  int side_fd = -1;
  std::string* side_text = nullptr;
  std::size_t side_max = 0;
  const std::string* outgoing = nullptr;
  std::size_t* outgoing_sent = nullptr;
};
Io read_frame(int fd, ReadFrame& how, wire::Frame& frame, ProcessClock::time_point deadline,
              Error* error = nullptr);

// Reads what `fd` holds (at most 64 KiB per call) until end of file or
// would-block, keeping at most `max` bytes in `text`.
void drain(int fd, std::string& text, std::size_t max);

// Blocking, for the child's single-threaded loop: whole frame or false.
bool write_frame_blocking(int fd, std::string_view data);
std::optional<wire::Frame> read_frame_blocking(int fd, wire::FrameBuffer& buffer, Error* error);

// One datagram on a SOCK_SEQPACKET socket with up to 2 descriptors attached.
bool send_datagram(int fd, std::string_view data, const std::vector<int>& fds = {});
// Receives one datagram (blocking); received descriptors are close-on-exec.
// False on end of file or error.
bool receive_datagram(int fd, std::string& data, std::vector<int>& fds);

void set_nonblocking(int fd);
void close_fd(int& fd);  // closes when >= 0 and sets -1

}  // namespace warden::runtime::detail
