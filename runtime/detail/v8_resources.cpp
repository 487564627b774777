// Built with -fno-rtti (see runtime/CMakeLists.txt): defines V8 subclasses.
#include "runtime/detail/v8_resources.hpp"

#include <cstdlib>
#include <utility>

namespace warden::runtime::detail {
namespace {

class CountingAllocator final : public v8::ArrayBuffer::Allocator {
 public:
  CountingAllocator(std::size_t cap_bytes, std::shared_ptr<ArrayBufferUsage> usage)
      : cap_bytes_(cap_bytes), usage_(std::move(usage)) {}

  void* Allocate(std::size_t length) override {
    if (!reserve(length))
      return nullptr;
    void* data = std::calloc(length == 0 ? 1 : length, 1);
    if (data == nullptr)
      release(length);
    return data;
  }

  void* AllocateUninitialized(std::size_t length) override {
    if (!reserve(length))
      return nullptr;
    void* data = std::malloc(length == 0 ? 1 : length);
    if (data == nullptr)
      release(length);
    return data;
  }

  void Free(void* data, std::size_t length) override {
    std::free(data);
    release(length);
  }

 private:
  bool reserve(std::size_t length) {
    std::size_t before = usage_->bytes.fetch_add(length, std::memory_order_relaxed);
    if (length > cap_bytes_ || before > cap_bytes_ - length) {
      release(length);
      return false;
    }
    return true;
  }
  void release(std::size_t length) {
    usage_->bytes.fetch_sub(length, std::memory_order_relaxed);
  }

  const std::size_t cap_bytes_;
  std::shared_ptr<ArrayBufferUsage> usage_;
};

// Zero-copy view of immutable ASCII text owned by a shared object (the
// transaction). V8 calls Dispose() (default: delete this) when the string dies
// or the isolate is disposed, which drops the owner reference.
class ExternalAscii final : public v8::String::ExternalOneByteStringResource {
 public:
  ExternalAscii(std::string_view text, std::shared_ptr<const void> owner)
      : text_(text), owner_(std::move(owner)) {}
  const char* data() const override {
    return text_.data();
  }
  std::size_t length() const override {
    return text_.size();
  }
  const std::shared_ptr<const void>& owner() const {
    return owner_;
  }

 private:
  std::string_view text_;
  std::shared_ptr<const void> owner_;
};

}  // namespace

std::shared_ptr<v8::ArrayBuffer::Allocator> make_counting_allocator(
    std::size_t cap_bytes, std::shared_ptr<ArrayBufferUsage> usage) {
  return std::make_shared<CountingAllocator>(cap_bytes, std::move(usage));
}

v8::MaybeLocal<v8::String> new_external_ascii(v8::Isolate* isolate, std::string_view text,
                                              std::shared_ptr<const void> owner) {
  auto resource = std::make_unique<ExternalAscii>(text, std::move(owner));
  v8::Local<v8::String> result;
  if (!v8::String::NewExternalOneByte(isolate, resource.get()).ToLocal(&result)) {
    return {};  // too long: V8 did not take the resource, we free it
  }
  resource.release();  // owned by V8 from here on
  return result;
}

std::shared_ptr<const void> external_ascii_owner(v8::Local<v8::String> string) {
  if (!string->IsExternalOneByte())
    return nullptr;
  // Every external one-byte string in a Warden isolate is an ExternalAscii: the
  // engine makes no other kind, and plugins cannot make external strings.
  return static_cast<const ExternalAscii*>(string->GetExternalOneByteStringResource())->owner();
}

}  // namespace warden::runtime::detail
