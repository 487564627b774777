// Catch2's implementation, compiled once per build tree and linked into every
// test binary, whose main() calls run_catch_session.
#define CATCH_CONFIG_RUNNER
#include "catch_session.hpp"

#include <catch2/catch.hpp>

namespace warden::test {

int run_catch_session(int argc, char* argv[]) {
  return Catch::Session().run(argc, argv);
}

}  // namespace warden::test
