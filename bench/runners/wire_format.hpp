#pragma once
// The binary messages between the limit runner and its plugin child processes
// (--process-per-plugin). Every message is a frame: a 4-byte little-endian
// payload length, then the payload, whose first byte says what it is:
//   parent -> child  'S' transaction      scan it
//                    'P'                  ping
//   child -> parent  'R' 1 findings       scan answered (title, severity of each)
//                    'R' 0 message        scan failed
//                    'P' plugin id, cpu   pong: engine loaded; the child's CPU time so far
// Strings are a 4-byte length and the bytes. Both ends are this binary.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "warden/finding.hpp"
#include "warden/result.hpp"
#include "warden/transaction.hpp"

namespace warden::bench::wire {

enum class Kind : char { scan = 'S', ping = 'P', result = 'R' };

// Appends to a payload.
class Writer {
 public:
  explicit Writer(Kind kind) {
    bytes_.push_back(static_cast<char>(kind));
  }
  void u8(uint8_t value) {
    bytes_.push_back(static_cast<char>(value));
  }
  void u32(uint32_t value);
  void u64(uint64_t value);
  void str(std::string_view text);
  std::string take() {
    return std::move(bytes_);
  }

 private:
  std::string bytes_;
};

// Reads a payload; every read past its end throws std::runtime_error.
class Reader {
 public:
  explicit Reader(std::string_view payload) : rest_(payload) {}
  Kind kind();
  uint8_t u8();
  uint32_t u32();
  uint64_t u64();
  std::string str();

 private:
  std::string_view take(std::size_t count);
  std::string_view rest_;
};

std::string encode_scan(const Transaction& transaction);
TransactionPtr decode_transaction(Reader& reader);

std::string encode_result(const Result<std::vector<Finding>>& found);

std::string encode_pong(std::string_view plugin_id, uint64_t cpu_microseconds);

}  // namespace warden::bench::wire
