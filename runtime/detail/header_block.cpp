// The header list builder of the transaction view: one string, cut in JS.
#include "runtime/detail/header_block.hpp"

#include <vector>

#include "runtime/detail/internal_script.hpp"
#include "runtime/detail/transaction_view.hpp"

namespace warden::runtime::detail {
namespace {

// Called once with the lengths array; returns build(text, list), which
// fills `list` (made by the host with every element present) in place. The
// built-ins it uses are taken before any plugin code runs (String.prototype.
// substring through a bound Function.prototype.call), and it writes only to
// own elements that exist, which never consults a prototype a plugin can
// change. Run from the host only; the plugin cannot reach it or the lengths.
constexpr char kHeaderBlockBuilder[] = R"JS((function (lengths) {
  "use strict";
  const cut = Function.prototype.call.bind(String.prototype.substring);
  return (text, list) => {
    const n = list.length;
    let at = 0;
    for (let i = 0; i < n; i++) {
      const split = at + lengths[2 * i];
      const end = split + lengths[2 * i + 1];
      list[i] = { name: cut(text, at, split), value: cut(text, split, end) };
      at = end;
    }
    return list;
  };
}))JS";

}  // namespace

HeaderBlock::HeaderBlock(v8::Local<v8::Context> context) : isolate_(context->GetIsolate()) {
  constexpr std::size_t kBytes = 2 * kMaxHeaders * sizeof(uint32_t);
  // The host owns this memory, outside the plugin's ArrayBuffer allowance.
  std::shared_ptr<v8::BackingStore> store = v8::ArrayBuffer::NewBackingStore(
      new uint32_t[2 * kMaxHeaders](), kBytes,
      [](void* data, std::size_t, void*) { delete[] static_cast<uint32_t*>(data); }, nullptr);
  lengths_ = static_cast<uint32_t*>(store->Data());
  v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate_, std::move(store));
  v8::Local<v8::Value> lengths = v8::Uint32Array::New(buffer, 0, 2 * kMaxHeaders);
  v8::Local<v8::Value> factory =
      run_internal_script(context, "warden:header-block.js", kHeaderBlockBuilder);
  v8::Local<v8::Value> builder = factory.As<v8::Function>()
                                     ->Call(context, v8::Undefined(isolate_), 1, &lengths)
                                     .ToLocalChecked();
  builder_.Reset(isolate_, builder.As<v8::Function>());
}

HeaderBlock::~HeaderBlock() {
  builder_.Reset();
}

bool HeaderBlock::build(v8::Local<v8::Context> context, const std::vector<Header>& list,
                        v8::MaybeLocal<v8::Value>& out) {
  if (list.size() > kMaxHeaders)
    return false;
  text_.clear();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string& name = list[i].name;
    const std::string& value = list[i].value;
    if (text_.size() + name.size() + value.size() > kMaxBytes)
      return false;
    text_.append(name).append(value);
    lengths_[2 * i] = static_cast<uint32_t>(name.size());
    lengths_[2 * i + 1] = static_cast<uint32_t>(value.size());
  }
  if (!is_ascii(text_.data(), text_.size()))
    return false;
  v8::Local<v8::String> block;
  if (!v8::String::NewFromOneByte(isolate_, reinterpret_cast<const uint8_t*>(text_.data()),
                                  v8::NewStringType::kNormal, static_cast<int>(text_.size()))
           .ToLocal(&block)) {
    out = {};
    return true;
  }
  constexpr std::size_t kOnStack = 64;
  v8::Local<v8::Value> on_stack[kOnStack];
  std::vector<v8::Local<v8::Value>> on_heap;
  v8::Local<v8::Value>* slots = on_stack;
  if (list.size() > kOnStack) {
    on_heap.resize(list.size());
    slots = on_heap.data();
  }
  const v8::Local<v8::Value> undefined = v8::Undefined(isolate_);
  for (std::size_t i = 0; i < list.size(); ++i)
    slots[i] = undefined;
  v8::Local<v8::Value> args[] = {block, v8::Array::New(isolate_, slots, list.size())};
  out = builder_.Get(isolate_)->Call(context, v8::Undefined(isolate_), 2, args);
  return true;
}

}  // namespace warden::runtime::detail
