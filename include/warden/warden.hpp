#pragma once
// The facade a host uses: register Warden's message types in its own
// caf::actor_system_config, start Warden inside its own caf::actor_system, and
// scan transactions through the returned handle. Includes CAF, never V8.
//
//   warden::runtime::V8Platform v8;            // first: outlives the actor system
//   caf::actor_system_config cfg;
//   warden::actors::configure(cfg);
//   caf::actor_system system{cfg};
//   auto warden = warden::actors::Warden::start(system, config);
//   if (!warden) ...                            // every plugin failed to load
//   auto report = warden->scan(transaction);   // blocking, at most config.call_timeout
//   auto later = warden->scan_async(transaction);  // std::future<ScanReport>
//   warden->scan_stream(next, on_report, 64);   // pipelined, answers in input order
//   warden->shutdown();                         // answers everything in flight
//
// Every call may come from any host thread, many at once: each blocking call
// waits on a caf::scoped_actor of its own, nothing is shared between callers
// but the supervisor's mailbox. Errors are values: a plugin that could not
// answer is a PluginFailure in the report, and a call whose answer did not
// come within its timeout answers ErrorCode::request_timeout for every plugin
// it asked (the scan itself goes on; its late answer is dropped).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "warden/config.hpp"
#include "warden/engine.hpp"
#include "warden/error.hpp"
#include "warden/finding.hpp"
#include "warden/protocol.hpp"
#include "warden/result.hpp"
#include "warden/transaction.hpp"

namespace warden::actors {

// Requests scan_stream keeps outstanding when the host names no window.
inline constexpr std::size_t kDefaultMaxInFlight = 64;

// A facade timeout meaning "no timeout": the call waits for its answer
// however long it takes, as scan_stream always does. Any timeout of a year
// or more counts as this.
inline constexpr std::chrono::milliseconds kWaitForever = std::chrono::milliseconds::max();

// Opens the message of Warden::start's error when Isolation::process was
// asked for and its fork server could not start (not a plugin's fault).
inline constexpr std::string_view kNoProcessIsolation = "process isolation unavailable: ";

// Built by Warden::start; `plugins` are those that loaded, `load_errors` the
// ones that did not (each names file, line and reason).
class Warden {
 public:
  // Loads every plugin once to validate it, then spawns the supervisor and
  // its workers. Fails only when no plugin loaded; a plugin whose id an
  // earlier one has is a load error (duplicate_id, naming both files). The
  // validated id and version are the plugin's for the whole run. In
  // Isolation::process it first starts the fork server (one ProcessLauncher,
  // shared by the validation and every worker) and fails, with a message
  // opening with kNoProcessIsolation, when it cannot; the validating loads
  // then run in children too.
  static Result<std::unique_ptr<Warden>> start(caf::actor_system& system, WardenConfig config);

  ~Warden();  // shuts down if the host did not
  Warden(const Warden&) = delete;
  Warden& operator=(const Warden&) = delete;

  // The plugins start() loaded, and those it could not: fixed for the run.
  // What runs now, after adds, removes and reloads, is describe()'s answer.
  const std::vector<runtime::PluginInfo>& plugins() const;
  const std::vector<Error>& load_errors() const;
  // The supervisor's handle, for hosts that are actors themselves
  // (warden/protocol.hpp lists what it accepts).
  warden_actor supervisor() const;
  // Workers (isolates, threads) each plugin starts with and keeps:
  // WardenConfig's, or the default chosen from the hardware threads
  // (default_workers_per_plugin). A busy plugin may get more (max_workers).
  std::size_t workers_per_plugin() const;
  Isolation isolation() const;
  // Isolation::process: what confines every child (ProcessLauncher::confinement());
  // "" in thread isolation.
  std::string confinement() const;

  // How long a facade call waits for its answer: WardenConfig::call_timeout
  // when nullopt; kWaitForever waits as long as it takes.
  using Timeout = std::optional<std::chrono::milliseconds>;

  // Blocking: one transaction through every loaded plugin.
  ScanReport scan(const TransactionPtr& transaction, Timeout timeout = std::nullopt);
  // Blocking: one transaction through the plugin `plugin_id` only; an id no
  // plugin has is an unknown_plugin failure in the report.
  ScanReport scan(const std::string& plugin_id, const TransactionPtr& transaction,
                  Timeout timeout = std::nullopt);
  // Blocking: a batch through every plugin, one report per transaction in
  // input order; one message each way, cheaper than a call per transaction.
  // The timeout is for the whole batch.
  std::vector<ScanReport> scan(std::vector<TransactionPtr> transactions,
                               Timeout timeout = std::nullopt);
  // Asynchronous: returns at once; the future gets the report scan() would
  // have returned (never an exception, errors are failures in it). A future,
  // not a callback: the host decides on which thread and when it waits
  // (get, wait_for, or polling), and none of its code runs on Warden's or
  // CAF's threads, where a slow or blocking callback would hold up other
  // answers. Costs one short-lived pooled actor per call.
  std::future<ScanReport> scan_async(TransactionPtr transaction, Timeout timeout = std::nullopt);

  // Pipelined: pulls transactions from `next` until it returns nullopt, keeps up
  // to `max_in_flight` requests outstanding and hands each report to
  // `on_report` in input order. Returns once every request was answered.
  void scan_stream(const std::function<std::optional<TransactionPtr>()>& next,
                   const std::function<void(ScanReport&&)>& on_report,
                   std::size_t max_in_flight = kDefaultMaxInFlight);

  // These wait at most WardenConfig::call_timeout; without an answer (or
  // after shutdown) they return an empty list, empty BudgetStats, false.
  std::vector<PluginStats> stats();
  // The process-wide worker budget's limits and use (empty after shutdown).
  BudgetStats budget();
  bool quarantine(const std::string& plugin_id);
  bool enable(const std::string& plugin_id);
  // Blocking: the handle of one plugin (unknown_plugin when no plugin has
  // that id, shutting_down after shutdown).
  Result<plugin_actor> plugin(const std::string& plugin_id);
  // Blocking: what runs now, as a node tells its clients (describe_atom):
  // the live plugins in load order with their versions as loaded, each
  // one's content revision, and start()'s load errors. shutting_down after
  // shutdown; request_timeout without an answer in time.
  Result<NodeInfo> describe(Timeout timeout = std::nullopt);

  // Plugin lifecycle at run time, blocking until the supervisor answers
  // (docs/embedding.md, "Plugin lifecycle and hot reload"). Errors are in
  // the answer. plugins() keeps listing the plugins start() loaded;
  // describe() lists the live ones.
  LifecycleResult add(PluginSpec spec);
  LifecycleResult remove(const std::string& plugin_id);
  LifecycleResult reload(const std::string& plugin_id, PluginSpec spec);
  LifecycleResult recycle(const std::string& plugin_id);

  // Graceful: answers everything in flight, then stops every worker; waits
  // as long as that takes (a looping scan ends at its plugin's time limit).
  // Idempotent; calls after it answer shutting_down at once.
  void shutdown();

  // Threads of workers abandoned past their batch deadline (stuck in a V8
  // built-in that ignores the time limit) that have not returned, process-wide.
  // While any runs, ~actor_system waits for it, perhaps forever: a host that
  // must end then writes its output and leaves with std::_Exit.
  std::size_t abandoned_threads() const;

 private:
  struct Impl;
  explicit Warden(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Registers Warden's message types and error category in a host's config.
// Leaves everything else, the scheduler policy included, as the host set it.
void configure(caf::actor_system_config& config);

// Sets the scheduler policy Warden recommends ("sharing"; docs/embedding.md,
// "Threads and what is process-wide", has the measured difference). Only for
// hosts that ask: the `warden` CLI does.
void use_recommended_scheduler(caf::actor_system_config& config);

}  // namespace warden::actors
