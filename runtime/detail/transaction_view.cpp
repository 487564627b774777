// The lazy JS view of a Transaction: templates, native data properties, value caches.
#include "runtime/detail/transaction_view.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/detail/internal_script.hpp"
#include "runtime/detail/v8_resources.hpp"

namespace warden::runtime::detail {
namespace {

using Field = TransactionView::Field;

// Below this an external string costs more (a resource allocation and a
// finalizer) than copying the bytes into the V8 heap.
constexpr std::size_t kExternalMinBytes = 256;

// The text of every view's holder string (any non-empty constant will do: only
// its owner matters).
constexpr std::string_view kHolderText = "warden:transaction";

// Turns C++'s flat [name0, value0, name1, value1, ...] into the contract's
// [{name, value}, ...] in place: slot i is written after slots 2i and 2i+1 are
// read, and own-index writes and the length write never consult a prototype,
// so nothing a plugin does to Array.prototype or Object.prototype reaches it.
constexpr char kHeaderBuilder[] = R"JS((function (flat) {
  "use strict";
  const n = flat.length >>> 1;
  for (let i = 0; i < n; i++) flat[i] = { name: flat[2 * i], value: flat[2 * i + 1] };
  flat.length = n;
  return flat;
}))JS";

template <class T>
v8::MaybeLocal<v8::Value> as_value(v8::MaybeLocal<T> maybe) {
  v8::Local<T> made;
  if (!maybe.ToLocal(&made))
    return {};
  return made;
}

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
  for (std::size_t i = 0; i < kFieldCount; ++i)
    fields_[i] = FieldInfo{this, static_cast<Field>(i), 0};

  v8::Local<v8::Value> builder = run_internal_script(context, "warden:view.js", kHeaderBuilder);
  header_builder_.Reset(isolate_, builder.As<v8::Function>());
  header_block_.emplace(context);

  v8::Local<v8::Value> object_prototype = v8::Object::New(isolate_)->GetPrototype();
  // Listed in the contract's order, which Object.keys and JSON.stringify must
  // show. V8 installs a template's accessors in the reverse of the order they
  // were declared in, so they are declared last to first.
  struct Property {
    const char* name;
    Field field;
    v8::PropertyAttribute attribute = v8::None;
  };
  auto shape = [&](std::initializer_list<Property> properties) {
    // Internal fields need a constructor; its instances must still inherit
    // straight from Object.prototype, like an object literal.
    v8::Local<v8::FunctionTemplate> constructor = v8::FunctionTemplate::New(isolate_);
    v8::Local<v8::ObjectTemplate> shape = constructor->InstanceTemplate();
    shape->SetInternalFieldCount(static_cast<int>(1 + properties.size()));
    int slot = static_cast<int>(properties.size());
    for (auto it = std::rbegin(properties); it != std::rend(properties); ++it, --slot) {
      const auto& [name, field, attribute] = *it;
      fields_[static_cast<std::size_t>(field)].slot = slot;
      shape->SetNativeDataProperty(
          v8::String::NewFromUtf8(isolate_, name, v8::NewStringType::kInternalized)
              .ToLocalChecked(),
          &TransactionView::get, nullptr,
          v8::External::New(isolate_, &fields_[static_cast<std::size_t>(field)]), attribute);
    }
    constructor->GetFunction(context)
        .ToLocalChecked()
        ->Set(context, v8::String::NewFromUtf8Literal(isolate_, "prototype"), object_prototype)
        .Check();
    return shape;
  };
  transaction_shape_.Reset(isolate_, shape({{"id", Field::id},
                                            {"startedDateTime", Field::started_date_time},
                                            {"request", Field::request},
                                            {"response", Field::response},
                                            {"metadata", Field::metadata, v8::DontEnum}}));
  request_shape_.Reset(isolate_, shape({{"method", Field::request_method},
                                        {"url", Field::request_url},
                                        {"httpVersion", Field::request_http_version},
                                        {"headers", Field::request_headers},
                                        {"body", Field::request_body}}));
  response_shape_.Reset(isolate_, shape({{"status", Field::response_status},
                                         {"statusText", Field::response_status_text},
                                         {"httpVersion", Field::response_http_version},
                                         {"headers", Field::response_headers},
                                         {"mimeType", Field::response_mime_type},
                                         {"body", Field::response_body},
                                         {"bodyEncoding", Field::response_body_encoding}}));
}

TransactionView::~TransactionView() {
  header_block_.reset();
  header_builder_.Reset();
  transaction_shape_.Reset();
  request_shape_.Reset();
  response_shape_.Reset();
  for (CachedString& slot : cache_)
    slot.value.Reset();
}

v8::MaybeLocal<v8::Object> TransactionView::build(v8::Local<v8::Context> context,
                                                  const TransactionPtr& transaction) {
  v8::Local<v8::String> holder;
  if (!new_external_ascii(isolate_, kHolderText, transaction).ToLocal(&holder))
    return {};
  return instance(context, transaction_shape_, holder);
}

v8::MaybeLocal<v8::Object> TransactionView::instance(v8::Local<v8::Context> context,
                                                     const v8::Global<v8::ObjectTemplate>& shape,
                                                     v8::Local<v8::Value> holder) {
  v8::Local<v8::Object> object;
  if (!shape.Get(isolate_)->NewInstance(context).ToLocal(&object))
    return {};
  object->SetInternalField(0, holder);
  return object;
}

void TransactionView::get(v8::Local<v8::Name>, const v8::PropertyCallbackInfo<v8::Value>& info) {
  const auto* which = static_cast<const FieldInfo*>(info.Data().As<v8::External>()->Value());
  v8::Isolate* isolate = info.GetIsolate();
  // The property lives on one of our template instances (a plugin's object that
  // inherits from a view reaches it through the prototype chain; Holder() is
  // still the view object).
  v8::Local<v8::Object> object = info.Holder();
  if (object->InternalFieldCount() <= which->slot)
    return;  // not reachable: the property exists only on our instances
  v8::Local<v8::Value> cached = object->GetInternalField(which->slot);
  if (!cached->IsUndefined()) {
    info.GetReturnValue().Set(cached);
    return;
  }
  v8::Local<v8::Value> holder = object->GetInternalField(0);
  std::shared_ptr<const void> owner =
      holder->IsString() ? external_ascii_owner(holder.As<v8::String>()) : nullptr;
  if (owner == nullptr)
    return;  // not reachable: every instance gets its holder before any read
  // A real reference, not an alias: strings made from it (zero-copy bodies)
  // must keep the transaction alive after the view objects are gone.
  const auto transaction = std::static_pointer_cast<const Transaction>(std::move(owner));
  v8::Local<v8::Value> result;
  if (which->view->value(isolate->GetCurrentContext(), which->field, holder, transaction)
          .ToLocal(&result)) {
    object->SetInternalField(which->slot, result);
    info.GetReturnValue().Set(result);
  }
}

v8::MaybeLocal<v8::Value> TransactionView::value(v8::Local<v8::Context> context, Field field,
                                                 v8::Local<v8::Value> holder,
                                                 const TransactionPtr& transaction) {
  const Transaction& t = *transaction;
  auto text = [&](const std::string& s) { return as_value(string(s, transaction)); };
  auto again = [&](const std::string& s) { return as_value(repeated(s, transaction)); };
  switch (field) {
    case Field::id:
      return text(t.id);
    case Field::started_date_time:
      return text(t.started_date_time);
    case Field::request:
      return as_value(instance(context, request_shape_, holder));
    case Field::response:
      return as_value(instance(context, response_shape_, holder));
    case Field::metadata:
      return metadata(context, t.metadata, transaction);
    case Field::request_method:
      return again(t.request.method);
    case Field::request_url:
      return text(t.request.url);
    case Field::request_http_version:
      return again(t.request.http_version);
    case Field::request_headers:
      return headers(context, t.request.headers, transaction);
    case Field::request_body:
      if (!t.request.body)
        return v8::Null(isolate_);
      return text(*t.request.body);
    case Field::response_status:
      return v8::Integer::New(isolate_, t.response.status);
    case Field::response_status_text:
      return again(t.response.status_text);
    case Field::response_http_version:
      return again(t.response.http_version);
    case Field::response_headers:
      return headers(context, t.response.headers, transaction);
    case Field::response_mime_type:
      return again(t.response.mime_type);
    case Field::response_body:
      return text(t.response.body);
    case Field::response_body_encoding:
      return again(t.response.body_encoding);
  }
  return {};
}

v8::MaybeLocal<v8::String> TransactionView::string(const std::string& text,
                                                   const TransactionPtr& transaction) const {
  if (text.empty())
    return v8::String::Empty(isolate_);
  v8::MaybeLocal<v8::String> made;
  if (!is_ascii(text.data(), text.size())) {
    // Invalid UTF-8 becomes U+FFFD.
    made = v8::String::NewFromUtf8(isolate_, text.data(), v8::NewStringType::kNormal,
                                   static_cast<int>(std::min<std::size_t>(text.size(), INT32_MAX)));
  } else if (text.size() >= kExternalMinBytes) {
    made = new_external_ascii(isolate_, text, transaction);
  } else {
    made = v8::String::NewFromOneByte(isolate_, reinterpret_cast<const uint8_t*>(text.data()),
                                      v8::NewStringType::kNormal, static_cast<int>(text.size()));
  }
  if (made.IsEmpty() && !isolate_->IsExecutionTerminating()) {
    // Beyond String::kMaxLength: the plugin's read fails, visibly.
    isolate_->ThrowException(v8::Exception::RangeError(v8::String::NewFromUtf8Literal(
        isolate_, "transaction field too long for a JavaScript string")));
  }
  return made;
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

v8::MaybeLocal<v8::Value> TransactionView::metadata(
    v8::Local<v8::Context> context, const std::map<std::string, std::string>& entries,
    const TransactionPtr& transaction) {
  // No prototype: nothing a plugin puts on Object.prototype shows through,
  // and own data properties are defined, so no setter anywhere runs.
  v8::Local<v8::Object> object = v8::Object::New(isolate_, v8::Null(isolate_), nullptr, nullptr, 0);
  for (const auto& [key, value] : entries) {
    v8::Local<v8::String> name, text;
    if (!string(key, transaction).ToLocal(&name) || !string(value, transaction).ToLocal(&text))
      return {};
    bool defined = false;
    if (!object->CreateDataProperty(context, name, text).To(&defined) || !defined)
      return {};
  }
  bool frozen = false;
  if (!object->SetIntegrityLevel(context, v8::IntegrityLevel::kFrozen).To(&frozen) || !frozen)
    return {};
  return object;
}

v8::MaybeLocal<v8::Value> TransactionView::headers(v8::Local<v8::Context> context,
                                                   const std::vector<Header>& list,
                                                   const TransactionPtr& transaction) {
  v8::MaybeLocal<v8::Value> made;
  if (header_block_->build(context, list, made))
    return made;
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
  v8::Local<v8::Value> flat = v8::Array::New(isolate_, elements, count);
  return header_builder_.Get(isolate_)->Call(context, v8::Undefined(isolate_), 1, &flat);
}

}  // namespace warden::runtime::detail
