#include "runtime/detail/transaction_view.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string_view>
#include <vector>

#include "runtime/detail/v8_resources.hpp"

namespace warden::runtime::detail {
namespace {

// Below this an external string costs more (a resource allocation and a
// finalizer) than copying the bytes into the V8 heap.
constexpr std::size_t kExternalMinBytes = 256;

// The builder. Keys in the contract's order (Object.keys, JSON.stringify and
// spreads see them so). Header pairs are turned into objects in place, in the
// array C++ made: each slot is read before it is overwritten (slot i is
// written after slots 2i and 2i+1 are read), and own-index writes and the
// length write never consult a prototype, so nothing a plugin later does to
// Array.prototype or Object.prototype can reach the view.
constexpr char kBuilder[] = R"JS((function () {
  "use strict";
  const headers = (flat) => {
    const n = flat.length >>> 1;
    for (let i = 0; i < n; i++) flat[i] = { name: flat[2 * i], value: flat[2 * i + 1] };
    flat.length = n;
    return flat;
  };
  return (id, startedDateTime, method, url, requestVersion, requestHeaders, requestBody, status,
          statusText, responseVersion, responseHeaders, mimeType, body, bodyEncoding) => ({
    id,
    startedDateTime,
    request: {
      method,
      url,
      httpVersion: requestVersion,
      headers: headers(requestHeaders),
      body: requestBody,
    },
    response: {
      status,
      statusText,
      httpVersion: responseVersion,
      headers: headers(responseHeaders),
      mimeType,
      body,
      bodyEncoding,
    },
  });
})())JS";

}  // namespace

bool is_ascii(const char* data, std::size_t size) {
  constexpr uint64_t kHighBits = 0x8080808080808080ull;
  std::size_t i = 0;
  for (; i + 32 <= size; i += 32) {  // bodies: four words per test
    uint64_t words[4];
    std::memcpy(words, data + i, 32);
    if ((words[0] | words[1] | words[2] | words[3]) & kHighBits)
      return false;
  }
  for (; i + 8 <= size; i += 8) {
    uint64_t word;
    std::memcpy(&word, data + i, 8);
    if (word & kHighBits)
      return false;
  }
  for (; i < size; ++i) {
    if (static_cast<unsigned char>(data[i]) & 0x80)
      return false;
  }
  return true;
}

TransactionView::TransactionView(v8::Local<v8::Context> context) : isolate_(context->GetIsolate()) {
  // Our own code in a context no plugin has run in yet: cannot fail.
  v8::ScriptOrigin origin(isolate_, v8::String::NewFromUtf8Literal(isolate_, "warden:view.js"));
  v8::Local<v8::Value> builder =
      v8::Script::Compile(context, v8::String::NewFromUtf8Literal(isolate_, kBuilder), &origin)
          .ToLocalChecked()
          ->Run(context)
          .ToLocalChecked();
  builder_.Reset(isolate_, builder.As<v8::Function>());
}

TransactionView::~TransactionView() {
  builder_.Reset();
  for (CachedString& slot : cache_)
    slot.value.Reset();
}

v8::MaybeLocal<v8::String> TransactionView::string(const std::string& text,
                                                   const TransactionPtr& transaction) const {
  if (text.empty())
    return v8::String::Empty(isolate_);
  if (!is_ascii(text.data(), text.size())) {
    // Invalid UTF-8 becomes U+FFFD; empty beyond String::kMaxLength.
    return v8::String::NewFromUtf8(isolate_, text.data(), v8::NewStringType::kNormal,
                                   static_cast<int>(std::min<std::size_t>(text.size(), INT32_MAX)));
  }
  if (text.size() >= kExternalMinBytes) {
    return new_external_ascii(isolate_, text, transaction);
  }
  return v8::String::NewFromOneByte(isolate_, reinterpret_cast<const uint8_t*>(text.data()),
                                    v8::NewStringType::kNormal, static_cast<int>(text.size()));
}

v8::MaybeLocal<v8::String> TransactionView::repeated(const std::string& text,
                                                     const TransactionPtr& transaction) {
  if (text.empty() || text.size() > kCacheMaxBytes)
    return string(text, transaction);
  CachedString& slot = cache_[std::hash<std::string_view>{}(text) % kCacheSlots];
  if (!slot.value.IsEmpty() && slot.text == text)
    return slot.value.Get(isolate_);
  v8::Local<v8::String> made;
  if (!string(text, transaction).ToLocal(&made))
    return {};
  slot.text = text;
  slot.value.Reset(isolate_, made);
  return made;
}

v8::MaybeLocal<v8::Array> TransactionView::flat_headers(const std::vector<Header>& list,
                                                        const TransactionPtr& transaction) {
  constexpr std::size_t kOnStack = 128;
  v8::Local<v8::Value> on_stack[kOnStack];
  std::vector<v8::Local<v8::Value>> on_heap;
  const std::size_t count = 2 * list.size();
  v8::Local<v8::Value>* elements = on_stack;
  if (count > kOnStack) {
    on_heap.resize(count);
    elements = on_heap.data();
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    v8::Local<v8::String> name, value;
    if (!repeated(list[i].name, transaction).ToLocal(&name) ||
        !string(list[i].value, transaction).ToLocal(&value)) {
      return {};
    }
    elements[2 * i] = name;
    elements[2 * i + 1] = value;
  }
  return v8::Array::New(isolate_, elements, count);
}

v8::MaybeLocal<v8::Object> TransactionView::build(v8::Local<v8::Context> context,
                                                  const TransactionPtr& transaction) {
  const Transaction& t = *transaction;
  v8::Local<v8::Value> request_body = v8::Null(isolate_);
  if (t.request.body) {
    v8::Local<v8::String> body;
    if (!string(*t.request.body, transaction).ToLocal(&body))
      return {};
    request_body = body;
  }
  v8::Local<v8::String> id, started, method, url, request_version, status_text, response_version,
      mime_type, body, body_encoding;
  v8::Local<v8::Array> request_headers, response_headers;
  if (!string(t.id, transaction).ToLocal(&id) ||
      !string(t.started_date_time, transaction).ToLocal(&started) ||
      !repeated(t.request.method, transaction).ToLocal(&method) ||
      !string(t.request.url, transaction).ToLocal(&url) ||
      !repeated(t.request.http_version, transaction).ToLocal(&request_version) ||
      !flat_headers(t.request.headers, transaction).ToLocal(&request_headers) ||
      !repeated(t.response.status_text, transaction).ToLocal(&status_text) ||
      !repeated(t.response.http_version, transaction).ToLocal(&response_version) ||
      !flat_headers(t.response.headers, transaction).ToLocal(&response_headers) ||
      !repeated(t.response.mime_type, transaction).ToLocal(&mime_type) ||
      !string(t.response.body, transaction).ToLocal(&body) ||
      !repeated(t.response.body_encoding, transaction).ToLocal(&body_encoding)) {
    return {};
  }
  v8::Local<v8::Value> argv[] = {id,
                                 started,
                                 method,
                                 url,
                                 request_version,
                                 request_headers,
                                 request_body,
                                 v8::Integer::New(isolate_, t.response.status),
                                 status_text,
                                 response_version,
                                 response_headers,
                                 mime_type,
                                 body,
                                 body_encoding};
  v8::Local<v8::Value> built;
  if (!builder_.Get(isolate_)
           ->Call(context, v8::Undefined(isolate_), static_cast<int>(std::size(argv)), argv)
           .ToLocal(&built)) {
    return {};
  }
  return built.As<v8::Object>();
}

}  // namespace warden::runtime::detail
