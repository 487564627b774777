#pragma once
// Builds the JS view of a Transaction (plugin contract, "The transaction") in
// one isolate, cheaply: C++ makes only the strings (long ASCII ones zero-copy,
// as external strings that keep the immutable, shared transaction alive) and
// hands them to a small JS builder that makes the objects with literals. V8's
// API property stores (v8::Object::Set) take the generic runtime path, about
// 1,500 instructions each; object literals in optimized JS cost a few dozen
// and give every view the same fast, stable shapes. Private to runtime/.
//
// Threads: built and used on the engine's thread, inside its isolate scope.

#include <array>
#include <string>

#include <v8.h>

#include "runtime/transaction.hpp"

namespace warden::runtime::detail {

class TransactionView {
 public:
  // Compiles the builder in `context`, before any plugin code runs there (so
  // the plugin cannot have changed what the builder relies on: it uses only
  // literals and own-property writes, never a global or a prototype method).
  // Must be called inside a HandleScope of the context's isolate.
  explicit TransactionView(v8::Local<v8::Context> context);
  ~TransactionView();

  // A fresh JS object for `transaction`; empty only when V8 refuses (execution
  // terminating, heap exhausted, or a string beyond String::kMaxLength).
  v8::MaybeLocal<v8::Object> build(v8::Local<v8::Context> context,
                                   const TransactionPtr& transaction);

 private:
  v8::MaybeLocal<v8::String> string(const std::string& text,
                                    const TransactionPtr& transaction) const;
  // For text that repeats across transactions (header names, method, HTTP
  // versions, status text, MIME type): a string already in the heap when the
  // same text was seen before, else a new one that replaces the cached one.
  v8::MaybeLocal<v8::String> repeated(const std::string& text, const TransactionPtr& transaction);
  // [name0, value0, name1, value1, ...], built in one call.
  v8::MaybeLocal<v8::Array> flat_headers(const std::vector<Header>& list,
                                         const TransactionPtr& transaction);

  // A direct-mapped cache: a hash and a compare instead of an allocation, a
  // copy and an ASCII scan. Strings are immutable values, so sharing one
  // between views is invisible to JS.
  struct CachedString {
    std::string text;
    v8::Global<v8::String> value;
  };
  static constexpr std::size_t kCacheSlots = 256;
  static constexpr std::size_t kCacheMaxBytes = 64;

  v8::Isolate* isolate_;
  // Globals: reset in the destructor, before the isolate goes.
  v8::Global<v8::Function> builder_;
  std::array<CachedString, kCacheSlots> cache_;
};

// True when every byte of `text` is below 0x80 (eight bytes at a time).
bool is_ascii(const char* data, std::size_t size);

}  // namespace warden::runtime::detail
