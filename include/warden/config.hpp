#pragma once
// What a host configures when it starts Warden (plugins, isolation, limits,
// recycling, restart intensity, queues), and the worker life-cycle hook tests and
// benchmarks observe. Plain data; included by warden/warden.hpp and the
// supervisor.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "warden/engine.hpp"

namespace spdlog {
class logger;
}
#include "warden/worker_process.hpp"

namespace warden::actors {

// One plugin to run: from the file at `path`, or, when `source` is not empty,
// from `source` itself, with `name` standing for the file in its errors
// (file:line) and stack traces. `path` is the file the lifecycle calls
// (add, reload) call `file`.
struct PluginSpec {
  std::string path;                                                // one .js file
  std::string config_json = runtime::EngineOptions{}.config_json;  // handed to init(config)
  std::string source;                                              // the module's code, or ""
  std::string name;                                                // its file name when from source
};

// One step in a plugin worker's life. `spawned`, `ready` (the worker's engine
// loaded and it serves) and `down` are reported by the supervisor in the order
// it handles them, so a replacement's `spawned` always follows its
// predecessor's `down`; `thread_exited` comes from the worker's thread as it
// ends, after its isolate was disposed.
struct WorkerEvent {
  enum class Kind : uint8_t { spawned, ready, down, thread_exited };
  Kind kind = Kind::spawned;
  std::string plugin_id;
  uint32_t slot = 0;          // the worker's place in its plugin's pool
  uint64_t generation = 0;    // increases with every worker spawned for the plugin
  std::thread::id thread;     // ready, thread_exited: the worker's thread
  uint64_t os_thread_id = 0;  // same, as the kernel's thread id (not reused quickly)
  int pid = 0;                // ready, process isolation: the worker's child process
  std::string reason;         // down: the exit reason (to_string(errc), "killed", ...)
  std::chrono::steady_clock::time_point at;
};

// Called from the supervisor's and the workers' threads: must be thread-safe
// and quick. Meant for tests and benchmarks.
using WorkerEventHook = std::function<void(const WorkerEvent&)>;

// Where a plugin worker's isolate lives.
//  - thread: in the host process, on the worker's own thread. Cheapest (a
//    recycle is a new isolate, no process), but a V8 fatal error in any
//    plugin ends the host, and a worker stuck in a V8 built-in that ignores
//    the time limit can only be abandoned, keeping its thread and isolate.
//  - process: in a child process of its own, forked from a fork server
//    (warden/worker_process.hpp) and confined there (address-space limit,
//    seccomp where the kernel allows, no inherited descriptors). A crash
//    costs only that worker (`crashed`), a stuck one is killed (`killed`);
//    costs a process per worker, a fork per (re)load and a round trip over a
//    socket per batch. Validation loads the plugins in children too.
enum class Isolation : uint8_t { thread, process };

// "thread" or "process".
inline std::string_view to_string(Isolation isolation) {
  return isolation == Isolation::process ? "process" : "thread";
}

struct WardenConfig {
  std::vector<PluginSpec> plugins;
  Isolation isolation = Isolation::thread;
  // Isolation::process: the worker executable, the children's limits and filter.
  runtime::ProcessOptions process;
  runtime::EngineLimits limits;
  // Workers each plugin starts with and never goes below. 0:
  // default_workers_per_plugin (actors/supervisor.hpp): enough that every
  // hardware thread has a worker, at least 1 (1 for 16 plugins on 2 cores),
  // at least 2 when recycle_after_scans is below kFrequentRecycle (one serves
  // while the other reloads).
  std::size_t workers_per_plugin = 0;
  // Work-conserving pools: a plugin whose workers are all busy with more work
  // waiting gets another worker (a new isolate on a new thread, warm from the
  // code cache), up to this many, while the budget below allows; a pool above
  // workers_per_plugin gives an idle worker back after pool_idle_release
  // without being busy. 0: max(workers_per_plugin, hardware threads), since
  // more than one worker per core cannot make one plugin faster. Set it to
  // workers_per_plugin for fixed pools.
  std::size_t max_workers_per_plugin = 0;
  std::chrono::milliseconds pool_idle_release{1'000};
  // The process-wide budget (actors/worker_budget.hpp). Workers that scan,
  // threads or processes; each plugin's starting workers, spare and
  // replacements are always granted (every plugin needs one), and pools grow
  // only within it. 0: default_max_workers: one per plugin plus cores - 1.
  std::size_t max_workers = 0;
  // Sum of the heap limits of every live isolate (serving, spare, abandoned):
  // a pool grows only when one more fits. 0: half the physical memory.
  std::size_t max_heap_total_bytes = 0;
  // Abandoned threads still running across plugins: the abandonment that
  // reaches it quarantines its plugin, as max_abandoned_threads does for one
  // plugin. 0: default_max_abandoned_threads_total (the core count, at least 4).
  std::size_t max_abandoned_threads_total = 0;
  uint64_t recycle_after_scans = 10'000;             // per isolate; 0: never
  std::size_t heap_soft_limit_bytes = 0;             // recycle above this; 0: 3/4 of the heap limit
  std::size_t max_failure_restarts = 5;              // R: more than R within T quarantines
  std::chrono::milliseconds failure_window{10'000};  // T
  std::chrono::milliseconds restart_backoff{20};     // first failure-restart delay, doubles
  // More worker load failures in a row (load errors and load timeouts of a
  // plugin whose validating load passed) quarantine. 0: never.
  std::size_t max_load_failures = 3;
  // A plugin whose failures (scans that timed out or ran out of memory, the
  // loads of failure restarts and failed loads) cost more than this share of
  // the wall time since Warden started is quarantined, once that failure time
  // is at least `min_failure_time` (so one early timeout does not). 0: never.
  double max_failure_share = 0.25;
  std::chrono::milliseconds min_failure_time{10'000};
  std::size_t queue_capacity = 4096;  // per plugin: waiting requests before `overloaded`
  runtime::ConsoleSink console;       // where console.* goes (empty: the logger below)
  // Where Warden's own log lines (and console.* by default) go; never stdout.
  // Null: spdlog's logger named "warden" if the host registered one, else
  // stderr. Process-wide once set (warden/logger.hpp, set_logger).
  std::shared_ptr<spdlog::logger> logger;
  // How long the facade's calls (Warden::scan, scan_async, stats, ...) wait
  // for their answer when the call names no timeout; past it the answer is
  // ErrorCode::request_timeout (warden/warden.hpp). Generous: a scan may wait
  // in its plugin's queue and be retried after a plugin timeout. scan_stream
  // and shutdown always wait.
  std::chrono::milliseconds call_timeout{60'000};
  std::size_t max_batch = 32;       // transactions handed to a worker per message
  WorkerEventHook on_worker_event;  // tests and benchmarks; may be empty
  // Planned recycles (threshold, heap soft limit) promote a warm spare: each
  // plugin keeps one extra worker loaded but idle, in a place of its own in
  // the pool, and serving the moment a planned down arrives (a worker past its
  // threshold keeps serving while the spare still loads); the next spare is
  // spawned after that down message, into the place it vacated, on a new
  // thread. The first spare loads at start. Costs one idle isolate and thread
  // per plugin; off: the replacement is spawned, and loads, after the down
  // message. On by default: it matters only when recycling is on
  // (recycle_after_scans or the heap soft limit), and then a recycle no
  // longer stalls the plugin for a load.
  bool warm_spare = true;
  // A worker past its batch deadline is abandoned: its thread, stuck in a V8
  // built-in that ignores the time limit, keeps a core busy and its isolate
  // (up to the heap limit) until it returns, perhaps never. Per plugin, since
  // one plugin's inputs should not spend another's allowance: 2 tolerates one
  // unlucky input per plugin and a second one on a sibling worker at the same
  // time; a plugin with that many abandoned threads still running is
  // quarantined instead of getting more. 0: the first abandonment quarantines.
  std::size_t max_abandoned_threads = 2;
  // Tests only: the supervisor hands out its serving workers' handles (an
  // internal request tests use to kill workers). Off, that request is refused
  // like every other internal message a host sends. Never set it in a host.
  bool expose_workers_for_tests = false;
};

}  // namespace warden::actors
