#pragma once
// Child modes of the runtime test binary: death tests re-run the binary with a
// flag so the process that is expected to abort is not the test runner.

#include <optional>

namespace warden::test {

// Destroys an Engine on a thread other than the one that created it.
inline constexpr const char* kDestroyEngineOnOtherThread =
    "--warden-child=destroy-engine-elsewhere";

// Loads an engine before any V8Platform exists (run before main builds one).
inline constexpr const char* kLoadWithoutPlatform = "--warden-child=load-without-platform";

// The exit code of the child mode `argv` asks for when it must run before V8
// is initialised, or nullopt.
std::optional<int> run_child_mode_before_v8(int argc, char* argv[]);

// The exit code of the child mode `argv` asks for, or nullopt when it asks for
// none (then the tests run). V8 must be initialised.
std::optional<int> run_child_mode(int argc, char* argv[]);

}  // namespace warden::test
