// An isolate lives and dies on one thread (docs/design.md, "Guarantees", 2).
// Destroying an Engine on another thread is a host programming error that the
// engine catches in every build: it names both threads on stderr and aborts.
// Death test: the test binary re-runs itself as a child that does exactly
// that (forking the multi-threaded test runner after V8 started is unsafe).
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <regex>
#include <signal.h>
#include <spawn.h>
#include <sstream>
#include <string>
#include <string_view>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/runtime/child_mode.hpp"
#include "tests/runtime/engine_test_support.hpp"
#include "warden/engine.hpp"

extern char** environ;

namespace warden::test {
namespace {

int destroy_engine_on_other_thread() {
  ::prctl(PR_SET_DUMPABLE, 0);  // the abort is expected: no core file
  auto loaded = load_code("export default { id: 'wrong-thread', scan() { return []; } };",
                          small_options(), "wrong-thread.js");
  if (!loaded.ok()) {
    std::cerr << "child: load failed: " << loaded.error().describe() << "\n";
    return 3;
  }
  std::optional<Engine> engine(std::move(loaded).value());
  std::cout << "created on " << std::this_thread::get_id() << std::endl;
  std::thread other([&engine] {
    std::cout << "destroying on " << std::this_thread::get_id() << std::endl;
    engine.reset();
  });
  other.join();
  return 0;  // only when the engine failed to abort
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct ChildResult {
  int status = 0;
  std::string out;
  std::string err;
};

// Runs this binary with `flag`, stdout and stderr into files, and waits.
ChildResult run_self(const char* flag) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path();
  const std::string stem = "warden-child-" + std::to_string(::getpid());
  const fs::path out_path = dir / (stem + ".out");
  const fs::path err_path = dir / (stem + ".err");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::string self = "/proc/self/exe";
  std::string arg = flag;
  char* argv[] = {self.data(), arg.data(), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, self.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(spawned == 0);
  ChildResult result;
  REQUIRE(::waitpid(pid, &result.status, 0) == pid);
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  fs::remove(out_path);
  fs::remove(err_path);
  return result;
}

}  // namespace

// Prints what Engine::load answered without a platform; 0 when it answered
// an error (the process reaching here at all means it did not crash).
int load_without_platform() {
  auto source = std::make_shared<const warden::runtime::PluginSource>(
      "no-platform.js", "export default { id: 'no-platform', scan() { return []; } };");
  auto engine = warden::runtime::Engine::load(source, {});
  std::cout << (engine.ok() ? std::string("loaded") : engine.error().describe()) << std::endl;
  return engine.ok() ? 1 : 0;
}

std::optional<int> run_child_mode_before_v8(int argc, char* argv[]) {
  if (argc == 2 && std::string_view(argv[1]) == kLoadWithoutPlatform)
    return load_without_platform();
  return std::nullopt;
}

std::optional<int> run_child_mode(int argc, char* argv[]) {
  if (argc == 2 && std::string_view(argv[1]) == kDestroyEngineOnOtherThread)
    return destroy_engine_on_other_thread();
  return std::nullopt;
}

}  // namespace warden::test

using namespace warden::test;

TEST_CASE("an engine destroyed on another thread aborts the process and names both threads",
          "[runtime]") {
  ChildResult child = run_self(kDestroyEngineOnOtherThread);
  INFO("child stdout:\n" << child.out << "child stderr:\n" << child.err);
  REQUIRE(WIFSIGNALED(child.status));
  CHECK(WTERMSIG(child.status) == SIGABRT);

  std::smatch created, destroying;
  REQUIRE(std::regex_search(child.out, created, std::regex("created on (\\S+)")));
  REQUIRE(std::regex_search(child.out, destroying, std::regex("destroying on (\\S+)")));
  CHECK(created[1] != destroying[1]);
  CHECK_THAT(child.err, Catch::Contains("the engine of plugin 'wrong-thread' (wrong-thread.js)"));
  CHECK_THAT(child.err,
             Catch::Contains("was created on thread " + created[1].str() +
                             " and is being destroyed on thread " + destroying[1].str()));
}

TEST_CASE("loading an engine without a V8Platform is an error naming the fix, not a crash",
          "[runtime]") {
  ChildResult child = run_self(kLoadWithoutPlatform);
  INFO("child stdout:\n" << child.out << "child stderr:\n" << child.err);
  REQUIRE(WIFEXITED(child.status));
  CHECK(WEXITSTATUS(child.status) == 0);
  CHECK_THAT(child.out, Catch::Contains("no V8Platform is alive in this process") &&
                            Catch::Contains("construct one warden::runtime::V8Platform"));
}
