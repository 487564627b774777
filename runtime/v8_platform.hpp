#pragma once
// Process-wide V8 set-up, owned by one object. Build it in main() (or a test's
// main) before any Engine and before the caf::actor_system, so it is destroyed
// after both. V8 cannot be initialised twice in a process: a second V8Platform
// is an error.

#include <memory>
#include <string>

namespace warden::runtime {

class V8Platform {
 public:
  // Initialises V8 and checks that the V8 the headers described (compile time)
  // is the V8 that was linked (run time); throws std::runtime_error if not,
  // or if V8 was initialised before in this process.
  V8Platform();
  ~V8Platform();
  V8Platform(const V8Platform&) = delete;
  V8Platform& operator=(const V8Platform&) = delete;

  // "10.2.154.26-node.37": the linked V8.
  static std::string version();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace warden::runtime
