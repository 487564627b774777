// The framing of the worker-process protocol: frame writer, bounded payload
// reader and the byte-stream splitter that rejects oversized or unknown frames.
#include "runtime/detail/process_wire.hpp"

#include <cstring>

namespace warden::runtime::detail::wire {
namespace {

bool known_type(uint8_t type) {
  switch (static_cast<Type>(type)) {
    case Type::load:
    case Type::scan:
    case Type::stop:
    case Type::console:
    case Type::loaded:
    case Type::load_failed:
    case Type::scan_done:
    case Type::launch:
    case Type::launched:
    case Type::launch_failed:
    case Type::kill:
    case Type::exited:
      return true;
  }
  return false;
}

uint32_t load_u32(const char* bytes) {
  uint32_t value = 0;
  for (int i = 3; i >= 0; --i)
    value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  return value;
}

}  // namespace

Error malformed(std::string_view what) {
  return Error{ErrorCode::crashed, "malformed frame: " + std::string(what)};
}

Writer::Writer(Type type) {
  buffer_.assign(kHeaderBytes, '\0');
  buffer_[4] = static_cast<char>(type);
}

void Writer::u8(uint8_t value) {
  buffer_.push_back(static_cast<char>(value));
}

void Writer::u32(uint32_t value) {
  for (int i = 0; i < 4; ++i)
    buffer_.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void Writer::u64(uint64_t value) {
  for (int i = 0; i < 8; ++i)
    buffer_.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void Writer::str(std::string_view text) {
  u32(static_cast<uint32_t>(text.size()));
  buffer_.append(text);
}

std::string Writer::finish() && {
  const auto length = static_cast<uint32_t>(buffer_.size() - kHeaderBytes);
  for (int i = 0; i < 4; ++i)
    buffer_[i] = static_cast<char>((length >> (8 * i)) & 0xff);
  return std::move(buffer_);
}

bool Reader::take(std::size_t bytes, std::string_view& out) {
  if (failed_ || rest_.size() < bytes) {
    failed_ = true;
    return false;
  }
  out = rest_.substr(0, bytes);
  rest_.remove_prefix(bytes);
  return true;
}

uint8_t Reader::u8() {
  std::string_view bytes;
  return take(1, bytes) ? static_cast<uint8_t>(bytes[0]) : 0;
}

uint32_t Reader::u32() {
  std::string_view bytes;
  return take(4, bytes) ? load_u32(bytes.data()) : 0;
}

uint64_t Reader::u64() {
  std::string_view bytes;
  if (!take(8, bytes))
    return 0;
  const uint64_t low = load_u32(bytes.data());
  const uint64_t high = load_u32(bytes.data() + 4);
  return low | (high << 32);
}

std::string Reader::str() {
  const uint32_t length = u32();
  std::string_view bytes;
  return take(length, bytes) ? std::string(bytes) : std::string();
}

Status Reader::finish(std::string_view what) const {
  if (failed_)
    return malformed(std::string(what) + " is cut short or a length points past its end");
  if (!rest_.empty())
    return malformed(std::string(what) + " has " + std::to_string(rest_.size()) +
                     " bytes left over");
  return {};
}

Result<std::optional<Frame>> FrameBuffer::next() {
  if (buffer_.size() < kHeaderBytes)
    return std::optional<Frame>{};
  const uint32_t length = load_u32(buffer_.data());
  if (length > max_)
    return malformed("announces " + std::to_string(length) + " bytes, more than the " +
                     std::to_string(max_) + " allowed");
  const auto type = static_cast<uint8_t>(buffer_[4]);
  if (!known_type(type))
    return malformed("unknown message type " + std::to_string(type));
  if (buffer_.size() < kHeaderBytes + length)
    return std::optional<Frame>{};
  Frame frame{static_cast<Type>(type), buffer_.substr(kHeaderBytes, length)};
  buffer_.erase(0, kHeaderBytes + length);
  return std::optional<Frame>{std::move(frame)};
}

Result<Frame> parse_datagram(std::string_view bytes, std::size_t max_frame_bytes) {
  FrameBuffer buffer(max_frame_bytes);
  buffer.feed(bytes.data(), bytes.size());
  auto frame = buffer.next();
  if (!frame)
    return std::move(frame).error();
  if (!frame->has_value())
    return malformed("datagram of " + std::to_string(bytes.size()) + " bytes is cut short");
  const std::size_t used = kHeaderBytes + (*frame)->payload.size();
  if (used != bytes.size())
    return malformed("datagram has " + std::to_string(bytes.size() - used) +
                     " bytes after its frame");
  return std::move(**frame);
}

}  // namespace warden::runtime::detail::wire
