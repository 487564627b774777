// The child's confinement: descriptors closed, address space limited, seccomp.
#include "apps/warden-worker/confinement.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <seccomp.h>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

#include "runtime/detail/syscall_policy.hpp"

namespace warden::worker {
namespace {

// Above any descriptor the child keeps, so moving never overwrites the other end.
constexpr int kParkFd = 64;

std::string errno_text(const char* what, int error) {
  return std::string(what) + ": " + std::strerror(error);
}

}  // namespace

bool keep_only_channel(int channel, int stderr_fd, std::string& why) {
  const int parked_channel = ::fcntl(channel, F_DUPFD, kParkFd);
  const int parked_stderr = ::fcntl(stderr_fd, F_DUPFD, kParkFd);
  if (parked_channel < 0 || parked_stderr < 0) {
    why = errno_text("fcntl(F_DUPFD)", errno);
    return false;
  }
  if (::dup2(parked_channel, kChannelFd) < 0 || ::dup2(parked_stderr, kStderrFd) < 0) {
    why = errno_text("dup2", errno);
    return false;
  }
  ::close(0);
  ::close(1);
  // Everything above the channel, the parked copies and whatever the fork
  // server (or whoever started it) left open included.
  if (::close_range(kChannelFd + 1, ~0U, 0) != 0) {
    why = errno_text("close_range", errno);
    return false;
  }
  return true;
}

bool limit_address_space(std::size_t bytes, std::string& why) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  bytes = SIZE_MAX;  // the sanitizer's shadow memory already exceeds any sane limit
#endif
  if (bytes == SIZE_MAX)
    return true;
  const rlimit limit{bytes, bytes};
  if (::setrlimit(RLIMIT_AS, &limit) != 0) {
    why = errno_text("setrlimit(RLIMIT_AS)", errno);
    return false;
  }
  return true;
}

bool apply_syscall_filter(std::string& why) {
  using runtime::detail::SyscallRule;
  // Unlisted calls fail with EPERM rather than killing: V8 and glibc treat a
  // failed call as an error they report (a scan error, or a V8 fatal error
  // that ends the child as crashed), and the probe can show what was denied.
  scmp_filter_ctx filter = seccomp_init(SCMP_ACT_ERRNO(EPERM));
  if (filter == nullptr) {
    why = "seccomp_init failed";
    return false;
  }
  const auto self = static_cast<scmp_datum_t>(::getpid());
  for (const auto& allowed : runtime::detail::kAllowedSyscalls) {
    const std::string name(allowed.name);
    const int number = seccomp_syscall_resolve_name(name.c_str());
    if (number == __NR_SCMP_ERROR)
      continue;  // not a system call on this architecture
    const int added =
        allowed.rule == SyscallRule::own_pid_first
            ? seccomp_rule_add(filter, SCMP_ACT_ALLOW, number, 1, SCMP_A0(SCMP_CMP_EQ, self))
            : seccomp_rule_add(filter, SCMP_ACT_ALLOW, number, 0);
    if (added != 0) {
      why = "seccomp_rule_add(" + name + "): " + std::strerror(-added);
      seccomp_release(filter);
      return false;
    }
  }
  const int loaded = seccomp_load(filter);
  seccomp_release(filter);
  if (loaded != 0) {
    why = "seccomp_load: " + std::string(std::strerror(-loaded));
    return false;
  }
  return true;
}

int thread_count() {
  DIR* dir = ::opendir("/proc/self/task");
  if (dir == nullptr)
    return -1;
  int count = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.')
      ++count;
  }
  ::closedir(dir);
  return count;
}

}  // namespace warden::worker
