#include "bench/runners/child_process.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <signal.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

namespace warden::bench {
namespace {

bool read_exactly(int fd, char* into, std::size_t count) {
  while (count > 0) {
    const ssize_t got = ::read(fd, into, count);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      return false;
    into += got;
    count -= static_cast<std::size_t>(got);
  }
  return true;
}

// Peak resident set of a live process, from /proc; 0 when unknown.
uint64_t peak_rss_kib(pid_t pid) {
  std::ifstream status{"/proc/" + std::to_string(pid) + "/status"};
  std::string key;
  while (status >> key) {
    if (key == "VmHWM:") {
      uint64_t kib = 0;
      status >> kib;
      return kib;
    }
    status.ignore(1 << 16, '\n');
  }
  return 0;
}

}  // namespace

bool write_frame(int fd, std::string_view payload) {
  unsigned char header[4];
  const auto size = static_cast<uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i)
    header[i] = static_cast<unsigned char>(size >> (8 * i));
  iovec parts[2] = {{header, sizeof header}, {const_cast<char*>(payload.data()), payload.size()}};
  std::size_t left = sizeof header + payload.size();
  int first = 0;
  while (left > 0) {
    const ssize_t wrote = ::writev(fd, parts + first, 2 - first);
    if (wrote < 0 && errno == EINTR)
      continue;
    if (wrote <= 0)
      return false;
    left -= static_cast<std::size_t>(wrote);
    auto done = static_cast<std::size_t>(wrote);
    while (first < 2 && done >= parts[first].iov_len) {
      done -= parts[first].iov_len;
      ++first;
    }
    if (first < 2) {
      parts[first].iov_base = static_cast<char*>(parts[first].iov_base) + done;
      parts[first].iov_len -= done;
    }
  }
  return true;
}

std::optional<std::string> read_frame(int fd) {
  unsigned char header[4];
  if (!read_exactly(fd, reinterpret_cast<char*>(header), sizeof header))
    return std::nullopt;
  uint32_t size = 0;
  for (int i = 3; i >= 0; --i)
    size = (size << 8) | header[i];
  std::string payload(size, '\0');
  if (!read_exactly(fd, payload.data(), size))
    return std::nullopt;
  return payload;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv) {
  // O_CLOEXEC: no child inherits another child's pipes (EOF must mean "gone").
  int down[2];
  int up[2];
  if (::pipe2(down, O_CLOEXEC) != 0)
    throw std::runtime_error(std::strerror(errno));
  if (::pipe2(up, O_CLOEXEC) != 0) {
    ::close(down[0]);
    ::close(down[1]);
    throw std::runtime_error(std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, down[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, up[1], STDOUT_FILENO);
  std::vector<char*> args;
  for (const auto& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  // posix_spawn is fork + exec without copying this multi-threaded process.
  const int failed = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(down[0]);
  ::close(up[1]);
  to_child_ = down[1];
  from_child_ = up[0];
  if (failed != 0) {
    pid_ = -1;
    ::close(to_child_);
    ::close(from_child_);
    throw std::runtime_error(argv[0] + ": " + std::strerror(failed));
  }
}

ChildProcess::~ChildProcess() {
  kill_and_reap();
}

uint64_t ChildProcess::kill_and_reap() {
  if (pid_ < 0)
    return 0;
  const uint64_t peak = peak_rss_kib(pid_);
  ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  ::close(to_child_);
  ::close(from_child_);
  pid_ = -1;
  return peak;
}

}  // namespace warden::bench
