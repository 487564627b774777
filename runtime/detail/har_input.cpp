// The HAR reader's input window: chunked reads, finding where an entry ends,
// and error positions over bytes already dropped.
#include "runtime/detail/har_input.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace warden::runtime::detail {
namespace {

// Bytes read at a time; the window grows past it only for a larger entry.
constexpr std::size_t kChunk = 1 << 20;

// Bytes that matter outside strings when finding where a value ends.
constexpr std::array<bool, 256> kStructural = [] {
  std::array<bool, 256> table{};
  for (unsigned char c : std::string_view("\"{}[]"))
    table[c] = true;
  return table;
}();

// Newlines in `data`: every byte dropped from the window is counted once,
// so this runs at memory speed (16 bytes a step where SSE2 is there).
std::uint64_t count_newlines(const char* data, std::size_t size) {
  std::uint64_t count = 0;
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i newline = _mm_set1_epi8('\n');
  for (; i + 16 <= size; i += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, newline)));
    count += static_cast<std::uint64_t>(std::popcount(mask));
  }
#endif
  for (; i < size; ++i)
    count += data[i] == '\n';
  return count;
}

std::int64_t last_newline(const char* data, std::size_t size) {
  const void* found = ::memrchr(data, '\n', size);
  return found == nullptr ? -1 : static_cast<const char*>(found) - data;
}

}  // namespace

HarInput::HarInput(std::istream& in)
    : in_(in), buffer_(new char[kChunk + kPadding]()), capacity_(kChunk) {}

bool HarInput::fill(std::size_t keep) {
  if (ended_)
    return false;
  if (keep > 0) {
    dropped_newlines_ += count_newlines(buffer_.get(), keep);
    if (std::int64_t at = last_newline(buffer_.get(), keep); at >= 0)
      last_dropped_newline_ = static_cast<std::int64_t>(base_) + at;
    std::memmove(buffer_.get(), buffer_.get() + keep, end_ - keep);
    base_ += keep;
    pos_ -= keep;
    end_ -= keep;
    scan_ = scan_ >= keep ? scan_ - keep : 0;
  }
  if (end_ == capacity_) {
    // An entry larger than the window: double it (the entry is held anyway).
    std::size_t grown = capacity_ * 2;
    std::unique_ptr<char[]> bigger(new char[grown + kPadding]());
    std::memcpy(bigger.get(), buffer_.get(), end_);
    buffer_ = std::move(bigger);
    capacity_ = grown;
  }
  in_.read(buffer_.get() + end_, static_cast<std::streamsize>(capacity_ - end_));
  const auto got = static_cast<std::size_t>(in_.gcount());
  end_ += got;
  if (got == 0) {
    ended_ = true;
    return false;
  }
  return true;
}

std::optional<std::string_view> HarInput::find_container_end(std::uint64_t start) {
  std::size_t first = static_cast<std::size_t>(start - base_);
  scan_ = first;
  depth_ = 0;
  in_string_ = false;
  for (;;) {
    const char* data = buffer_.get();
    std::size_t i = scan_;
    while (i < end_) {
      if (in_string_) {
        const void* quote = std::memchr(data + i, '"', end_ - i);
        if (quote == nullptr) {
          i = end_;
          break;
        }
        std::size_t at = static_cast<std::size_t>(static_cast<const char*>(quote) - data);
        // The quote ends the string unless an odd run of backslashes escapes it.
        std::size_t backslashes = 0;
        while (at - backslashes > first && data[at - backslashes - 1] == '\\')
          ++backslashes;
        in_string_ = backslashes % 2 == 1;
        i = at + 1;
        continue;
      }
      while (i < end_ && !kStructural[static_cast<unsigned char>(data[i])])
        ++i;
      if (i == end_)
        break;
      const char c = data[i++];
      if (c == '"') {
        in_string_ = true;
      } else if (c == '{' || c == '[') {
        ++depth_;
      } else if (--depth_ == 0) {
        return std::string_view(data + first, i - first);
      }
    }
    scan_ = i;
    // Keep the value's bytes (and the parser's history) while reading on.
    const std::size_t keep = std::min(first, keep_point());
    if (!fill(keep))
      return std::nullopt;
    first -= keep;
  }
}

void HarInput::skip_to(std::uint64_t to) {
  skipped_ += to - offset();
  pos_ = static_cast<std::size_t>(to - base_);
  token_since_skip_ = false;
  escaped_since_skip_ = 0;
  literal_rest_ = nullptr;
}

void HarInput::note_after_skip(char c) {
  if (literal_rest_ != nullptr) {
    // A byte that does not continue the literal is where nlohmann stops.
    literal_rest_ = *literal_rest_ == c && literal_rest_[1] != '\0' ? literal_rest_ + 1 : nullptr;
  } else if (c == '"' || c == '-' || (c >= '0' && c <= '9')) {
    token_since_skip_ = true;
    return;
  } else if (c == 't') {
    literal_rest_ = "rue";
  } else if (c == 'f') {
    literal_rest_ = "alse";
  } else if (c == 'n') {
    literal_rest_ = "ull";
  }
  escaped_since_skip_ += static_cast<unsigned char>(c) <= 0x1f ? 8 : 1;
}

LineColumn HarInput::position_of(std::uint64_t offset) const {
  // Up to and including the byte at `offset`, as nlohmann counts a newline it
  // stopped at; the input size reads as a byte past the end.
  const std::size_t upto =
      std::min(end_, offset >= base_ ? static_cast<std::size_t>(offset - base_) + 1 : 0);
  LineColumn where;
  where.line = 1 + dropped_newlines_ + count_newlines(buffer_.get(), upto);
  std::int64_t newline = last_newline(buffer_.get(), upto);
  newline = newline >= 0 ? static_cast<std::int64_t>(base_) + newline : last_dropped_newline_;
  where.column = offset - static_cast<std::uint64_t>(newline);
  return where;
}

}  // namespace warden::runtime::detail
