#pragma once
// Makes the contract's header list, [{name, value}, ...], from one string: the
// names and values laid end to end, cut apart by a small JS builder that
// reads their lengths from an array only it and the host can reach. One API
// string and one call per list instead of two API strings per header (the
// view's costliest part; bench/README.md, "Where a scan's CPU goes"). Private
// to runtime/ (TransactionView).
//
// Threads: built and used on the engine's thread, inside its isolate scope.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <v8.h>

#include "warden/transaction.hpp"

namespace warden::runtime::detail {

class HeaderBlock {
 public:
  // Compiles the builder in `context` before any plugin code runs there (it
  // keeps the built-ins it uses from then on). Inside a HandleScope.
  explicit HeaderBlock(v8::Local<v8::Context> context);
  ~HeaderBlock();
  HeaderBlock(const HeaderBlock&) = delete;
  HeaderBlock& operator=(const HeaderBlock&) = delete;

  // False when `list` is not for this way (a byte over 0x7f, whose UTF-16
  // length differs; more than kMaxHeaders pairs; more than kMaxBytes of text,
  // whose long values the per-header way keeps zero-copy): the caller builds
  // it header by header. True otherwise, with the list in `out` (empty when
  // V8 refused: execution terminating, heap exhausted).
  bool build(v8::Local<v8::Context> context, const std::vector<Header>& list,
             v8::MaybeLocal<v8::Value>& out);

  static constexpr std::size_t kMaxHeaders = 512;
  static constexpr std::size_t kMaxBytes = 16u << 10;

 private:
  v8::Isolate* isolate_;
  v8::Global<v8::Function> builder_;
  uint32_t* lengths_ = nullptr;  // 2 * kMaxHeaders entries, owned by the ArrayBuffer's store
  std::string text_;             // the block being laid out, its capacity reused
};

}  // namespace warden::runtime::detail
