// Test runner for the hostile-plugin tests (tests/hostile): they run
// build/bin/warden as a process, so nothing here initialises V8 or CAF.
#include "catch_session.hpp"

int main(int argc, char* argv[]) {
  return warden::test::run_catch_session(argc, argv);
}
