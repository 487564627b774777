// Test runner for the actor layer: V8 is initialised once for the process,
// before any test starts an actor system (so it is disposed after the last).
#include "catch_session.hpp"
#include "warden/v8_platform.hpp"

int main(int argc, char* argv[]) {
  warden::runtime::V8Platform v8;
  return warden::test::run_catch_session(argc, argv);
}
