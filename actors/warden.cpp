// The facade: validates plugins, spawns the supervisor and forwards host calls to it.
#include "warden/warden.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>
#include <spdlog/spdlog.h>
#include <thread>
#include <utility>

#include "actors/plugin_validator.hpp"
#include "actors/plugin_worker.hpp"
#include "actors/stream_chunk.hpp"
#include "actors/supervisor.hpp"
#include "actors/termination_latch.hpp"
#include "actors/worker_protocol.hpp"
#include "runtime/inert_text.hpp"
#include "warden/logger.hpp"
#include "warden/v8_platform.hpp"

namespace warden::actors {

namespace {

// A year or more is "wait forever": steady_clock::now() plus a larger
// duration would overflow inside CAF.
caf::duration wait_for(std::chrono::milliseconds timeout) {
  if (timeout >= std::chrono::hours{24 * 365}) {
    return caf::duration{caf::infinite};
  }
  return caf::duration{std::max(timeout, std::chrono::milliseconds{0})};
}

}  // namespace

// Shared by every calling thread, read-only after start but for `stopped` and `unsent`.
// Each call makes its own caf::scoped_actor: no lock between callers, and a
// timed-out call's late answer goes to an actor that is gone (dropped), never
// into another call's mailbox.
struct Warden::Impl {
  Impl(caf::actor_system& system, warden_actor supervisor, std::vector<runtime::PluginInfo> plugins,
       std::vector<Error> load_errors, std::size_t workers_per_plugin, Isolation isolation,
       std::shared_ptr<runtime::ProcessLauncher> launcher, std::chrono::milliseconds call_timeout)
      : system(system),
        supervisor(std::move(supervisor)),
        supervisor_gone(caf::actor_cast<caf::strong_actor_ptr>(this->supervisor)),
        plugins(std::move(plugins)),
        load_errors(std::move(load_errors)),
        workers_per_plugin(workers_per_plugin),
        isolation(isolation),
        launcher(std::move(launcher)),
        call_timeout(call_timeout) {
    for (const auto& plugin : this->plugins) {
      plugin_ids.push_back(plugin.id);
    }
  }

  std::chrono::milliseconds timeout_of(const Timeout& timeout) const {
    return timeout ? *timeout : call_timeout;
  }

  // Why a call got no answer, as the error every plugin asked reports.
  static Error no_answer(caf::actor_system& system, const caf::error& why,
                         std::chrono::milliseconds timeout) {
    if (why == caf::sec::request_timeout) {
      return Error(ErrorCode::request_timeout,
                   "no answer within " + std::to_string(timeout.count()) +
                       " ms; the scan may still be running and its answer is dropped");
    }
    return Error(ErrorCode::shutting_down, "Warden is not running: " + system.render(why));
  }

  // An answer for each plugin in `ids` when the supervisor gave none.
  static ScanReport unanswered(const TransactionPtr& transaction,
                               const std::vector<std::string>& ids, const Error& error) {
    ScanReport report;
    report.transaction_id = transaction ? transaction->id : std::string{};
    for (const auto& id : ids) {
      report.failures.push_back(PluginFailure{id, error});
    }
    return report;
  }

  ScanReport unanswered(const TransactionPtr& transaction, const caf::error& why,
                        std::chrono::milliseconds timeout = kWaitForever) const {
    return unanswered(transaction, plugin_ids, no_answer(system, why, timeout));
  }

  // One request on the calling thread's own scoped actor, waiting at most
  // `timeout`: the answer, or `otherwise(error)` without one.
  template <class Answer, class Otherwise, class... Ts>
  Answer ask(std::chrono::milliseconds timeout, Otherwise otherwise, Ts&&... xs) const {
    caf::scoped_actor self{system};
    std::optional<Answer> answer;
    self->request(supervisor, wait_for(timeout), std::forward<Ts>(xs)...)
        .receive([&](Answer& value) { answer = std::move(value); },
                 [&](caf::error& error) { answer = otherwise(error); });
    return std::move(*answer);
  }

  // A lifecycle request (add, remove, reload, recycle), waiting at most
  // call_timeout: a reload's validating load runs meanwhile without
  // stalling anyone's scans.
  template <class... Ts>
  LifecycleResult change(const std::string& plugin_id, Ts&&... xs) const {
    if (stopped) {
      return LifecycleResult{
          plugin_id, {}, Error(ErrorCode::shutting_down, "Warden is not running")};
    }
    return ask<LifecycleResult>(
        call_timeout,
        [&](const caf::error& why) {
          return LifecycleResult{plugin_id, {}, no_answer(system, why, call_timeout)};
        },
        std::forward<Ts>(xs)...);
  }

  caf::actor_system& system;
  const warden_actor supervisor;           // kept until ~Impl: callers read it without a lock
  const TerminationLatch supervisor_gone;  // attached first, right after the spawn
  std::vector<runtime::PluginInfo> plugins;
  std::vector<std::string> plugin_ids;
  std::vector<Error> load_errors;
  std::size_t workers_per_plugin = 0;
  Isolation isolation = Isolation::thread;
  std::shared_ptr<runtime::ProcessLauncher> launcher;  // Isolation::process
  std::chrono::milliseconds call_timeout;
  std::mutex shutdown_mutex;  // one shutdown at a time; never taken by a scan
  std::atomic<bool> stopped{false};
  // scan_async calls whose actor has not sent its request yet.
  std::shared_ptr<std::atomic<std::size_t>> unsent = std::make_shared<std::atomic<std::size_t>>(0);
};

Result<std::unique_ptr<Warden>> Warden::start(caf::actor_system& system, WardenConfig config) {
  std::vector<SupervisedPlugin> supervised;
  std::vector<runtime::PluginInfo> infos;
  std::vector<Error> load_errors;
  std::shared_ptr<runtime::ProcessLauncher> launcher;
  if (config.logger) {
    set_logger(config.logger);
  }
  // Thread isolation runs V8 in this process: without a platform the first
  // load would crash inside V8. Process isolation runs it in the children.
  if (config.isolation == Isolation::thread && !runtime::V8Platform::alive()) {
    return Error(ErrorCode::engine_unusable, runtime::V8Platform::missing_message());
  }
  if (config.isolation == Isolation::process) {
    auto started = runtime::ProcessLauncher::start(config.process);
    if (!started.ok()) {
      Error error = std::move(started).error();
      error.message = std::string{kNoProcessIsolation} + error.message;
      return error;
    }
    launcher = std::move(started).value();
  }
  // Validate once here, on the calling thread (in a child with process
  // isolation); the workers load their own.
  runtime::EngineOptions options;
  options.limits = config.limits;
  options.console = config.console ? config.console : spdlog_console();
  PluginValidator validator(std::move(options), launcher);
  for (const auto& spec : config.plugins) {
    auto plugin = validator.validate(spec);
    if (!plugin.ok()) {  // a duplicate id too: the later file is not loaded, the rest run
      load_errors.push_back(std::move(plugin).error());
      continue;
    }
    supervised.push_back(SupervisedPlugin{plugin->source, plugin->info, spec.config_json});
    infos.push_back(plugin->info);
  }
  if (supervised.empty()) {
    if (!load_errors.empty()) {
      return load_errors.front();
    }
    return Error(ErrorCode::file_unreadable, "no plugin given");
  }
  for (const auto& error : load_errors) {
    logger()->error("plugin not loaded: {}", printable(error.describe()));
  }
  if (config.workers_per_plugin == 0) {
    config.workers_per_plugin = default_workers_per_plugin(
        supervised.size(), std::thread::hardware_concurrency(), config.recycle_after_scans);
  }
  const auto workers_per_plugin = config.workers_per_plugin;
  const auto isolation = config.isolation;
  const auto call_timeout = config.call_timeout;
  auto supervisor =
      spawn_supervisor(system, std::move(supervised), std::move(config), launcher, load_errors);
  auto impl = std::make_unique<Impl>(system, std::move(supervisor), std::move(infos),
                                     std::move(load_errors), workers_per_plugin, isolation,
                                     launcher, call_timeout);
  return std::unique_ptr<Warden>(new Warden(std::move(impl)));
}

Warden::Warden(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Warden::~Warden() {
  shutdown();
}

const std::vector<runtime::PluginInfo>& Warden::plugins() const {
  return impl_->plugins;
}

const std::vector<Error>& Warden::load_errors() const {
  return impl_->load_errors;
}

warden_actor Warden::supervisor() const {
  return impl_->stopped ? warden_actor{} : impl_->supervisor;
}

std::size_t Warden::workers_per_plugin() const {
  return impl_->workers_per_plugin;
}

Isolation Warden::isolation() const {
  return impl_->isolation;
}

std::string Warden::confinement() const {
  return impl_->launcher ? impl_->launcher->confinement() : std::string{};
}

ScanReport Warden::scan(const TransactionPtr& transaction, Timeout timeout) {
  const auto wait = impl_->timeout_of(timeout);
  if (impl_->stopped) {
    return impl_->unanswered(transaction, caf::make_error(caf::sec::invalid_argument));
  }
  return impl_->ask<ScanReport>(
      wait, [&](const caf::error& why) { return impl_->unanswered(transaction, why, wait); },
      scan_atom::value, transaction);
}

ScanReport Warden::scan(const std::string& plugin_id, const TransactionPtr& transaction,
                        Timeout timeout) {
  const auto wait = impl_->timeout_of(timeout);
  auto unanswered = [&](const caf::error& why) {
    return Impl::unanswered(transaction, {plugin_id}, Impl::no_answer(impl_->system, why, wait));
  };
  if (impl_->stopped) {
    return unanswered(caf::make_error(caf::sec::invalid_argument));
  }
  return impl_->ask<ScanReport>(wait, unanswered, scan_atom::value, plugin_id, transaction);
}

std::vector<ScanReport> Warden::scan(std::vector<TransactionPtr> transactions, Timeout timeout) {
  const auto wait = impl_->timeout_of(timeout);
  auto unanswered = [&](const caf::error& why) {
    std::vector<ScanReport> reports;
    reports.reserve(transactions.size());
    for (const auto& transaction : transactions) {
      reports.push_back(impl_->unanswered(transaction, why, wait));
    }
    return reports;
  };
  if (impl_->stopped) {
    return unanswered(caf::make_error(caf::sec::invalid_argument));
  }
  if (transactions.empty()) {
    return {};
  }
  // `transactions` is copied into the message: the error path still needs its ids.
  return impl_->ask<std::vector<ScanReport>>(wait, unanswered, scan_atom::value, transactions);
}

std::future<ScanReport> Warden::scan_async(TransactionPtr transaction, Timeout timeout) {
  const auto wait = impl_->timeout_of(timeout);
  auto promise = std::make_shared<std::promise<ScanReport>>();
  auto future = promise->get_future();
  // Counted until its request is in the supervisor's mailbox, so a shutdown
  // that begins after this returns still finds it there and answers it.
  ++*impl_->unsent;
  if (impl_->stopped) {
    --*impl_->unsent;
    promise->set_value(impl_->unanswered(transaction, caf::make_error(caf::sec::invalid_argument)));
    return future;
  }
  // A pooled actor that lives until its one answer (or the timeout) arrives;
  // it copies what the error path needs, since Warden may be gone by then.
  // The transaction goes in as a spawn argument: CAF 0.17 binds a null
  // std::tuple<> when a function actor gets none (UBSan reports it).
  impl_->system.spawn(
      [supervisor = impl_->supervisor, ids = impl_->plugin_ids, wait, promise,
       unsent = impl_->unsent](caf::event_based_actor* self, TransactionPtr transaction) mutable {
        auto sent = self->request(supervisor, wait_for(wait), scan_atom::value, transaction);
        --*unsent;
        std::move(sent).then(
            [promise](ScanReport& report) { promise->set_value(std::move(report)); },
            [self, promise, ids, wait, transaction](caf::error& why) {
              promise->set_value(
                  Impl::unanswered(transaction, ids, Impl::no_answer(self->system(), why, wait)));
            });
      },
      std::move(transaction));
  return future;
}

void Warden::scan_stream(const std::function<std::optional<TransactionPtr>()>& next,
                         const std::function<void(ScanReport&&)>& on_report,
                         std::size_t max_in_flight) {
  caf::scoped_actor self{impl_->system};  // this call's own: streams run side by side
  max_in_flight = std::max<std::size_t>(1, max_in_flight);
  // Transactions travel in chunks: one message (and one wake-up of this
  // thread) per chunk instead of per transaction.
  const std::size_t chunk = stream_chunk_size(max_in_flight);
  using Handle = decltype(self->request(impl_->supervisor, caf::infinite, scan_atom::value,
                                        std::vector<TransactionPtr>{}));
  struct Pending {
    Handle handle;
    std::vector<TransactionPtr> transactions;
  };
  std::deque<Pending> pending;
  std::size_t in_flight = 0;
  bool exhausted = false;
  auto receive_front = [&] {
    auto front = std::move(pending.front());
    pending.pop_front();
    in_flight -= front.transactions.size();
    std::vector<ScanReport> reports;
    front.handle.receive([&](std::vector<ScanReport>& answer) { reports = std::move(answer); },
                         [&](caf::error& error) {
                           for (const auto& transaction : front.transactions) {
                             reports.push_back(impl_->unanswered(transaction, error));
                           }
                         });
    for (auto& report : reports) {
      on_report(std::move(report));
    }
  };
  while (!exhausted || !pending.empty()) {
    while (!exhausted && in_flight + chunk <= std::max(max_in_flight, chunk)) {
      std::vector<TransactionPtr> batch;
      batch.reserve(chunk);
      while (batch.size() < chunk) {
        auto transaction = next();
        if (!transaction) {
          exhausted = true;
          break;
        }
        batch.push_back(std::move(*transaction));
      }
      if (batch.empty()) {
        break;
      }
      in_flight += batch.size();
      if (impl_->stopped) {
        for (const auto& transaction : batch) {
          on_report(impl_->unanswered(transaction, caf::make_error(caf::sec::invalid_argument)));
        }
        in_flight -= batch.size();
        continue;
      }
      auto handle = self->request(impl_->supervisor, caf::infinite, scan_atom::value, batch);
      pending.push_back(Pending{std::move(handle), std::move(batch)});
    }
    if (!pending.empty()) {
      receive_front();
    }
  }
}

BudgetStats Warden::budget() {
  if (impl_->stopped) {
    return {};
  }
  return impl_->ask<BudgetStats>(
      impl_->call_timeout, [](const caf::error&) { return BudgetStats{}; }, budget_atom::value);
}

std::vector<PluginStats> Warden::stats() {
  if (impl_->stopped) {
    return {};
  }
  return impl_->ask<std::vector<PluginStats>>(
      impl_->call_timeout, [](const caf::error&) { return std::vector<PluginStats>{}; },
      stats_atom::value);
}

bool Warden::quarantine(const std::string& plugin_id) {
  if (impl_->stopped) {
    return false;
  }
  return impl_->ask<bool>(
      impl_->call_timeout, [](const caf::error&) { return false; }, quarantine_atom::value,
      plugin_id);
}

bool Warden::enable(const std::string& plugin_id) {
  if (impl_->stopped) {
    return false;
  }
  return impl_->ask<bool>(
      impl_->call_timeout, [](const caf::error&) { return false; }, enable_atom::value, plugin_id);
}

Result<NodeInfo> Warden::describe(Timeout timeout) {
  if (impl_->stopped) {
    return Error(ErrorCode::shutting_down, "Warden is not running");
  }
  const auto wait = impl_->timeout_of(timeout);
  Result<NodeInfo> result = Error(ErrorCode::shutting_down, "Warden is not running");
  caf::scoped_actor self{impl_->system};
  self->request(impl_->supervisor, wait_for(wait), describe_atom::value)
      .receive([&](NodeInfo& info) { result = std::move(info); },
               [&](caf::error& error) { result = Impl::no_answer(impl_->system, error, wait); });
  return result;
}

Result<plugin_actor> Warden::plugin(const std::string& plugin_id) {
  if (impl_->stopped) {
    return Error(ErrorCode::shutting_down, "Warden is not running");
  }
  Result<plugin_actor> result = Error(ErrorCode::unknown_plugin, plugin_id);
  caf::scoped_actor self{impl_->system};
  self->request(impl_->supervisor, wait_for(impl_->call_timeout), plugin_atom::value, plugin_id)
      .receive([&](plugin_actor& handle) { result = std::move(handle); },
               [&](caf::error& error) {
                 result = request_error_of(error).value_or(
                     Impl::no_answer(impl_->system, error, impl_->call_timeout));
               });
  return result;
}

void Warden::shutdown() {
  std::lock_guard<std::mutex> guard{impl_->shutdown_mutex};
  if (impl_->stopped.exchange(true)) {
    return;
  }
  // scan_async calls that returned before this are answered, not refused:
  // their requests go ahead of the shutdown request (a short wait for the
  // scheduler to run their actors).
  while (*impl_->unsent > 0) {
    std::this_thread::sleep_for(std::chrono::microseconds{200});
  }
  // The supervisor answers once every pending request is answered and every
  // worker's down message arrived, then quits. Its cleanup is waited for too
  // (termination_latch.hpp): then ~actor_system will not wait.
  (void)impl_->ask<bool>(
      kWaitForever, [](const caf::error&) { return false; }, shutdown_atom::value);
  if (!impl_->supervisor_gone.wait_for(std::chrono::seconds{30})) {
    logger()->error("the supervisor answered the shutdown but did not stop within 30 s");
  }
}

LifecycleResult Warden::add(PluginSpec spec) {
  const auto id = spec.source.empty() ? spec.path : spec.name;
  return impl_->change(id, add_atom::value, std::move(spec));
}

LifecycleResult Warden::remove(const std::string& plugin_id) {
  return impl_->change(plugin_id, remove_atom::value, plugin_id);
}

LifecycleResult Warden::reload(const std::string& plugin_id, PluginSpec spec) {
  return impl_->change(plugin_id, reload_atom::value, plugin_id, std::move(spec));
}

LifecycleResult Warden::recycle(const std::string& plugin_id) {
  return impl_->change(plugin_id, recycle_atom::value, plugin_id);
}

std::size_t Warden::abandoned_threads() const {
  return abandoned_threads_running();
}

void configure(caf::actor_system_config& config) {
  config.add_message_types<caf::id_block::warden>();
  config.add_error_category(
      caf::atom("warden"), [](uint8_t code, caf::atom_value, const caf::message& context) {
        auto text = "warden_exit(" + std::string{to_string(static_cast<errc>(code))};
        if (!context.empty()) {
          text += ", " + caf::to_string(context);
        }
        return text + ")";
      });
  config.add_error_category(
      caf::atom("warden_api"), [](uint8_t code, caf::atom_value, const caf::message& context) {
        auto text = "warden_api(" + std::string{to_string(static_cast<ErrorCode>(code))};
        if (!context.empty()) {
          text += ", " + caf::to_string(context);
        }
        return text + ")";
      });
}

void use_recommended_scheduler(caf::actor_system_config& config) {
  // Idle work-sharing workers block on a condition variable the enqueue
  // signals; idle work-stealing workers first spin and poll (sleeping in
  // between), burning a core Warden's detached workers could use. Warden's own
  // supervisor and workers are detached and depend on neither.
  config.set("scheduler.policy", caf::atom("sharing"));
}

}  // namespace warden::actors
