#pragma once
// A plugin worker in a child process: one isolate in a process of its own,
// forked from a fork server, driven over a socket. Knows neither V8 nor CAF
// (V8 runs in the child). See docs/design.md, "Process isolation".
//
//   ProcessLauncher (one per host, thread-safe) --launch--> WorkerProcess (one per worker)
//
// The launcher starts the `warden-worker` executable once with posix_spawn
// (safe from a multi-threaded host); that process initialises V8 with a
// single-threaded platform, so it has no other threads when it forks, and
// forks one child per launch. A child closes every inherited descriptor but
// its channel, sets its address-space limit, loads the plugin (from the
// source's code cache when there is one), applies its seccomp filter and then
// serves scans until told to stop, killed, or it dies.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "warden/engine.hpp"
#include "warden/finding.hpp"
#include "warden/plugin_source.hpp"
#include "warden/result.hpp"
#include "warden/transaction.hpp"

namespace warden::runtime {

// How a worker process ended (or that it has not).
struct ProcessExit {
  enum class Kind : uint8_t {
    running,  // still alive
    exited,   // exited by itself (code)
    crashed,  // died of a signal it raised or a V8 fatal error (signal, detail)
    killed,   // killed by the host: kill(), a deadline, or the destructor
  };
  Kind kind = Kind::running;
  int code = 0;        // exit code, or the signal number
  std::string detail;  // e.g. V8's "Fatal JavaScript invalid size error", escaped and bounded
};

// One scan's answer from a child.
struct ProcessScan {
  Result<std::vector<Finding>> findings = std::vector<Finding>{};
  bool reusable = true;  // false: the child's engine must be replaced (as Engine::reusable)
  uint64_t executions = 0;
  uint64_t heap_used_bytes = 0;
};

class WorkerProcess {
 public:
  ~WorkerProcess();  // kills the child if it still runs; never blocks long
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  const PluginInfo& info() const;    // as the child's engine loaded it
  uint64_t heap_used_bytes() const;  // last reported
  int pid() const;

  // Scans `batch` in order, calling `on_scan` for each answer as it arrives.
  // Each scan must answer within `per_scan_deadline` (the engine's own limit
  // plus a margin) or the child is killed. Returns the number of scans
  // answered; fewer than batch.size() means the child is gone: exit() says
  // how (crashed, killed), and the scan in progress is the next one.
  std::size_t scan(const std::vector<TransactionPtr>& batch,
                   const std::function<void(ProcessScan&&)>& on_scan,
                   std::chrono::milliseconds per_scan_deadline);

  void kill();  // SIGKILL now; exit() becomes killed
  ProcessExit exit() const;

 private:
  struct Impl;
  explicit WorkerProcess(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  friend class ProcessLauncher;
};

inline constexpr std::size_t kNoAddressSpaceLimit = SIZE_MAX;

struct ProcessOptions {
  // The warden-worker executable; "": $WARDEN_WORKER, else warden-worker
  // beside the running executable (/proc/self/exe).
  std::string worker_executable;
  // RLIMIT_AS for each child; 0: the plugin's heap limit plus
  // address_space_margin_bytes; kNoAddressSpaceLimit: none.
  std::size_t address_space_limit_bytes = 0;
  // What V8 10.2 maps beyond its heap limit (libnode and ICU, code range,
  // young generation, malloc arenas, the watchdog's stack). Measured with a
  // 128 MiB heap limit: 232 MiB mapped after a load, 375 MiB at the heap limit
  // (247 MiB above it); 512 MiB leaves room for that. See docs/design.md,
  // "Process isolation". Sanitizer builds of warden-worker apply no RLIMIT_AS
  // (their shadow memory is terabytes of address space).
  std::size_t address_space_margin_bytes = 512u << 20;
  bool seccomp = true;  // apply the child's syscall filter where the kernel allows
};

class ProcessLauncher {
 public:
  // Starts the fork server; an error names the executable and why.
  static Result<std::shared_ptr<ProcessLauncher>> start(ProcessOptions options);
  ~ProcessLauncher();  // stops the fork server; children already launched are killed

  // Thread-safe. Forks a child and loads `source` in it with `options`
  // (limits, config; console lines come back through options.console on the
  // calling thread). A load error is the engine's (file:line:column, reason);
  // a child that dies while loading gives Error{crashed} with its detail.
  Result<std::unique_ptr<WorkerProcess>> launch(const PluginSourcePtr& source,
                                                const EngineOptions& options);

  // What is applied to every child, for stats and docs: "RLIMIT_AS heap limit
  // + 512 MiB, seccomp (33 syscalls allowed, the rest fail with EPERM), no
  // inherited descriptors".
  std::string confinement() const;

 private:
  struct Impl;
  explicit ProcessLauncher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace warden::runtime
