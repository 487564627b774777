#pragma once
// Process-wide V8 set-up, owned by one object. Build it in main() (or a test's
// main) before any Engine and before the caf::actor_system, so it is destroyed
// after both. V8 cannot be initialised twice in a process: a second V8Platform
// is an error.

#include <cstdint>
#include <memory>
#include <string>

namespace warden::runtime {

class V8Platform {
 public:
  // Whether V8 may run work on threads of its own.
  enum class Threads : uint8_t {
    pool,  // a worker thread pool (concurrent GC and compilation): the host's choice
    none,  // no thread at all (V8's --single-threaded): a process that forks after
           // initialising V8 (warden-worker's fork server) must have no other thread
  };

  // Initialises V8 and checks that the V8 the headers described (compile time)
  // is the V8 that was linked (run time); throws std::runtime_error if not,
  // or if V8 was initialised before in this process.
  explicit V8Platform(Threads threads = Threads::pool);
  ~V8Platform();
  V8Platform(const V8Platform&) = delete;
  V8Platform& operator=(const V8Platform&) = delete;

  // "10.2.154.26-node.37": the linked V8.
  static std::string version();

  // Whether a V8Platform is alive in this process now. Loading an engine
  // without one would crash inside V8; Engine::load and Warden::start check
  // this first and answer an error that says what to do.
  static bool alive();

  // The error those checks answer, naming the fix.
  static std::string missing_message();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace warden::runtime
