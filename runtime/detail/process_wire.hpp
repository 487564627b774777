#pragma once
// The framed binary protocol between the host, warden-worker's fork server and
// its children: frame layout, message types, and the encoding of every value
// that crosses (hand-written, little-endian, every length checked on decode).
//
// A frame is a 4-byte payload length, a 1-byte message type and the payload.
// Decoding never trusts the other side: a frame longer than the reader's bound,
// a length past the payload's end, an enum value out of range or bytes left
// over are errors (ErrorCode::crashed, "malformed frame: ..."), never a crash.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "warden/engine.hpp"
#include "warden/result.hpp"
#include "warden/transaction.hpp"
#include "warden/worker_process.hpp"

namespace warden::runtime::detail::wire {

enum class Type : uint8_t {
  // host -> child
  load = 1,  // LoadRequest
  scan = 2,  // Transaction
  stop = 3,  // empty: exit(0)
  // child -> host
  console = 16,      // ConsoleLine
  loaded = 17,       // Loaded
  load_failed = 18,  // Error
  scan_done = 19,    // ProcessScan
  // host <-> fork server (control socket, one frame per datagram)
  launch = 32,         // LaunchRequest + two descriptors (channel, stderr)
  launched = 33,       // Launched
  launch_failed = 34,  // uint64 sequence, string
  kill = 35,           // int32 pid
  exited = 36,         // int32 pid, int32 wait status
};

inline constexpr std::size_t kHeaderBytes = 5;
// What the host accepts from a child in one frame: a scan's findings are
// bounded by EngineLimits::max_findings_bytes (default 1 MiB) plus per-field
// overhead; a code cache is a few MiB at most.
inline constexpr std::size_t kMaxChildFrameBytes = 64u << 20;
// What a child accepts from the host: one transaction (HAR bodies can be large).
inline constexpr std::size_t kMaxHostFrameBytes = 1u << 30;

struct Frame {
  Type type{};
  std::string payload;
};

// Serialises one frame; finish() returns header + payload.
class Writer {
 public:
  explicit Writer(Type type);
  void u8(uint8_t value);
  void u32(uint32_t value);
  void u64(uint64_t value);
  void i32(int32_t value) {
    u32(static_cast<uint32_t>(value));
  }
  void str(std::string_view text);
  std::string finish() &&;

 private:
  std::string buffer_;
};

// Reads a payload; any read past its end marks it failed (and yields zeros).
class Reader {
 public:
  explicit Reader(std::string_view payload) : rest_(payload) {}
  uint8_t u8();
  uint32_t u32();
  uint64_t u64();
  int32_t i32() {
    return static_cast<int32_t>(u32());
  }
  std::string str();
  bool failed() const {
    return failed_;
  }
  void fail() {
    failed_ = true;
  }
  // Ok when nothing failed and every byte was read; else the malformed error.
  Status finish(std::string_view what) const;

 private:
  bool take(std::size_t bytes, std::string_view& out);
  std::string_view rest_;
  bool failed_ = false;
};

Error malformed(std::string_view what);

// Splits a byte stream into frames. feed() appends received bytes; next()
// yields a complete frame, nullopt when more bytes are needed, or an error
// when the header announces more than `max_frame_bytes` or an unknown type.
class FrameBuffer {
 public:
  explicit FrameBuffer(std::size_t max_frame_bytes) : max_(max_frame_bytes) {}
  void feed(const char* data, std::size_t size) {
    buffer_.append(data, size);
  }
  Result<std::optional<Frame>> next();

 private:
  std::size_t max_;
  std::string buffer_;
};

// Parses one whole datagram (control socket).
Result<Frame> parse_datagram(std::string_view bytes, std::size_t max_frame_bytes);

struct LoadRequest {
  std::string path;
  std::string code;
  std::vector<uint8_t> code_cache;  // empty: none
  EngineLimits limits;
  std::string config_json;
  bool console = false;  // forward console lines (the host has a sink)
};

struct ConsoleLine {
  LogLevel level = LogLevel::info;
  std::string plugin_id;
  std::string text;
};

struct Loaded {
  PluginInfo info;
  uint64_t heap_used_bytes = 0;
  std::vector<uint8_t> code_cache;  // the cache the child made; empty when none is new
};

struct LaunchRequest {
  uint64_t address_space_limit_bytes = 0;
  bool seccomp = true;
  // Echoed in the answer: an answer that comes after its launch gave up
  // waiting must not be taken for the next launch's.
  uint64_t sequence = 0;
};

struct Launched {
  uint64_t sequence = 0;
  int32_t pid = 0;
};

struct Exited {
  int32_t pid = 0;
  int32_t status = 0;  // as waitpid() reports it
};

std::string encode_load(const LoadRequest& request);
Result<LoadRequest> decode_load(std::string_view payload);
std::string encode_scan(const Transaction& transaction);
Result<Transaction> decode_scan(std::string_view payload);
std::string encode_console(const ConsoleLine& line);
Result<ConsoleLine> decode_console(std::string_view payload);
std::string encode_loaded(const Loaded& loaded);
Result<Loaded> decode_loaded(std::string_view payload);
std::string encode_error(Type type, const Error& error);
// An Error as a message (Result<Error> cannot exist: an error is its error).
struct ErrorMessage {
  Error error;
};
Result<ErrorMessage> decode_error(std::string_view payload);
std::string encode_scan_done(const ProcessScan& scan);
Result<ProcessScan> decode_scan_done(std::string_view payload);
std::string encode_empty(Type type);

std::string encode_launch(const LaunchRequest& request);
Result<LaunchRequest> decode_launch(std::string_view payload);
std::string encode_launched(const Launched& launched);
Result<Launched> decode_launched(std::string_view payload);
std::string encode_pid(Type type, int32_t pid);  // kill
Result<int32_t> decode_pid(std::string_view payload);
struct LaunchFailed {
  uint64_t sequence = 0;
  std::string why;
};
std::string encode_launch_failed(const LaunchFailed& failed);
Result<LaunchFailed> decode_launch_failed(std::string_view payload);
std::string encode_exited(const Exited& exited);
Result<Exited> decode_exited(std::string_view payload);

}  // namespace warden::runtime::detail::wire
