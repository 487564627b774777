// The actor layer's log lines: to the host's logger when it passes one, to
// stderr otherwise, and never to stdout (where a host may write its output).
#include "warden/logger.hpp"

#include <cstdio>
#include <fcntl.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sstream>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/actors/actors_test_support.hpp"
#include "warden/warden.hpp"

using namespace warden;
using namespace warden::actors;
using namespace warden::test;

namespace {

// Points descriptor `fd` at `path` until finish(), which restores it and
// returns what was written there.
class FdCapture {
 public:
  FdCapture(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {
    std::fflush(nullptr);
    saved_ = ::dup(fd_);
    const int file = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(file, fd_);
    ::close(file);
  }
  ~FdCapture() {
    finish();
  }
  std::string finish() {
    if (saved_ >= 0) {
      std::fflush(nullptr);
      ::dup2(saved_, fd_);
      ::close(saved_);
      saved_ = -1;
    }
    return read_text(path_);
  }

 private:
  static std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  int fd_;
  std::filesystem::path path_;
  int saved_ = -1;
};

// Starts Warden with one good and one broken plugin (a logged load error)
// and shuts it down.
void start_with_a_broken_plugin(TempDir& dir, std::shared_ptr<spdlog::logger> host_logger) {
  WardenConfig config;
  config.plugins = {{dir.write("good.js", header_plugin("good"))},
                    {dir.write("broken.js", "export default { id: 'broken' };")}};
  config.logger = std::move(host_logger);
  TestConfig caf_config;
  caf::actor_system system{caf_config};
  auto warden = Warden::start(system, config);
  REQUIRE(warden.ok());
  (*warden)->shutdown();
}

}  // namespace

TEST_CASE("Warden's log lines go to the logger the host passes, and nothing to stdout",
          "[actors]") {
  TempDir dir;
  std::ostringstream lines;
  auto host_logger = std::make_shared<spdlog::logger>(
      "host", std::make_shared<spdlog::sinks::ostream_sink_mt>(lines));
  FdCapture out(STDOUT_FILENO, dir.path() / "stdout.txt");
  start_with_a_broken_plugin(dir, host_logger);
  const std::string written = out.finish();
  set_logger(nullptr);
  CHECK(written.empty());
  CHECK_THAT(lines.str(), Catch::Contains("plugin not loaded") && Catch::Contains("broken.js"));
}

TEST_CASE("without a logger from the host, Warden's log lines go to stderr and never to stdout",
          "[actors]") {
  set_logger(nullptr);
  REQUIRE(spdlog::get("warden") == nullptr);  // the default, not a registered one
  TempDir dir;
  FdCapture out(STDOUT_FILENO, dir.path() / "stdout.txt");
  FdCapture err(STDERR_FILENO, dir.path() / "stderr.txt");
  start_with_a_broken_plugin(dir, nullptr);
  const std::string errors = err.finish();
  const std::string written = out.finish();
  CHECK(written.empty());
  CHECK_THAT(errors, Catch::Contains("plugin not loaded") && Catch::Contains("broken.js"));
}
