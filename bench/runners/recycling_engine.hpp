#pragma once
// One plugin's Engine, replaced in place on the calling thread: after every
// `recycle_every` scans (a recycle, timed: destroy + create + load until ready,
// the isolate recreated on the same thread) and after a scan that
// left it unusable (a restart, as Warden and the peers do). Used by the limit
// runner's in-process modes and by its plugin child processes.
//
// Threads: built, used and destroyed on one thread, like the Engine it owns.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "warden/engine.hpp"
#include "warden/finding.hpp"
#include "warden/plugin_source.hpp"
#include "warden/result.hpp"
#include "warden/transaction.hpp"

namespace warden::bench {

class RecyclingEngine {
 public:
  // Loads the plugin; throws std::runtime_error naming file and reason if it fails.
  RecyclingEngine(runtime::PluginSourcePtr source, runtime::EngineOptions options,
                  uint64_t recycle_every);

  const std::string& plugin_id() const {
    return plugin_id_;
  }

  // Scans with the current engine (timed by the caller: the scan alone).
  Result<std::vector<Finding>> scan(const TransactionPtr& transaction);

  // After a scan: replaces an engine the scan left unusable (a restart, not
  // timed), then one that served `recycle_every` scans since the last recycle
  // (a recycle); returns how long the recycle took in ms, nullopt if none.
  std::optional<double> recycle_if_due();

  uint64_t restarts() const {
    return restarts_;
  }

 private:
  void reload();

  runtime::PluginSourcePtr source_;
  runtime::EngineOptions options_;
  uint64_t recycle_every_;
  std::optional<runtime::Engine> engine_;
  std::string plugin_id_;
  uint64_t scans_since_recycle_ = 0;
  uint64_t restarts_ = 0;
};

}  // namespace warden::bench
