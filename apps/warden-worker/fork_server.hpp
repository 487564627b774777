#pragma once
// warden-worker's fork server: V8 initialised without threads, then one
// fork per launch request, each child reaped and its exit status reported.

namespace warden::worker {

// Serves the control socket `control` until the host closes it; then kills
// the children it still has and returns the process's exit code.
int run_fork_server(int control);

}  // namespace warden::worker
