#include "bench/runners/recycling_engine.hpp"

#include <chrono>
#include <stdexcept>
#include <utility>

namespace warden::bench {

RecyclingEngine::RecyclingEngine(runtime::PluginSourcePtr source, runtime::EngineOptions options,
                                 uint64_t recycle_every)
    : source_(std::move(source)), options_(std::move(options)), recycle_every_(recycle_every) {
  reload();
  plugin_id_ = engine_->info().id;
}

Result<std::vector<Finding>> RecyclingEngine::scan(const TransactionPtr& transaction) {
  ++scans_since_recycle_;
  return engine_->scan(transaction);
}

std::optional<double> RecyclingEngine::recycle_if_due() {
  if (!engine_->reusable()) {
    ++restarts_;
    reload();
  }
  if (recycle_every_ == 0 || scans_since_recycle_ < recycle_every_) {
    return std::nullopt;
  }
  const auto start = std::chrono::steady_clock::now();
  reload();
  scans_since_recycle_ = 0;
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

void RecyclingEngine::reload() {
  engine_.reset();  // the old isolate goes first: never two of one plugin alive here
  auto loaded = runtime::Engine::load(source_, options_);
  if (!loaded)
    throw std::runtime_error("plugin load failed: " + loaded.error().describe());
  engine_ = std::move(loaded).value();
}

}  // namespace warden::bench
