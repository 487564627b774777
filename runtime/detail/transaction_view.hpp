#pragma once
// Builds the JS view of a Transaction (plugin contract, "The transaction") in
// one isolate, on demand: a plugin pays only for the fields it reads. Each view
// object (the transaction, its request, its response) is an instance of an
// ObjectTemplate whose properties are native data properties: a read calls
// back into C++, which makes the value the first time (strings, the header
// list, the nested object) and keeps it in an internal field, so every later
// read returns the same value. To JS they are plain data properties (keys in
// the contract's order, writable, enumerable but for txn.metadata, configurable, no getters; a
// write turns one into an ordinary data property), and the objects keep one stable shape, so plugin
// code stays monomorphic.
//
// Measured alternatives (bench/README.md): building the whole view eagerly
// costs 25.5k instructions per scan even for a plugin that reads nothing; V8's
// lazy data properties replace themselves on first read, which sends the object
// to dictionary mode (slower than eager for a plugin that reads a few fields).
//
// A view object reaches its transaction through internal field 0: an external
// string that holds a reference to the immutable, shared transaction, so the
// view stays valid however long the plugin keeps it, and the garbage collector
// drops the reference with the last view object.
//
// Values are made as before: long ASCII strings zero-copy (external strings
// that keep the transaction alive); repeated short text from a cache; header
// objects by a small JS builder, compiled before any plugin code, using only
// literals and own-property writes. Private to runtime/.
//
// Threads: built and used on the engine's thread, inside its isolate scope.

#include <array>
#include <map>
#include <optional>
#include <string>

#include <v8.h>

#include "runtime/detail/header_block.hpp"
#include "warden/transaction.hpp"

namespace warden::runtime::detail {

class TransactionView {
 public:
  // Compiles the header builder and makes the templates in `context`, before
  // any plugin code runs there. Must be called inside a HandleScope of the
  // context's isolate.
  explicit TransactionView(v8::Local<v8::Context> context);
  ~TransactionView();
  TransactionView(const TransactionView&) = delete;
  TransactionView& operator=(const TransactionView&) = delete;

  // A fresh JS object for `transaction`; empty only when V8 refuses (execution
  // terminating or heap exhausted). A field V8 cannot hold (beyond
  // String::kMaxLength) throws a RangeError when the plugin reads it.
  v8::MaybeLocal<v8::Object> build(v8::Local<v8::Context> context,
                                   const TransactionPtr& transaction);

  // Every property of the view objects, in the contract's order within each object.
  enum class Field : uint8_t {
    id,
    started_date_time,
    request,
    response,
    metadata,  // not enumerable: the contract's JSON form stays the HAR-shaped exchange
    request_method,
    request_url,
    request_http_version,
    request_headers,
    request_body,
    response_status,
    response_status_text,
    response_http_version,
    response_headers,
    response_mime_type,
    response_body,
    response_body_encoding,
  };
  static constexpr std::size_t kFieldCount =  // follows the enum: one place to add a field
      static_cast<std::size_t>(Field::response_body_encoding) + 1;

 private:
  struct FieldInfo {
    TransactionView* view;
    Field field;
    int slot;  // the internal field that keeps the value once made
  };

  static void get(v8::Local<v8::Name> name, const v8::PropertyCallbackInfo<v8::Value>& info);
  v8::MaybeLocal<v8::Value> value(v8::Local<v8::Context> context, Field field,
                                  v8::Local<v8::Value> holder, const TransactionPtr& transaction);
  v8::MaybeLocal<v8::Object> instance(v8::Local<v8::Context> context,
                                      const v8::Global<v8::ObjectTemplate>& shape,
                                      v8::Local<v8::Value> holder);

  v8::MaybeLocal<v8::String> string(const std::string& text,
                                    const TransactionPtr& transaction) const;
  // For text that repeats across transactions (header names, method, HTTP
  // versions, status text, MIME type): a string already in the heap when the
  // same text was seen before, else a new one that replaces the cached one.
  v8::MaybeLocal<v8::String> repeated(const std::string& text, const TransactionPtr& transaction);
  // txn.metadata: a frozen object without a prototype, one string property
  // per key (the keys absent from it read as undefined, "toString" too).
  v8::MaybeLocal<v8::Value> metadata(v8::Local<v8::Context> context,
                                     const std::map<std::string, std::string>& entries,
                                     const TransactionPtr& transaction);
  // The contract's [{name, value}, ...] for one header list.
  v8::MaybeLocal<v8::Value> headers(v8::Local<v8::Context> context, const std::vector<Header>& list,
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
  std::array<FieldInfo, kFieldCount> fields_;  // the callbacks' data, by Field
  // Globals: reset in the destructor, before the isolate goes.
  v8::Global<v8::Function> header_builder_;
  v8::Global<v8::ObjectTemplate> transaction_shape_;
  v8::Global<v8::ObjectTemplate> request_shape_;
  v8::Global<v8::ObjectTemplate> response_shape_;
  std::array<CachedString, kCacheSlots> cache_;
  std::optional<HeaderBlock> header_block_;  // headers(): most lists, one string each
};

// True when every byte of `text` is below 0x80 (eight bytes at a time).
bool is_ascii(const char* data, std::size_t size);

}  // namespace warden::runtime::detail
