#pragma once
// The bounded window through which the HAR reader reads its input: bytes are
// read in chunks and dropped once parsed, so memory follows the largest entry,
// not the file. Private to runtime/ (the HAR reader).

#include <cstddef>
#include <cstdint>
#include <istream>
#include <iterator>
#include <memory>
#include <optional>
#include <string_view>

namespace warden::runtime::detail {

// Line and column as nlohmann's parser reports them: 1-based line, column =
// bytes read on that line up to and including the one at the offset.
struct LineColumn {
  std::uint64_t line = 1;
  std::uint64_t column = 0;
};

// Owns the window. The bytes after the window's data are readable padding
// (kPadding of them), as simdjson needs after a document it parses in place.
// Everything runs on the reading thread.
class HarInput {
 public:
  static constexpr std::size_t kPadding = 64;

  explicit HarInput(std::istream& in);

  // True while there is a byte to read; reads a chunk when the window is used up.
  bool more() {
    return pos_ < end_ || fill(keep_point());
  }
  // The next byte (only after more() said there is one), and moving past it.
  char peek() const {
    return buffer_[pos_];
  }
  void advance() {
    if (!token_since_skip_)
      note_after_skip(buffer_[pos_]);
    ++pos_;
  }

  // Absolute offset of the next byte.
  std::uint64_t offset() const {
    return base_ + pos_;
  }

  // The JSON value that starts at absolute offset `start` (at most a few
  // bytes back, its first byte '{' or '[' already read), up to and including
  // its closing bracket, found by counting brackets outside strings; reads
  // on as far as needed. Only exact for valid JSON: the caller parses it.
  // nullopt when the input ends first.
  std::optional<std::string_view> find_container_end(std::uint64_t start);

  // Moves reading forward to absolute offset `to` (within the window); the
  // bytes passed over count as skipped.
  void skip_to(std::uint64_t to);

  // Bytes passed over by skip_to so far.
  std::uint64_t skipped() const {
    return skipped_;
  }

  // nlohmann's "last read" text runs from the start of the last string or
  // number token it lexed. True once it read a byte that starts one ('"',
  // '-' or a digit) since the last skip_to; until then its text reaches back
  // over the skip, and the text's last `escaped_since_skip()` characters (a
  // control byte shows as 8, "<U+000A>") are the bytes read since.
  bool token_since_skip() const {
    return token_since_skip_;
  }
  std::uint64_t escaped_since_skip() const {
    return escaped_since_skip_;
  }

  // Line and column of the byte at absolute `offset` (the input size: just
  // past the end), which must be at most a few bytes before offset().
  LineColumn position_of(std::uint64_t offset) const;

 private:
  // Bytes before the next one that stay in the window (the parser never
  // looks further back, error positions at most two bytes).
  static constexpr std::size_t kHistory = 64;

  std::size_t keep_point() const {
    return pos_ > kHistory ? pos_ - kHistory : 0;
  }

  // Drops the bytes before index `keep`, grows the window when it is full,
  // and reads more; false at the end of input (or a read error).
  bool fill(std::size_t keep);

  // Follows nlohmann's lexer over a byte read after a skip: a '"', '-' or
  // digit starts a token unless it comes inside a literal (true, false, null).
  void note_after_skip(char c);

  std::istream& in_;
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;  // bytes of data the buffer holds, padding excluded
  std::size_t pos_ = 0;       // index of the next byte
  std::size_t end_ = 0;       // index past the last byte read
  std::uint64_t base_ = 0;    // absolute offset of buffer_[0]
  bool ended_ = false;

  // Newlines among the bytes already dropped, for error positions.
  std::uint64_t dropped_newlines_ = 0;
  std::int64_t last_dropped_newline_ = -1;  // absolute offset; -1 for none

  std::uint64_t skipped_ = 0;
  bool token_since_skip_ = true;
  const char* literal_rest_ = nullptr;  // what the literal being read still needs
  std::uint64_t escaped_since_skip_ = 0;

  // find_container_end's progress, kept across reads.
  std::size_t scan_ = 0;
  std::size_t depth_ = 0;
  bool in_string_ = false;
};

// An input iterator over a HarInput, for nlohmann's parser: the default one
// is the end.
class HarInputIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = char;

  HarInputIterator() = default;
  explicit HarInputIterator(HarInput& input) : input_(&input) {}

  char operator*() const {
    return input_->peek();
  }
  HarInputIterator& operator++() {
    input_->advance();
    return *this;
  }
  // Only ever compared with the end iterator.
  bool operator==(const HarInputIterator& other) const {
    const bool at_end = input_ == nullptr || !input_->more();
    const bool other_at_end = other.input_ == nullptr || !other.input_->more();
    return at_end == other_at_end;
  }

 private:
  HarInput* input_ = nullptr;
};

}  // namespace warden::runtime::detail
