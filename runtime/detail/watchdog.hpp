#pragma once
// Per-engine time limit enforcer: a thread that stops the engine's JavaScript
// once a deadline passes. Private to runtime/ (included by engine.cpp only).
//
// Threads: armed and disarmed on the engine's thread; the watchdog thread
// touches the isolate only through RequestInterrupt() and TerminateExecution(),
// both documented as callable from any thread. One mutex makes "the script
// finished" (disarm) and "the deadline hit" mutually exclusive, so a late timer
// can never terminate the NEXT script (a TerminateExecution() issued while no
// JS runs kills whatever script runs next).

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <v8.h>

namespace warden::runtime::detail {

class Watchdog {
 public:
  using Clock = std::chrono::steady_clock;

  // Starts the watchdog thread; `isolate` must outlive this object.
  explicit Watchdog(v8::Isolate* isolate);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // Starts a deadline `budget` from now. At the deadline the watchdog asks the
  // JS thread (interrupt) to record where it is and terminate; if JS does not
  // reach an interrupt check within a short grace period it terminates directly.
  void arm(std::chrono::milliseconds budget);

  // Ends the current deadline. True when it fired (a termination was or is
  // being requested; the caller must CancelTerminateExecution()).
  bool disarm();

  // Whether the current deadline fired; it stays armed. Engine thread: a
  // loop that runs JS piecewise (one pending task at a time) checks it
  // between pieces, since each piece, once terminated, returns normally.
  bool fired();

  // 1-based line/column of the JS frame that was running when the deadline hit
  // (0 when unknown: no JS frame, or direct termination). Engine thread only.
  int fired_line() const {
    return fired_line_;
  }
  int fired_column() const {
    return fired_column_;
  }

 private:
  enum class Stage { idle, armed, interrupt_requested, terminated };

  static void on_interrupt(v8::Isolate* isolate, void* data);
  void run();

  v8::Isolate* isolate_;
  std::mutex mutex_;
  std::condition_variable wake_;
  Clock::time_point deadline_{};
  Stage stage_ = Stage::idle;
  bool fired_ = false;
  bool stop_ = false;
  bool timed_wait_ = false;  // the thread sleeps until waiting_until_
  Clock::time_point waiting_until_{};
  int fired_line_ = 0;  // written on the JS thread (interrupt), read there too
  int fired_column_ = 0;
  std::thread thread_;  // last: starts once every other member is initialised
};

// Arms a watchdog for one scan (or one load) and disarms it when it goes out of
// scope, so no early return can leave a deadline armed.
class ScanDeadline {
 public:
  ScanDeadline(Watchdog& watchdog, std::chrono::milliseconds budget) : watchdog_(watchdog) {
    watchdog_.arm(budget);
  }
  ~ScanDeadline() {
    if (!finished_)
      watchdog_.disarm();
  }
  ScanDeadline(const ScanDeadline&) = delete;
  ScanDeadline& operator=(const ScanDeadline&) = delete;

  // Disarms now; true when the deadline fired.
  bool finish() {
    finished_ = true;
    return watchdog_.disarm();
  }

 private:
  Watchdog& watchdog_;
  bool finished_ = false;
};

}  // namespace warden::runtime::detail
