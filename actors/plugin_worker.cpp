// The plugin worker actor: loads its engine on its own thread, scans the batches
// it is sent and reports each answer, its heap use and its exit.
#include "actors/plugin_worker.hpp"

#include <spdlog/spdlog.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <utility>
#include <vector>

#include "runtime/inert_text.hpp"
#include "warden/logger.hpp"

namespace warden::actors {
namespace {

uint64_t os_thread_id() {
  return static_cast<uint64_t>(::syscall(SYS_gettid));
}

// Reports `thread_exited` from a thread_local destructor, which runs when the
// worker's thread function returns: after the actor (and its isolate) is gone.
class ThreadExitNotice {
 public:
  void arm(WorkerEvent event, WorkerEventHook hook) {
    event_ = std::move(event);
    hook_ = std::move(hook);
  }
  ~ThreadExitNotice() {
    if (hook_) {
      event_.kind = WorkerEvent::Kind::thread_exited;
      event_.at = std::chrono::steady_clock::now();
      hook_(event_);
    }
  }

 private:
  WorkerEvent event_;
  WorkerEventHook hook_;
};

}  // namespace

errc exit_reason_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::timeout:
      return errc::timeout;
    case ErrorCode::out_of_memory:
      return errc::out_of_memory;
    case ErrorCode::crashed:
      return errc::crashed;
    default:
      return errc::fatal_error;
  }
}

WorkerEvent worker_thread_events(const WorkerSetup& setup) {
  WorkerEvent event;
  event.plugin_id = setup.plugin_id;
  event.slot = setup.slot;
  event.generation = setup.generation;
  event.thread = std::this_thread::get_id();
  event.os_thread_id = os_thread_id();
  if (setup.on_event) {
    thread_local ThreadExitNotice notice;
    notice.arm(event, setup.on_event);
  }
  return event;
}

std::optional<Error> identity_mismatch(const WorkerSetup& setup, const runtime::PluginInfo& info) {
  if (info.id == setup.plugin_id && info.version == setup.plugin_version) {
    return std::nullopt;
  }
  // A plugin that answers the validating load one id or version and this
  // load another is a load failure, never served.
  return Error(ErrorCode::invalid_id,
               "the plugin reported id \"" + info.id + "\" version \"" + info.version +
                   "\" to this worker, but \"" + setup.plugin_id + "\" version \"" +
                   setup.plugin_version + "\" when it was validated",
               setup.source->path());
}

runtime::ConsoleSink spdlog_console() {
  return [](runtime::LogLevel level, std::string_view plugin_id, std::string_view text) {
    switch (level) {
      case runtime::LogLevel::debug:
        logger()->debug("[{}] {}", printable(plugin_id), printable(text));
        break;
      case runtime::LogLevel::info:
        logger()->info("[{}] {}", printable(plugin_id), printable(text));
        break;
      case runtime::LogLevel::warn:
        logger()->warn("[{}] {}", printable(plugin_id), printable(text));
        break;
      case runtime::LogLevel::error:
        logger()->error("[{}] {}", printable(plugin_id), printable(text));
        break;
    }
  };
}

plugin_worker_actor::behavior_type plugin_worker(
    plugin_worker_actor::stateful_pointer<WorkerState> self, WorkerSetup setup) {
  // This runs on the worker's own thread: the isolate is created here.
  const WorkerEvent event = worker_thread_events(setup);
  auto loaded = runtime::Engine::load(setup.source, setup.options);
  if (loaded) {
    if (auto mismatch = identity_mismatch(setup, loaded->info())) {
      loaded = std::move(*mismatch);
    }
  }
  if (!loaded) {
    logger()->error("[{}] worker {} could not load its engine: {}", setup.plugin_id, setup.slot,
                    printable(loaded.error().describe()));
    self->quit(caf::make_error(errc::load_failed, loaded.error().describe()));
  } else {
    self->state.engine = std::move(loaded).value();
    const auto stats = self->state.engine->stats();
    self->send(setup.supervisor, ready_atom::value,
               WorkerReady{setup.plugin, setup.slot, setup.generation,
                           static_cast<uint64_t>(stats.heap_used_bytes), event.thread,
                           event.os_thread_id});
  }
  const auto supervisor = setup.supervisor;
  const auto plugin = setup.plugin;
  const auto slot = setup.slot;
  const auto generation = setup.generation;
  const auto plugin_id = setup.plugin_id;
  return {
      [self, supervisor, plugin, slot, generation, plugin_id](batch_atom, uint64_t batch_id,
                                                              std::vector<ScanJob>& jobs) {
        auto& engine = self->state.engine;
        BatchDone done;
        done.plugin = plugin;
        done.slot = slot;
        done.generation = generation;
        done.batch_id = batch_id;
        done.outcomes.reserve(jobs.size());
        std::optional<errc> leave;
        if (engine) {
          std::vector<TransactionPtr> transactions;
          transactions.reserve(jobs.size());
          for (const auto& job : jobs)
            transactions.push_back(job.transaction);
          auto scan_started = std::chrono::steady_clock::now();
          engine->scan_batch(
              transactions, [&](std::size_t index, Result<std::vector<Finding>> result) {
                JobOutcome outcome;
                outcome.job_id = jobs[index].job_id;
                if (result) {
                  outcome.findings = std::move(result).value();
                  for (auto& finding : outcome.findings) {
                    finding.plugin_id = plugin_id;  // the validated id, never the engine's
                  }
                } else {
                  outcome.error = std::move(result).error();
                }
                const auto scan_ended = std::chrono::steady_clock::now();
                const bool broken = (outcome.error && is_fatal_for_engine(outcome.error->code)) ||
                                    !engine->reusable();
                if (broken) {
                  leave = exit_reason_for(outcome.error ? outcome.error->code : ErrorCode::none);
                  done.failed_scan_time += scan_ended - scan_started;
                }
                scan_started = scan_ended;
                done.outcomes.push_back(std::move(outcome));
                return !broken;  // the rest of the batch goes to a healthy isolate
              });
        }  // never loaded: the supervisor re-queues the whole batch
        if (engine) {
          done.executions = engine->executions();
          done.heap_used_bytes = engine->heap_used_after_last_scan();
        }
        done.engine_unusable = leave.has_value();
        self->send(supervisor, batch_done_atom::value, std::move(done));
        if (leave) {
          self->quit(caf::make_error(*leave));
        }
      },
  };
}

}  // namespace warden::actors
