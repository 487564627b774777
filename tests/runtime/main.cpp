// Test runner for the runtime layer: V8 is initialised once for the process,
// before any test builds an Engine, and disposed after the last.
#include "catch_session.hpp"
#include "tests/runtime/child_mode.hpp"
#include "warden/v8_platform.hpp"

int main(int argc, char* argv[]) {
  if (std::optional<int> code = warden::test::run_child_mode_before_v8(argc, argv))
    return *code;
  warden::runtime::V8Platform v8;
  if (std::optional<int> code = warden::test::run_child_mode(argc, argv))
    return *code;
  return warden::test::run_catch_session(argc, argv);
}
