// `warden-worker --probe-confinement`: applies a child's confinement to
// itself and reports, on stdout, what it kept and what it was denied.
#include "apps/warden-worker/probe.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apps/warden-worker/confinement.hpp"

namespace warden::worker {
namespace {

// One line on the channel with write() alone (dprintf would fstat, denied).
void say(const std::string& line) {
  const std::string text = line + "\n";
  if (::write(kChannelFd, text.data(), text.size()) < 0)
    std::_Exit(1);
}

void report(const char* what, bool succeeded, int error) {
  say(std::string(what) +
      (succeeded ? ": allowed" : ": denied (" + std::string(std::strerror(error)) + ")"));
}

std::string open_descriptors() {
  std::string list;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr)
    return "unknown";
  const int own = ::dirfd(dir);
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.' || std::atoi(entry->d_name) == own)
      continue;
    if (!list.empty())
      list.push_back(' ');
    list.append(entry->d_name);
  }
  ::closedir(dir);
  return list;
}

}  // namespace

int run_probe(std::size_t address_space_limit_bytes) {
  std::string why;
  // stdout is the probe's channel: the report goes where a child's answers go.
  if (!keep_only_channel(::dup(1), 2, why) ||
      !limit_address_space(address_space_limit_bytes, why)) {
    std::fprintf(stderr, "probe: %s\n", why.c_str());
    return 1;
  }
  say("descriptors: " + open_descriptors());
  say("threads: " + std::to_string(thread_count()));
  rlimit limit{};
  ::getrlimit(RLIMIT_AS, &limit);
  say("address space limit: " +
      (limit.rlim_cur == RLIM_INFINITY ? std::string("none") : std::to_string(limit.rlim_cur)));
  const pid_t parent = ::getppid();
  if (!apply_syscall_filter(why)) {
    say("seccomp: not applied (" + why + ")");
    return 1;
  }
  say("seccomp: applied");

  int fd = ::open("/etc/hostname", O_RDONLY);
  report("open", fd >= 0, errno);
  fd = ::openat(AT_FDCWD, "/etc/hostname", O_RDONLY);
  report("openat", fd >= 0, errno);
  fd = ::socket(AF_INET, SOCK_STREAM, 0);
  report("socket", fd >= 0, errno);
  int pair[2];
  report("socketpair", ::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0, errno);
  const pid_t pid = ::fork();
  if (pid == 0)
    ::_exit(0);
  report("fork", pid > 0, errno);
  char* const argv[] = {const_cast<char*>("/bin/true"), nullptr};
  const int exec = ::execve("/bin/true", argv, nullptr);  // returns only when denied
  report("execve", exec == 0, errno);
  report("kill", ::kill(parent, 0) == 0, errno);  // another process
  report("ptrace", ::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr) == 0, errno);
  // Memory beyond the address-space limit (when there is one).
  if (limit.rlim_cur != RLIM_INFINITY) {
    void* block = std::malloc(static_cast<std::size_t>(limit.rlim_cur));
    report("malloc beyond the address space limit", block != nullptr, errno);
    std::free(block);
  }
  return 0;
}

}  // namespace warden::worker
