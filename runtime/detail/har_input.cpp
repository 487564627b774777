// The HAR reader's input window: chunked reads, finding where an entry ends,
// and error positions over bytes already dropped.
#include "runtime/detail/har_input.hpp"

#include <algorithm>
#include <array>
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
  // Matches subtract 1 from per-byte counters (0xFF is -1), summed every 255 steps.
  const __m128i newline = _mm_set1_epi8('\n');
  while (i + 16 <= size) {
    __m128i counters = _mm_setzero_si128();
    for (int step = 0; step < 255 && i + 16 <= size; ++step, i += 16) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
      counters = _mm_sub_epi8(counters, _mm_cmpeq_epi8(bytes, newline));
    }
    const __m128i sums = _mm_sad_epu8(counters, _mm_setzero_si128());
    count += static_cast<std::uint64_t>(_mm_cvtsi128_si64(sums)) +
             static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
  }
#endif
  for (; i < size; ++i)
    count += data[i] == '\n';
  return count;
}

#if defined(__SSE2__)
std::uint64_t popcount(std::uint64_t x) {
  // Inline: without -mpopcnt the builtin is a library call.
  x -= (x >> 1) & 0x5555555555555555ULL;
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
  return (x * 0x0101010101010101ULL) >> 56;
}

std::uint64_t prefix_xor(std::uint64_t x) {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

// The bytes escaped by a backslash in a 64-byte block (simdjson's
// branchless odd-run rule); `prev_escaped` carries an escape into the next block.
std::uint64_t find_escaped(std::uint64_t backslash, std::uint64_t& prev_escaped) {
  constexpr std::uint64_t even_bits = 0x5555555555555555ULL;
  backslash &= ~prev_escaped;
  const std::uint64_t follows_escape = backslash << 1 | prev_escaped;
  const std::uint64_t odd_sequence_starts = backslash & ~even_bits & ~follows_escape;
  std::uint64_t sequences_starting_on_even_bits = 0;
  prev_escaped =
      __builtin_add_overflow(odd_sequence_starts, backslash, &sequences_starting_on_even_bits) ? 1
                                                                                               : 0;
  const std::uint64_t invert_mask = sequences_starting_on_even_bits << 1;
  return (even_bits ^ invert_mask) & follows_escape;
}

std::uint64_t match(__m128i bytes, char c) {
  return static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(c))));
}
#endif

// find_container_end over whole 64-byte blocks of data[i, end), SSE2 where
// there is SSE2 (every x86-64): true with `i` just past the closing bracket
// when found, else `i` at the first byte left for the byte-wise scan.
bool scan_blocks(const char* data, std::size_t first, std::size_t& i, std::size_t end,
                 std::size_t& depth, bool& in_string) {
#if defined(__SSE2__)
  std::uint64_t prev_escaped = 0;
  if (in_string) {
    std::size_t backslashes = 0;
    while (i - backslashes > first && data[i - backslashes - 1] == '\\')
      ++backslashes;
    prev_escaped = backslashes % 2;
  }
  std::uint64_t prev_in_string = in_string ? ~std::uint64_t{0} : 0;
  const __m128i case_bit = _mm_set1_epi8(0x20);  // '[' | 0x20 == '{', ']' | 0x20 == '}'
  for (; i + 64 <= end; i += 64) {
    std::uint64_t quote = 0, backslash = 0, open = 0, close = 0;
    for (int k = 0; k < 4; ++k) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i + 16 * k));
      const __m128i folded = _mm_or_si128(bytes, case_bit);
      quote |= match(bytes, '"') << (16 * k);
      backslash |= match(bytes, '\\') << (16 * k);
      open |= match(folded, '{') << (16 * k);
      close |= match(folded, '}') << (16 * k);
    }
    quote &= ~find_escaped(backslash, prev_escaped);
    const std::uint64_t inside = prefix_xor(quote) ^ prev_in_string;
    prev_in_string = static_cast<std::uint64_t>(static_cast<std::int64_t>(inside) >> 63);
    open &= ~inside;
    close &= ~inside;
    if (close != 0 && popcount(close) >= depth) {
      // The depth may reach zero in this block: follow it bracket by bracket.
      for (std::uint64_t marks = open | close; marks != 0; marks &= marks - 1) {
        const int bit = __builtin_ctzll(marks);
        if ((open >> bit) & 1) {
          ++depth;
        } else if (--depth == 0) {
          i += static_cast<std::size_t>(bit) + 1;
          return true;
        }
      }
    } else {
      depth += popcount(open);
      depth -= popcount(close);
    }
  }
  in_string = prev_in_string != 0;
#else
  (void)data, (void)first, (void)i, (void)end, (void)depth, (void)in_string;
#endif
  return false;
}

std::int64_t last_newline(const char* data, std::size_t size) {
  const void* found = ::memrchr(data, '\n', size);
  return found == nullptr ? -1 : static_cast<const char*>(found) - data;
}

}  // namespace

HarInput::HarInput(std::istream& in)
    : in_(in), buffer_(new char[kChunk + kPadding]), capacity_(kChunk) {
  // Only the padding is cleared, not the whole window: a zero-filled 1 MiB per
  // reader cost every small HAR a megabyte of writes (minutes under TSan).
  std::memset(buffer_.get(), 0, kPadding);
}

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
  // An entry larger than the window doubles it (the entry is held anyway);
  // once such an entry is behind, the window goes back to one chunk.
  std::size_t resized = capacity_;
  if (end_ == capacity_)
    resized = capacity_ * 2;
  else if (capacity_ > kChunk && end_ <= kChunk / 2)
    resized = kChunk;
  if (resized != capacity_) {
    std::unique_ptr<char[]> moved(new char[resized + kPadding]);
    std::memcpy(moved.get(), buffer_.get(), end_);
    buffer_ = std::move(moved);
    capacity_ = resized;
  }
  std::memset(buffer_.get() + end_, 0, kPadding);  // what follows the data reads as zeros
  // Take what the stream can give without waiting (a file's remaining bytes,
  // what a pipe holds); wait only when that is nothing, for one byte, as
  // nlohmann's byte-wise reads did: entries that trickle in through a pipe
  // are handed out as they arrive, not once a whole chunk is there.
  std::streambuf* source = in_.rdbuf();
  std::streamsize available = source == nullptr ? -1 : source->in_avail();
  if (available == 0) {
    if (std::char_traits<char>::eq_int_type(source->sgetc(), std::char_traits<char>::eof()))
      available = -1;
    else
      available = std::max<std::streamsize>(source->in_avail(), 1);
  }
  if (available < 0) {
    ended_ = true;
    in_.setstate(std::ios::eofbit);
    return false;
  }
  const auto room = static_cast<std::streamsize>(capacity_ - end_);
  const std::streamsize got = source->sgetn(buffer_.get() + end_, std::min(available, room));
  end_ += static_cast<std::size_t>(std::max<std::streamsize>(got, 0));
  std::memset(buffer_.get() + end_, 0, kPadding);
  if (got <= 0) {
    ended_ = true;
    in_.setstate(std::ios::eofbit);
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
    if (scan_blocks(data, first, i, end_, depth_, in_string_))
      return std::string_view(data + first, i - first);
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
