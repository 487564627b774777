#pragma once
// The one entry into Catch2 for every test binary's main(): Catch2's
// implementation is compiled once per build tree (tests/catch_session.cpp).

namespace warden::test {

// Runs the test cases that argv selects, as Catch::Session().run does.
int run_catch_session(int argc, char* argv[]);

}  // namespace warden::test
