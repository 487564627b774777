#pragma once
// The process worker: a detached actor (one thread) that drives one plugin
// isolate living in a child process (runtime::WorkerProcess), with the thread
// worker's interface and messages. It launches its child in its spawn
// function, scans the batches the supervisor sends through it, answers each
// with one BatchDone, enforces every scan's deadline itself (the child is
// killed past it), and exits with an errc reason: load_failed, crashed (the
// child died by itself), killed (killed at a deadline), timeout /
// out_of_memory / fatal_error (the child's engine became unusable), or
// whatever the supervisor sends it. Spawned only by the supervisor, in
// Isolation::process.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>

#include <caf/all.hpp>

#include "actors/plugin_worker.hpp"
#include "actors/worker_protocol.hpp"
#include "warden/protocol.hpp"
#include "warden/worker_process.hpp"

namespace warden::actors {

// Added to the scan time limit to make a process worker's per-scan deadline:
// the child's engine stops a scan at its limit and a terminated scan unwinds
// in well under a second; past the sum, the child is stuck (a V8 built-in that
// ignores interrupts) and is killed.
inline constexpr std::chrono::milliseconds kProcessScanMargin{1000};

// Shared by a process worker and its supervisor: the supervisor kills the
// worker's child through it (its batch-deadline backstop) while the worker's
// thread waits in WorkerProcess::scan. Thread-safe.
class ChildSwitch {
 public:
  // The worker's child, from its launch until just before it is destroyed.
  void attach(runtime::WorkerProcess* process);
  void detach();
  // Kills the attached child now, and one attached later at once. Returns
  // false when it had been called before.
  bool kill();
  bool killed() const;

 private:
  mutable std::mutex mutex_;
  runtime::WorkerProcess* process_ = nullptr;
  bool killed_ = false;
};

struct ProcessWorkerSetup {
  WorkerSetup worker;
  std::shared_ptr<runtime::ProcessLauncher> launcher;  // kept alive by every worker
  std::shared_ptr<ChildSwitch> child;
};

// Built on the spawning thread (empty); filled in the spawn function, on the
// worker's thread, and destroyed with the state in on_exit, on that thread:
// the child is detached from its switch, then killed if it still runs.
struct ProcessWorkerState {
  ProcessWorkerState() = default;
  ProcessWorkerState(const ProcessWorkerState&) = delete;
  ProcessWorkerState& operator=(const ProcessWorkerState&) = delete;
  ~ProcessWorkerState();

  std::shared_ptr<runtime::ProcessLauncher> launcher;
  std::shared_ptr<ChildSwitch> child;
  std::unique_ptr<runtime::WorkerProcess> process;
  uint64_t executions = 0;  // as last reported by the child
  uint64_t heap_used_bytes = 0;
  static inline const char* name = "warden.process_worker";
};

plugin_worker_actor::behavior_type process_worker(
    plugin_worker_actor::stateful_pointer<ProcessWorkerState> self, ProcessWorkerSetup setup);

}  // namespace warden::actors
