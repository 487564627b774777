// The process-wide V8 set-up: version check, platform, initialise and dispose.
#include "warden/v8_platform.hpp"

#include <atomic>
#include <cstdlib>
#include <stdexcept>

#include <libplatform/libplatform.h>
#include <v8.h>

#include "runtime/detail/platform.hpp"

namespace warden::runtime {
namespace {

// V8 cannot be initialised twice in one process (not even after Dispose).
std::atomic<bool> g_initialised{false};
std::atomic<v8::Platform*> g_platform{nullptr};

// The version the headers we compiled against describe.
std::string header_version() {
  return std::to_string(V8_MAJOR_VERSION) + "." + std::to_string(V8_MINOR_VERSION) + "." +
         std::to_string(V8_BUILD_NUMBER) + "." + std::to_string(V8_PATCH_LEVEL);
}

}  // namespace

struct V8Platform::Impl {
  std::unique_ptr<v8::Platform> platform;
};

V8Platform::V8Platform(Threads threads) : impl_(std::make_unique<Impl>()) {
  // A header/library mismatch corrupts memory silently; refuse to start instead.
  const std::string linked = version();
  if (linked.rfind(header_version(), 0) != 0) {
    throw std::runtime_error("V8 mismatch: compiled against V8 " + header_version() +
                             " headers but linked V8 " + linked);
  }
  if (g_initialised.exchange(true)) {
    throw std::runtime_error("V8 is already initialised in this process");
  }
  // Every isolate deserializes V8's built-in snapshot; checking its checksum
  // each time was 16% of loading a plugin (callgrind). The snapshot is part of
  // the library, not input, and code caches are made in this process.
  v8::V8::SetFlagsFromString("--no-verify-snapshot-checksum");
  // For diagnosis (e.g. "--trace-opt --trace-deopt"): whoever starts the host
  // may set V8 flags, as NODE_OPTIONS allows for Node.js.
  if (const char* flags = std::getenv("WARDEN_V8_FLAGS"))
    v8::V8::SetFlagsFromString(flags);
  if (threads == Threads::none) {
    // The platform without a thread pool must be paired with this flag, or V8
    // still posts concurrent work (GC, compilation) it expects threads to run.
    v8::V8::SetFlagsFromString("--single-threaded");
    impl_->platform = v8::platform::NewSingleThreadedDefaultPlatform();
  } else {
    impl_->platform = v8::platform::NewDefaultPlatform();
  }
  v8::V8::InitializePlatform(impl_->platform.get());
  v8::V8::Initialize();
  g_platform = impl_->platform.get();
}

V8Platform::~V8Platform() {
  g_platform = nullptr;
  v8::V8::Dispose();
  v8::V8::DisposePlatform();
}

namespace detail {
v8::Platform* current_platform() {
  return g_platform.load();
}
}  // namespace detail

bool V8Platform::alive() {
  return g_platform.load() != nullptr;
}

std::string V8Platform::missing_message() {
  return "no V8Platform is alive in this process: construct one warden::runtime::V8Platform "
         "(first in main, before the caf::actor_system) and keep it until the last engine is "
         "gone";
}

std::string V8Platform::version() {
  return v8::V8::GetVersion();
}

}  // namespace warden::runtime
