// warden-worker: the executable behind process isolation. Started by
// ProcessLauncher as `warden-worker --fork-server` with its control socket on
// descriptor 3; `--probe-confinement [BYTES]` is a hidden self-test mode.
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "apps/warden-worker/fork_server.hpp"
#include "apps/warden-worker/probe.hpp"

namespace {

constexpr int kControlFd = 3;

}  // namespace

int main(int argc, char* argv[]) {
  const std::string_view mode = argc > 1 ? argv[1] : "";
  if (mode == "--fork-server" && argc == 2)
    return warden::worker::run_fork_server(kControlFd);
  if (mode == "--probe-confinement") {
    const std::size_t limit = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : SIZE_MAX;
    // _Exit: under the filter, exit-time work (a leak checker stopping the
    // world with ptrace) would be denied and turn a good report into a failure.
    std::_Exit(warden::worker::run_probe(limit));
  }
  std::fprintf(stderr,
               "warden-worker is started by warden for --isolation process; "
               "it is not meant to be run by hand\n");
  return 2;
}
