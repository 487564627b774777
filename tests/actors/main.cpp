// Test runner for the actor layer: V8 is initialised once for the process,
// before any test starts an actor system (so it is disposed after the last).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "warden/v8_platform.hpp"

int main(int argc, char* argv[]) {
  warden::runtime::V8Platform v8;
  return Catch::Session().run(argc, argv);
}
