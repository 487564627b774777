// Starting warden-worker's fork server and talking to it: launch, kill, and
// the reader thread that delivers launch answers and children's exit status.
#include "runtime/detail/fork_server_link.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/detail/process_io.hpp"

extern char** environ;

namespace warden::runtime::detail {
namespace {

using namespace std::chrono_literals;

// The descriptor the fork server finds its control socket on.
constexpr int kControlFd = 3;
// How long a launch may wait for the server's answer (a fork, not a load).
constexpr auto kLaunchAnswerWithin = 10s;

Error spawn_error(const std::string& executable, const std::string& why) {
  return Error{ErrorCode::crashed,
               "cannot start the worker fork server " + executable + ": " + why};
}

}  // namespace

Result<std::shared_ptr<ForkServerLink>> ForkServerLink::start(const std::string& executable) {
  if (::access(executable.c_str(), X_OK) != 0)
    return spawn_error(executable, std::strerror(errno));
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
    return spawn_error(executable, std::string("socketpair: ") + std::strerror(errno));
  // dup2 onto the same number would leave close-on-exec set: move it off 3 first.
  if (pair[1] == kControlFd) {
    const int moved = ::fcntl(pair[1], F_DUPFD_CLOEXEC, kControlFd + 1);
    ::close(pair[1]);
    pair[1] = moved;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pair[1], kControlFd);
  // A clean signal state: the host may block or ignore signals for its own use.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigset_t all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  // Its own process group: a Ctrl-C at the terminal is the host's to handle
  // (it may still want answers from its children), not a kill of every child.
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  std::string program = executable;
  std::string flag = "--fork-server";
  char* argv[] = {program.data(), flag.data(), nullptr};
  pid_t pid = 0;
  const int failed = ::posix_spawn(&pid, executable.c_str(), &actions, &attributes, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(pair[1]);
  if (failed != 0) {
    ::close(pair[0]);
    return spawn_error(executable, std::strerror(failed));
  }
  return std::shared_ptr<ForkServerLink>(new ForkServerLink(pid, pair[0]));
}

ForkServerLink::ForkServerLink(pid_t server_pid, int control)
    : server_pid_(server_pid), control_(control), reader_([this] { read_loop(); }) {}

ForkServerLink::~ForkServerLink() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ::shutdown(control_, SHUT_RDWR);  // the server sees end of file, kills its children, exits
  reader_.join();
  ::close(control_);
  // Bounded: the server exits within milliseconds; past a second it is killed
  // (it is not reaped before, so its pid cannot be someone else's).
  int status = 0;
  const auto give_up = std::chrono::steady_clock::now() + 1s;
  while (::waitpid(server_pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= give_up) {
      ::kill(server_pid_, SIGKILL);
      ::waitpid(server_pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(2ms);
  }
}

bool ForkServerLink::alive() const {
  std::lock_guard lock(mutex_);
  return alive_;
}

Result<ForkServerLink::Child> ForkServerLink::launch(wire::LaunchRequest request, int channel,
                                                     int stderr_fd) {
  std::lock_guard launching(launch_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (!alive_)
      return Error{ErrorCode::crashed, "the worker fork server is gone"};
    reply_.reset();
    request.sequence = ++sequence_;
  }
  if (!send_datagram(control_, wire::encode_launch(request), {channel, stderr_fd})) {
    std::lock_guard lock(mutex_);
    alive_ = false;  // the reader thread may not have seen the end of file yet
    return Error{ErrorCode::crashed, "the worker fork server does not take requests"};
  }
  std::unique_lock lock(mutex_);
  if (!reply_changed_.wait_for(lock, kLaunchAnswerWithin, [&] { return reply_.has_value(); }))
    return Error{ErrorCode::crashed, "the worker fork server did not answer a launch in 10 s"};
  Result<Child> answer = std::move(*reply_);
  reply_.reset();
  return answer;
}

void ForkServerLink::kill(const Child& child, const std::string& reason) {
  {
    std::lock_guard slot_lock(child.exit->mutex);
    if (child.exit->status || child.exit->kill_requested)
      return;
    child.exit->kill_requested = true;
    child.exit->kill_reason = reason;
  }
  send_datagram(control_, wire::encode_pid(wire::Type::kill, child.pid));
}

void ForkServerLink::read_loop() {
  std::string data;
  std::vector<int> fds;
  while (receive_datagram(control_, data, fds)) {
    for (int& fd : fds)
      close_fd(fd);  // the server sends none; a stray one must not leak
    auto frame = wire::parse_datagram(data, 4096);
    if (!frame)
      break;  // a server that speaks nonsense is treated as gone
    std::lock_guard lock(mutex_);
    if (frame->type == wire::Type::launched) {
      auto launched = wire::decode_launched(frame->payload);
      if (!launched)
        break;
      auto slot = std::make_shared<ExitSlot>();
      children_[launched->pid] = slot;
      if (launched->sequence != sequence_) {
        // Its launch gave up waiting; nobody will use this child.
        slot->kill_requested = true;
        send_datagram(control_, wire::encode_pid(wire::Type::kill, launched->pid));
        continue;
      }
      reply_ = Result<Child>(Child{launched->pid, slot});
      reply_changed_.notify_all();
    } else if (frame->type == wire::Type::launch_failed) {
      auto failed = wire::decode_launch_failed(frame->payload);
      if (!failed)
        break;
      if (failed->sequence != sequence_ && failed->sequence != 0)
        continue;  // the answer to a launch that gave up waiting
      reply_ = Result<Child>(
          Error{ErrorCode::crashed, "the worker fork server cannot launch: " + failed->why});
      reply_changed_.notify_all();
    } else if (frame->type == wire::Type::exited) {
      auto exited = wire::decode_exited(frame->payload);
      if (!exited)
        break;
      auto found = children_.find(exited->pid);
      if (found == children_.end())
        continue;
      {
        std::lock_guard slot_lock(found->second->mutex);
        found->second->status = exited->status;
      }
      found->second->changed.notify_all();
      children_.erase(found);
    } else {
      break;
    }
  }
  lose_server();
}

void ForkServerLink::lose_server() {
  std::lock_guard lock(mutex_);
  alive_ = false;
  if (!reply_) {
    reply_ = Result<Child>(Error{ErrorCode::crashed, "the worker fork server is gone"});
    reply_changed_.notify_all();
  }
  // Its children die with it (parent-death signal); their status is lost.
  for (auto& [pid, slot] : children_) {
    {
      std::lock_guard slot_lock(slot->mutex);
      slot->server_lost = true;
      if (stopping_ && !slot->kill_requested) {
        slot->kill_requested = true;
        slot->kill_reason = "the process launcher stopped";
      }
    }
    slot->changed.notify_all();
  }
  children_.clear();
}

}  // namespace warden::runtime::detail
