#pragma once
// How `warden scan` and `warden serve` hear SIGINT, SIGTERM (and serve's
// SIGHUP): the signals are blocked in every thread and taken by one sigwait
// thread, which only records them (the first SIGINT/SIGTERM in an atomic that
// the input side polls, SIGHUPs in a count that serve waits on), and ends the
// process at once on a second SIGINT/SIGTERM. Built by main() before any
// other thread starts.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace warden::cli {

// Owns the sigwait thread. Construct it on the main thread before any other
// thread exists (V8's platform, the actor system, the input reader): threads
// inherit the signal mask, and a thread that does not block SIGINT would get
// the default action (the process dies with nothing written).
class Interrupt {
 public:
  // Which command listens: `serve` also takes SIGHUP (reload the plugins);
  // for `scan` SIGHUP keeps its default action.
  enum class Command : uint8_t { scan, serve };

  explicit Interrupt(Command command = Command::scan);
  ~Interrupt();  // wakes and joins the sigwait thread; the signals stay blocked
  Interrupt(const Interrupt&) = delete;
  Interrupt& operator=(const Interrupt&) = delete;

  // The first SIGINT or SIGTERM received, 0 while none was. Safe from any thread.
  int signal() const {
    return signal_.load(std::memory_order_acquire);
  }
  bool requested() const {
    return signal() != 0;
  }

  // The exit code of a run that `signal` ended: 128 + its number (130, 143).
  static int exit_code(int signal) {
    return 128 + signal;
  }

  // SIGHUPs received so far (Command::serve only).
  uint64_t hangups() const {
    return hangups_.load(std::memory_order_acquire);
  }

  // Blocks until a SIGINT/SIGTERM was received or hangups() is past
  // `seen_hangups`, whichever comes first.
  void wait(uint64_t seen_hangups);

  // A file to delete if a second signal ends the process before the output
  // is complete (the --output temporary); "" for none.
  void set_file_to_remove(const std::string& path);

 private:
  void run();

  const Command command_;
  std::atomic<int> signal_{0};
  std::atomic<uint64_t> hangups_{0};
  std::mutex mutex_;
  std::condition_variable changed_;  // signal_ or hangups_ changed; under mutex_
  std::string file_to_remove_;
  std::thread thread_;
};

}  // namespace warden::cli
