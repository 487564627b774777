// The facade: validates plugins, spawns the supervisor and forwards blocking calls to it.
#include "warden/warden.hpp"

#include <deque>
#include <mutex>
#include <spdlog/spdlog.h>
#include <thread>
#include <utility>

#include "actors/plugin_validator.hpp"
#include "actors/plugin_worker.hpp"
#include "actors/supervisor.hpp"
#include "actors/worker_protocol.hpp"
#include "runtime/inert_text.hpp"
#include "warden/logger.hpp"
#include "warden/v8_platform.hpp"

namespace warden::actors {

// The facade's blocking calls go through one scoped_actor; the mutex makes
// calls from several host threads take turns on it.
struct Warden::Impl {
  Impl(caf::actor_system& system, warden_actor supervisor, std::vector<runtime::PluginInfo> plugins,
       std::vector<Error> load_errors, std::size_t workers_per_plugin, Isolation isolation,
       std::shared_ptr<runtime::ProcessLauncher> launcher)
      : system(system),
        supervisor(std::move(supervisor)),
        plugins(std::move(plugins)),
        load_errors(std::move(load_errors)),
        workers_per_plugin(workers_per_plugin),
        isolation(isolation),
        launcher(std::move(launcher)),
        self(system) {}

  // An answer for every plugin when the supervisor itself cannot answer.
  ScanReport unanswered(const TransactionPtr& transaction, const caf::error& why) const {
    ScanReport report;
    report.transaction_id = transaction ? transaction->id : std::string{};
    for (const auto& plugin : plugins) {
      report.failures.push_back(PluginFailure{
          plugin.id,
          Error(ErrorCode::shutting_down, "Warden is not running: " + system.render(why))});
    }
    return report;
  }

  // A lifecycle request on a scoped_actor of its own: holds the mutex only to
  // read the handle, so a reload's validating load never stalls scans.
  template <class... Ts>
  LifecycleResult ask(const std::string& plugin_id, Ts&&... xs) {
    warden_actor target;
    {
      std::lock_guard<std::mutex> guard{mutex};
      if (!stopped) {
        target = supervisor;
      }
    }
    LifecycleResult result{plugin_id, {}, Error(ErrorCode::shutting_down, "Warden is not running")};
    if (!target) {
      return result;
    }
    caf::scoped_actor asker{system};
    asker->request(target, caf::infinite, std::forward<Ts>(xs)...)
        .receive([&](LifecycleResult& answer) { result = std::move(answer); },
                 [&](caf::error& why) { result.error->message += ": " + system.render(why); });
    return result;
  }

  caf::actor_system& system;
  warden_actor supervisor;
  std::vector<runtime::PluginInfo> plugins;
  std::vector<Error> load_errors;
  std::size_t workers_per_plugin = 0;
  Isolation isolation = Isolation::thread;
  std::shared_ptr<runtime::ProcessLauncher> launcher;  // Isolation::process
  std::mutex mutex;
  caf::scoped_actor self;
  bool stopped = false;
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
  auto supervisor = spawn_supervisor(system, std::move(supervised), std::move(config), launcher);
  auto impl =
      std::make_unique<Impl>(system, std::move(supervisor), std::move(infos),
                             std::move(load_errors), workers_per_plugin, isolation, launcher);
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
  return impl_->supervisor;
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

ScanReport Warden::scan(const TransactionPtr& transaction) {
  std::lock_guard<std::mutex> guard{impl_->mutex};
  if (impl_->stopped) {
    return impl_->unanswered(transaction, caf::make_error(caf::sec::invalid_argument));
  }
  ScanReport result;
  impl_->self->request(impl_->supervisor, caf::infinite, scan_atom::value, transaction)
      .receive([&](ScanReport& report) { result = std::move(report); },
               [&](caf::error& error) { result = impl_->unanswered(transaction, error); });
  return result;
}

void Warden::scan_stream(const std::function<std::optional<TransactionPtr>()>& next,
                         const std::function<void(ScanReport&&)>& on_report,
                         std::size_t max_in_flight) {
  std::lock_guard<std::mutex> guard{impl_->mutex};
  auto& self = impl_->self;
  max_in_flight = std::max<std::size_t>(1, max_in_flight);
  // Transactions travel in chunks: one message (and one wake-up of this
  // thread) per chunk instead of per transaction; several chunks stay in
  // flight so the workers never wait for the host.
  const std::size_t chunk = std::clamp<std::size_t>(max_in_flight / 4, 1, 16);
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
  std::lock_guard<std::mutex> guard{impl_->mutex};
  BudgetStats result;
  if (impl_->stopped) {
    return result;
  }
  impl_->self->request(impl_->supervisor, caf::infinite, budget_atom::value)
      .receive([&](BudgetStats& stats) { result = stats; }, [&](caf::error&) {});
  return result;
}

std::vector<PluginStats> Warden::stats() {
  std::lock_guard<std::mutex> guard{impl_->mutex};
  std::vector<PluginStats> result;
  if (impl_->stopped) {
    return result;
  }
  impl_->self->request(impl_->supervisor, caf::infinite, stats_atom::value)
      .receive([&](std::vector<PluginStats>& stats) { result = std::move(stats); },
               [&](caf::error&) {});
  return result;
}

bool Warden::quarantine(const std::string& plugin_id) {
  std::lock_guard<std::mutex> guard{impl_->mutex};
  bool result = false;
  if (impl_->stopped) {
    return result;
  }
  impl_->self->request(impl_->supervisor, caf::infinite, quarantine_atom::value, plugin_id)
      .receive([&](bool ok) { result = ok; }, [&](caf::error&) {});
  return result;
}

bool Warden::enable(const std::string& plugin_id) {
  std::lock_guard<std::mutex> guard{impl_->mutex};
  bool result = false;
  if (impl_->stopped) {
    return result;
  }
  impl_->self->request(impl_->supervisor, caf::infinite, enable_atom::value, plugin_id)
      .receive([&](bool ok) { result = ok; }, [&](caf::error&) {});
  return result;
}

Result<plugin_actor> Warden::plugin(const std::string& plugin_id) {
  std::lock_guard<std::mutex> guard{impl_->mutex};
  if (impl_->stopped) {
    return Error(ErrorCode::shutting_down, "Warden is not running");
  }
  Result<plugin_actor> result = Error(ErrorCode::unknown_plugin, plugin_id);
  impl_->self->request(impl_->supervisor, caf::infinite, plugin_atom::value, plugin_id)
      .receive([&](plugin_actor& handle) { result = std::move(handle); },
               [&](caf::error& error) {
                 result = request_error_of(error).value_or(
                     Error(ErrorCode::shutting_down, impl_->system.render(error)));
               });
  return result;
}

void Warden::shutdown() {
  std::lock_guard<std::mutex> guard{impl_->mutex};
  if (impl_->stopped) {
    return;
  }
  impl_->stopped = true;
  // The supervisor answers once every pending request is answered and every
  // worker's down message arrived, then quits: ~actor_system will not wait.
  impl_->self->request(impl_->supervisor, caf::infinite, shutdown_atom::value)
      .receive([](bool) {}, [](caf::error&) {});
  impl_->supervisor = nullptr;
}

LifecycleResult Warden::add(PluginSpec spec) {
  return impl_->ask(spec.source.empty() ? spec.path : spec.name, add_atom::value, std::move(spec));
}

LifecycleResult Warden::remove(const std::string& plugin_id) {
  return impl_->ask(plugin_id, remove_atom::value, plugin_id);
}

LifecycleResult Warden::reload(const std::string& plugin_id, PluginSpec spec) {
  return impl_->ask(plugin_id, reload_atom::value, plugin_id, std::move(spec));
}

LifecycleResult Warden::recycle(const std::string& plugin_id) {
  return impl_->ask(plugin_id, recycle_atom::value, plugin_id);
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
