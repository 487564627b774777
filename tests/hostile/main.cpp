// Catch2 main for the hostile-plugin tests (tests/hostile): they run
// build/bin/warden as a process, so nothing here initialises V8 or CAF.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
