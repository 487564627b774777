#pragma once
// The host's end of warden-worker's fork server: starts it with posix_spawn,
// asks it to fork children and to kill them, and collects the exit status it
// reports for each child it reaps. Private to runtime/ (worker processes).
//
// Threads: launch() and kill() may be called from any thread; one reader
// thread receives the server's answers and exit reports. Killing goes through
// the server, which has not reaped the child yet, so a kill can never hit a
// recycled pid.

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <sys/types.h>
#include <thread>

#include "runtime/detail/process_wire.hpp"
#include "warden/result.hpp"

namespace warden::runtime::detail {

// How one child ended, filled in by the reader thread.
struct ExitSlot {
  std::mutex mutex;
  std::condition_variable changed;
  std::optional<int> status;  // as waitpid() reports it
  bool server_lost = false;   // the fork server died first: no status will come
  bool kill_requested = false;
  std::string kill_reason;  // why the host killed it
};

class ForkServerLink {
 public:
  // Spawns `executable` --fork-server; an error names it and why.
  static Result<std::shared_ptr<ForkServerLink>> start(const std::string& executable);
  ~ForkServerLink();  // closes the control socket; the server kills its children and exits
  ForkServerLink(const ForkServerLink&) = delete;
  ForkServerLink& operator=(const ForkServerLink&) = delete;

  struct Child {
    pid_t pid = 0;
    std::shared_ptr<ExitSlot> exit;
  };
  // Forks a child that keeps `channel` and `stderr_fd` (the child's ends).
  Result<Child> launch(wire::LaunchRequest request, int channel, int stderr_fd);
  // SIGKILL through the server; records `reason` for ProcessExit::detail.
  void kill(const Child& child, const std::string& reason);
  bool alive() const;
  pid_t server_pid() const {
    return server_pid_;
  }

 private:
  ForkServerLink(pid_t server_pid, int control);
  void read_loop();
  void lose_server();

  pid_t server_pid_;
  int control_;
  mutable std::mutex mutex_;
  std::condition_variable reply_changed_;
  std::mutex launch_mutex_;  // one launch at a time: replies come in order
  std::optional<Result<Child>> reply_;
  uint64_t sequence_ = 0;  // of the launch waiting for reply_
  std::map<pid_t, std::shared_ptr<ExitSlot>> children_;
  bool alive_ = true;
  bool stopping_ = false;  // the destructor runs: children die by the host's will
  std::thread reader_;     // last: starts once every other member is initialised
};

}  // namespace warden::runtime::detail
