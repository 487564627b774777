// The fork server loop: launch requests fork children (only while the
// process has one thread), kill requests reach only unreaped children, and
// SIGCHLD (through a signalfd) turns into exit reports for the host.
#include "apps/warden-worker/fork_server.hpp"

#include <array>
#include <poll.h>
#include <set>
#include <signal.h>
#include <string>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "apps/warden-worker/child.hpp"
#include "apps/warden-worker/confinement.hpp"
#include "runtime/detail/process_io.hpp"
#include "warden/v8_platform.hpp"

namespace warden::worker {
namespace {

namespace wire = runtime::detail::wire;
using runtime::detail::send_datagram;

struct Server {
  int control;
  int child_signals;
  std::set<pid_t> children;  // forked and not reaped: only these may be killed

  void reap() {
    signalfd_siginfo info;
    while (::read(child_signals, &info, sizeof info) == sizeof info) {
    }
    int status = 0;
    pid_t pid = 0;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
      children.erase(pid);
      send_datagram(control, wire::encode_exited({pid, status}));
    }
  }

  void launch(const wire::Frame& frame, std::vector<int>& fds) {
    auto request = wire::decode_launch(frame.payload);
    if (!request || fds.size() != 2) {
      send_datagram(control, wire::encode_launch_failed({0, "malformed launch request"}));
      return;
    }
    // fork() copies only the calling thread: with another thread alive (one
    // V8 would have started), its locks could be held forever in the child.
    if (const int threads = thread_count(); threads != 1) {
      const std::string why =
          "the fork server has " + std::to_string(threads) + " threads; it forks only with one";
      send_datagram(control, wire::encode_launch_failed({request->sequence, why}));
      return;
    }
    const pid_t server = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0)
      run_child(fds[0], fds[1], server, *request);  // never returns
    if (pid < 0) {
      send_datagram(control, wire::encode_launch_failed({request->sequence, "fork failed"}));
      return;
    }
    children.insert(pid);
    send_datagram(control, wire::encode_launched({request->sequence, pid}));
  }

  void kill(const wire::Frame& frame) {
    auto pid = wire::decode_pid(frame.payload);
    if (pid && children.count(*pid) != 0)
      ::kill(*pid, SIGKILL);
  }

  void stop() {
    for (pid_t pid : children)
      ::kill(pid, SIGKILL);
    for (pid_t pid : children)
      ::waitpid(pid, nullptr, 0);
    children.clear();
  }
};

}  // namespace

int run_fork_server(int control) {
  // No parent-death signal here: it would fire when the host THREAD that
  // spawned the server ends. The host's death closes the control socket
  // instead, and the loop below then kills the children and returns.
  runtime::V8Platform v8(runtime::V8Platform::Threads::none);
  sigset_t child_signal;
  sigemptyset(&child_signal);
  sigaddset(&child_signal, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &child_signal, nullptr);
  Server server{control, ::signalfd(-1, &child_signal, SFD_CLOEXEC | SFD_NONBLOCK), {}};
  std::string data;
  std::vector<int> fds;
  for (;;) {
    std::array<pollfd, 2> ready{pollfd{control, POLLIN, 0},
                                pollfd{server.child_signals, POLLIN, 0}};
    if (::poll(ready.data(), ready.size(), -1) < 0)
      continue;
    if (ready[1].revents & POLLIN)
      server.reap();
    if (!(ready[0].revents & (POLLIN | POLLHUP | POLLERR)))
      continue;
    if (!runtime::detail::receive_datagram(control, data, fds))
      break;  // the host closed the control socket
    auto frame = wire::parse_datagram(data, 4096);
    if (frame && frame->type == wire::Type::launch)
      server.launch(*frame, fds);
    else if (frame && frame->type == wire::Type::kill)
      server.kill(*frame);
    for (int& fd : fds)
      runtime::detail::close_fd(fd);
  }
  server.stop();
  return 0;
}

}  // namespace warden::worker
