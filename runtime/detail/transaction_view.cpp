#include "runtime/detail/transaction_view.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>

#include "runtime/detail/v8_resources.hpp"

namespace warden::runtime::detail {
namespace {

// Below this an external string costs more (a resource allocation and a
// finalizer) than copying the bytes into the V8 heap.
constexpr std::size_t kExternalMinBytes = 256;

v8::Eternal<v8::String> key(v8::Isolate* isolate, const char* name) {
  v8::Local<v8::String> text =
      v8::String::NewFromUtf8(isolate, name, v8::NewStringType::kInternalized).ToLocalChecked();
  return v8::Eternal<v8::String>(isolate, text);
}

// A template whose instances already have `keys` as data properties, so every
// view object of one kind shares one hidden class (fast properties).
template <class... Keys>
v8::Eternal<v8::ObjectTemplate> shape(v8::Isolate* isolate, const Keys&... keys) {
  v8::Local<v8::ObjectTemplate> tmpl = v8::ObjectTemplate::New(isolate);
  (tmpl->Set(keys.Get(isolate), v8::Null(isolate)), ...);
  return v8::Eternal<v8::ObjectTemplate>(isolate, tmpl);
}

template <class T>
bool set(v8::Local<v8::Context> context, v8::Local<v8::Object> object,
         const v8::Eternal<v8::String>& name, v8::MaybeLocal<T> value) {
  v8::Local<T> v;
  if (!value.ToLocal(&v))
    return false;
  return object->Set(context, name.Get(context->GetIsolate()), v).FromMaybe(false);
}

}  // namespace

bool is_ascii(const char* data, std::size_t size) {
  constexpr uint64_t kHighBits = 0x8080808080808080ull;
  std::size_t i = 0;
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

TransactionView::TransactionView(v8::Isolate* isolate)
    : isolate_(isolate),
      id_(key(isolate, "id")),
      started_date_time_(key(isolate, "startedDateTime")),
      request_(key(isolate, "request")),
      response_(key(isolate, "response")),
      method_(key(isolate, "method")),
      url_(key(isolate, "url")),
      http_version_(key(isolate, "httpVersion")),
      headers_(key(isolate, "headers")),
      body_(key(isolate, "body")),
      status_(key(isolate, "status")),
      status_text_(key(isolate, "statusText")),
      mime_type_(key(isolate, "mimeType")),
      body_encoding_(key(isolate, "bodyEncoding")),
      name_(key(isolate, "name")),
      value_(key(isolate, "value")) {
  transaction_template_ = shape(isolate, id_, started_date_time_, request_, response_);
  request_template_ = shape(isolate, method_, url_, http_version_, headers_, body_);
  response_template_ = shape(isolate, status_, status_text_, http_version_, headers_, mime_type_,
                             body_, body_encoding_);
  header_template_ = shape(isolate, name_, value_);
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

v8::MaybeLocal<v8::Array> TransactionView::headers(v8::Local<v8::Context> context,
                                                   const std::vector<Header>& list,
                                                   const TransactionPtr& transaction) const {
  v8::Local<v8::Array> array = v8::Array::New(isolate_, static_cast<int>(list.size()));
  v8::Local<v8::ObjectTemplate> tmpl = header_template_.Get(isolate_);
  for (std::size_t i = 0; i < list.size(); ++i) {
    v8::Local<v8::Object> header;
    if (!tmpl->NewInstance(context).ToLocal(&header) ||
        !set(context, header, name_, string(list[i].name, transaction)) ||
        !set(context, header, value_, string(list[i].value, transaction)) ||
        !array->Set(context, static_cast<uint32_t>(i), header).FromMaybe(false)) {
      return {};
    }
  }
  return array;
}

v8::MaybeLocal<v8::Object> TransactionView::build(v8::Local<v8::Context> context,
                                                  const TransactionPtr& transaction) const {
  const Transaction& t = *transaction;
  v8::Local<v8::Object> object, request, response;
  if (!transaction_template_.Get(isolate_)->NewInstance(context).ToLocal(&object) ||
      !request_template_.Get(isolate_)->NewInstance(context).ToLocal(&request) ||
      !response_template_.Get(isolate_)->NewInstance(context).ToLocal(&response)) {
    return {};
  }
  v8::MaybeLocal<v8::Value> request_body = v8::Null(isolate_);
  if (t.request.body) {
    v8::Local<v8::String> body;
    request_body =
        string(*t.request.body, transaction).ToLocal(&body) ? body : v8::MaybeLocal<v8::Value>();
  }
  bool ok = set(context, request, method_, string(t.request.method, transaction)) &&
            set(context, request, url_, string(t.request.url, transaction)) &&
            set(context, request, http_version_, string(t.request.http_version, transaction)) &&
            set(context, request, headers_, headers(context, t.request.headers, transaction)) &&
            set(context, request, body_, request_body) &&
            set(context, response, status_,
                v8::MaybeLocal<v8::Integer>(v8::Integer::New(isolate_, t.response.status))) &&
            set(context, response, status_text_, string(t.response.status_text, transaction)) &&
            set(context, response, http_version_, string(t.response.http_version, transaction)) &&
            set(context, response, headers_, headers(context, t.response.headers, transaction)) &&
            set(context, response, mime_type_, string(t.response.mime_type, transaction)) &&
            set(context, response, body_, string(t.response.body, transaction)) &&
            set(context, response, body_encoding_, string(t.response.body_encoding, transaction)) &&
            set(context, object, id_, string(t.id, transaction)) &&
            set(context, object, started_date_time_, string(t.started_date_time, transaction)) &&
            set(context, object, request_, v8::MaybeLocal<v8::Object>(request)) &&
            set(context, object, response_, v8::MaybeLocal<v8::Object>(response));
  if (!ok)
    return {};
  return object;
}

}  // namespace warden::runtime::detail
