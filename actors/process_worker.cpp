// The process worker actor: launches its child on its own thread, scans the
// batches it is sent through it under a per-scan deadline, and reports each
// answer, the child's heap use and its exit.
#include "actors/process_worker.hpp"

#include <chrono>
#include <optional>
#include <spdlog/spdlog.h>
#include <string>
#include <utility>
#include <vector>

#include "runtime/inert_text.hpp"
#include "warden/logger.hpp"

namespace warden::actors {

void ChildSwitch::attach(runtime::WorkerProcess* process) {
  std::lock_guard<std::mutex> guard{mutex_};
  process_ = process;
  if (killed_ && process_ != nullptr) {
    process_->kill();
  }
}

void ChildSwitch::detach() {
  std::lock_guard<std::mutex> guard{mutex_};
  process_ = nullptr;
}

bool ChildSwitch::kill() {
  std::lock_guard<std::mutex> guard{mutex_};
  const bool first = !killed_;
  killed_ = true;
  if (process_ != nullptr) {
    process_->kill();
  }
  return first;
}

bool ChildSwitch::killed() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return killed_;
}

ProcessWorkerState::~ProcessWorkerState() {
  if (child) {
    child->detach();  // before `process` is destroyed (and its child killed)
  }
}

namespace {

// "signal 11 (Fatal JavaScript invalid size error)", "exit code 3", ...
std::string describe_exit(const runtime::ProcessExit& exit) {
  std::string text;
  switch (exit.kind) {
    case runtime::ProcessExit::Kind::exited:
      text = "exit code " + std::to_string(exit.code);
      break;
    case runtime::ProcessExit::Kind::crashed:
    case runtime::ProcessExit::Kind::killed:
      text = "signal " + std::to_string(exit.code);
      break;
    case runtime::ProcessExit::Kind::running:
      text = "no exit status";
      break;
  }
  if (!exit.detail.empty()) {
    text += " (" + exit.detail + ")";
  }
  return text;
}

// The outcome of the scan a child was running when it went: `timeout` when
// it was killed at its deadline, `crashed` when it died by itself. Both make
// the supervisor retry the scan once on another child, then answer it.
JobOutcome lost_scan(uint64_t job_id, const runtime::ProcessExit& exit,
                     const std::string& plugin_id, std::chrono::milliseconds deadline) {
  JobOutcome outcome;
  outcome.job_id = job_id;
  if (exit.kind == runtime::ProcessExit::Kind::killed) {
    outcome.error =
        Error(ErrorCode::timeout, "plugin " + plugin_id + " did not answer within its deadline (" +
                                      std::to_string(deadline.count()) +
                                      " ms per transaction); its worker process was killed");
  } else {
    outcome.error = Error(ErrorCode::crashed,
                          "the worker process of plugin " + plugin_id +
                              " died while scanning this transaction: " + describe_exit(exit));
  }
  return outcome;
}

// Launches the child and checks its identity; the reason to exit when that failed.
std::optional<caf::error> launch(ProcessWorkerState& state, const WorkerSetup& setup) {
  if (!state.launcher) {
    return caf::make_error(errc::load_failed, "no process launcher");
  }
  auto launched = state.launcher->launch(setup.source, setup.options);
  if (launched) {
    if (auto mismatch = identity_mismatch(setup, launched.value()->info())) {
      launched = std::move(*mismatch);
    }
  }
  if (!launched) {
    const auto& error = launched.error();
    logger()->error("[{}] worker {} could not load its engine in a child process: {}",
                    setup.plugin_id, setup.slot, printable(error.describe()));
    const auto reason = error.code == ErrorCode::crashed ? errc::crashed : errc::load_failed;
    return caf::make_error(reason, error.describe());
  }
  state.process = std::move(launched).value();
  state.child->attach(state.process.get());
  state.heap_used_bytes = state.process->heap_used_bytes();
  return std::nullopt;
}

}  // namespace

plugin_worker_actor::behavior_type process_worker(
    plugin_worker_actor::stateful_pointer<ProcessWorkerState> self, ProcessWorkerSetup setup) {
  // This runs on the worker's own thread: the child is launched from here.
  const WorkerEvent event = worker_thread_events(setup.worker);
  auto& state = self->state;
  state.launcher = std::move(setup.launcher);
  state.child = setup.child ? std::move(setup.child) : std::make_shared<ChildSwitch>();
  if (auto failed = launch(state, setup.worker)) {
    self->quit(std::move(*failed));
  } else {
    WorkerReady ready{setup.worker.plugin,   setup.worker.slot, setup.worker.generation,
                      state.heap_used_bytes, event.thread,      event.os_thread_id,
                      state.process->pid()};
    self->send(setup.worker.supervisor, ready_atom::value, std::move(ready));
  }
  const auto supervisor = setup.worker.supervisor;
  const auto plugin = setup.worker.plugin;
  const auto slot = setup.worker.slot;
  const auto generation = setup.worker.generation;
  const auto plugin_id = setup.worker.plugin_id;
  const auto deadline = setup.worker.options.limits.scan_timeout + kProcessScanMargin;
  return {
      [self, supervisor, plugin, slot, generation, plugin_id, deadline](
          batch_atom, uint64_t batch_id, std::vector<ScanJob>& jobs) {
        auto& state = self->state;
        BatchDone done;
        done.plugin = plugin;
        done.slot = slot;
        done.generation = generation;
        done.batch_id = batch_id;
        done.outcomes.reserve(jobs.size());
        std::optional<errc> leave;
        if (state.process) {  // never launched: the supervisor re-queues the whole batch
          std::vector<TransactionPtr> batch;
          batch.reserve(jobs.size());
          for (const auto& job : jobs) {
            batch.push_back(job.transaction);
          }
          // Scans are pipelined: one ends when its answer arrives, and the
          // next starts no earlier than that.
          auto last_answer = std::chrono::steady_clock::now();
          const auto on_scan = [&](runtime::ProcessScan&& scan) {
            const auto answered_at = std::chrono::steady_clock::now();
            const auto scan_time = answered_at - last_answer;
            last_answer = answered_at;
            state.executions = scan.executions;
            state.heap_used_bytes = scan.heap_used_bytes;
            if (leave) {
              return;  // answers of an unusable engine: the rest goes to a healthy one
            }
            JobOutcome outcome;
            outcome.job_id = jobs[done.outcomes.size()].job_id;
            if (scan.findings) {
              outcome.findings = std::move(scan.findings).value();
              for (auto& finding : outcome.findings) {
                finding.plugin_id = plugin_id;  // the validated id, never the child's
              }
            } else {
              outcome.error = std::move(scan.findings).error();
            }
            if ((outcome.error && is_fatal_for_engine(outcome.error->code)) || !scan.reusable) {
              leave = exit_reason_for(outcome.error ? outcome.error->code : ErrorCode::none);
              done.failed_scan_time += scan_time;
            }
            done.outcomes.push_back(std::move(outcome));
          };
          const auto answered = state.process->scan(batch, on_scan, deadline);
          if (!leave && answered < batch.size()) {
            // The child is gone, in the middle of the scan after the last answer.
            const auto exit = state.process->exit();
            const bool killed = exit.kind == runtime::ProcessExit::Kind::killed;
            logger()->error("[{}] worker {}'s process {}: {}", plugin_id, slot,
                            killed ? "was killed at its deadline" : "died",
                            printable(describe_exit(exit)));
            done.outcomes.push_back(lost_scan(jobs[answered].job_id, exit, plugin_id, deadline));
            leave = killed ? errc::killed : errc::crashed;
            done.failed_scan_time += std::chrono::steady_clock::now() - last_answer;
          }
        }
        done.executions = state.executions;
        done.heap_used_bytes = state.heap_used_bytes;
        done.engine_unusable = leave.has_value();
        self->send(supervisor, batch_done_atom::value, std::move(done));
        if (leave) {
          self->quit(caf::make_error(*leave));
        }
      },
  };
}

}  // namespace warden::actors
