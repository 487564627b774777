#pragma once
// One forked worker-process child: confines itself, loads its plugin and
// serves scans over its channel until told to stop or the host goes away.

#include <sys/types.h>

#include "runtime/detail/process_wire.hpp"

namespace warden::worker {

// Never returns. `channel` and `stderr_fd` are the child's ends; `server` is
// the fork server's pid (the child dies with it).
[[noreturn]] void run_child(int channel, int stderr_fd, pid_t server,
                            const runtime::detail::wire::LaunchRequest& request);

}  // namespace warden::worker
