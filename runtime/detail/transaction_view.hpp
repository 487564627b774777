#pragma once
// Builds the JS view of a Transaction (plugin contract, "The transaction") in
// one isolate, cheaply: internalized keys and object templates are made once
// per isolate, long ASCII strings are zero-copy external strings that keep the
// (immutable, shared) transaction alive. Private to runtime/.
//
// Threads: built and used on the engine's thread, inside its isolate scope.

#include <v8.h>

#include "runtime/transaction.hpp"

namespace warden::runtime::detail {

class TransactionView {
 public:
  // Must be called inside a HandleScope of `isolate`.
  explicit TransactionView(v8::Isolate* isolate);

  // A fresh JS object for `transaction`; empty only when V8 refuses (execution
  // terminating, heap exhausted, or a string beyond String::kMaxLength).
  v8::MaybeLocal<v8::Object> build(v8::Local<v8::Context> context,
                                   const TransactionPtr& transaction) const;

 private:
  v8::MaybeLocal<v8::String> string(const std::string& text,
                                    const TransactionPtr& transaction) const;
  v8::MaybeLocal<v8::Array> headers(v8::Local<v8::Context> context, const std::vector<Header>& list,
                                    const TransactionPtr& transaction) const;

  v8::Isolate* isolate_;
  // Eternal: lives exactly as long as the isolate, no Reset() needed.
  v8::Eternal<v8::String> id_, started_date_time_, request_, response_, method_, url_,
      http_version_, headers_, body_, status_, status_text_, mime_type_, body_encoding_, name_,
      value_;
  v8::Eternal<v8::ObjectTemplate> transaction_template_, request_template_, response_template_,
      header_template_;
};

// True when every byte of `text` is below 0x80 (eight bytes at a time).
bool is_ascii(const char* data, std::size_t size);

}  // namespace warden::runtime::detail
