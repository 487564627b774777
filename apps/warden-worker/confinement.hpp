#pragma once
// What a worker-process child gives up before it runs a plugin: every
// descriptor but its channel and stderr, address space beyond a limit, and
// (after the load) every system call a scan does not need.

#include <cstddef>
#include <string>

namespace warden::worker {

// The descriptors a confined child keeps.
inline constexpr int kStderrFd = 2;
inline constexpr int kChannelFd = 3;

// Moves `channel` to kChannelFd and `stderr_fd` to kStderrFd and closes every
// other descriptor (stdin and stdout included). Returns false with `why` set
// when a descriptor cannot be moved.
bool keep_only_channel(int channel, int stderr_fd, std::string& why);

// RLIMIT_AS (soft and hard); SIZE_MAX leaves it alone.
bool limit_address_space(std::size_t bytes, std::string& why);

// Loads the seccomp filter of runtime/detail/syscall_policy.hpp (no new
// privileges first, as unprivileged seccomp requires). Irreversible.
bool apply_syscall_filter(std::string& why);

// Threads of the calling process (entries of /proc/self/task); -1 when unknown.
int thread_count();

}  // namespace warden::worker
