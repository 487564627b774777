#pragma once
// A child process of the limit runner (--process-per-plugin): this binary again,
// spawned with its stdin and stdout on pipes, talking in frames (4-byte
// little-endian length + payload, see wire_format.hpp). Owns the child: the
// destructor kills and reaps it. Used from one thread at a time.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace warden::bench {

// Frame I/O on a file descriptor, for both ends. False / nullopt when the
// other end is gone.
bool write_frame(int fd, std::string_view payload);
std::optional<std::string> read_frame(int fd);

class ChildProcess {
 public:
  // Spawns argv (argv[0] is the executable's path); throws std::runtime_error.
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool send(std::string_view payload) {
    return write_frame(to_child_, payload);
  }
  std::optional<std::string> receive() {
    return read_frame(from_child_);
  }

  // SIGKILL, then waitpid (so getrusage(RUSAGE_CHILDREN) counts it). Returns
  // the child's peak RSS in KiB (VmHWM), read just before. Idempotent.
  uint64_t kill_and_reap();

 private:
  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
};

}  // namespace warden::bench
