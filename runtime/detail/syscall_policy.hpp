#pragma once
// The seccomp policy of a worker-process child, as data: the system calls a
// loaded engine needs to serve scans (everything else fails with EPERM), and
// the ones the docs and the confinement probe name as denied. Plain names, no
// libseccomp: warden-worker resolves them, ProcessLauncher describes them.

#include <array>
#include <string_view>

namespace warden::runtime::detail {

enum class SyscallRule : unsigned char {
  allow,          // any arguments
  own_pid_first,  // only when the first argument is the child's own pid (raise, abort)
};

struct AllowedSyscall {
  std::string_view name;
  SyscallRule rule;
};

// Measured with strace -f over the worker-process tests (bundled plugins over
// the demo HAR, timeouts, a V8 fatal error, a killed child): after the filter
// a child called only brk, futex, getpid, madvise, mmap, mprotect, munmap,
// recvfrom, sendto, write and exit_group. The rest are what glibc and V8 use
// on paths those runs did not take (abort's signals, clock reads, timed waits).
inline constexpr std::array kAllowedSyscalls = {
    // the channel, stderr, and the watchdog's condition variable
    AllowedSyscall{"read", SyscallRule::allow},
    AllowedSyscall{"write", SyscallRule::allow},
    AllowedSyscall{"writev", SyscallRule::allow},
    AllowedSyscall{"recvfrom", SyscallRule::allow},
    AllowedSyscall{"sendto", SyscallRule::allow},
    AllowedSyscall{"poll", SyscallRule::allow},
    AllowedSyscall{"close", SyscallRule::allow},
    AllowedSyscall{"futex", SyscallRule::allow},
    // memory: the V8 heap, malloc, code space permissions
    AllowedSyscall{"mmap", SyscallRule::allow},
    AllowedSyscall{"munmap", SyscallRule::allow},
    AllowedSyscall{"mprotect", SyscallRule::allow},
    AllowedSyscall{"madvise", SyscallRule::allow},
    AllowedSyscall{"mremap", SyscallRule::allow},
    AllowedSyscall{"brk", SyscallRule::allow},
    // time and identity
    AllowedSyscall{"clock_gettime", SyscallRule::allow},
    AllowedSyscall{"clock_getres", SyscallRule::allow},
    AllowedSyscall{"clock_nanosleep", SyscallRule::allow},
    AllowedSyscall{"nanosleep", SyscallRule::allow},
    AllowedSyscall{"gettimeofday", SyscallRule::allow},
    AllowedSyscall{"getpid", SyscallRule::allow},
    AllowedSyscall{"gettid", SyscallRule::allow},
    AllowedSyscall{"getrusage", SyscallRule::allow},
    AllowedSyscall{"sched_yield", SyscallRule::allow},
    AllowedSyscall{"getrandom", SyscallRule::allow},
    // signals: V8's fatal-error path raises SIGABRT/SIGTRAP on itself
    AllowedSyscall{"rt_sigaction", SyscallRule::allow},
    AllowedSyscall{"rt_sigprocmask", SyscallRule::allow},
    AllowedSyscall{"rt_sigreturn", SyscallRule::allow},
    AllowedSyscall{"sigaltstack", SyscallRule::allow},
    AllowedSyscall{"restart_syscall", SyscallRule::allow},
    AllowedSyscall{"tgkill", SyscallRule::own_pid_first},
    AllowedSyscall{"kill", SyscallRule::own_pid_first},
    AllowedSyscall{"exit", SyscallRule::allow},
    AllowedSyscall{"exit_group", SyscallRule::allow},
};

// What a scan never needs and an attacker would want first; denied like every
// other unlisted call (EPERM), named here for the docs and the probe.
inline constexpr std::array<std::string_view, 20> kNamedDenied = {
    "open",
    "openat",
    "openat2",
    "creat",
    "socket",
    "socketpair",
    "connect",
    "bind",
    "listen",
    "accept4",
    "execve",
    "execveat",
    "fork",
    "vfork",
    "clone",
    "clone3",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "mount",
};

}  // namespace warden::runtime::detail
