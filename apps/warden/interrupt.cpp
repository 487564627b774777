// The sigwait thread behind `warden scan`'s Ctrl-C handling and `warden
// serve`'s stop and reload signals (interrupt.hpp).
#include "apps/warden/interrupt.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <pthread.h>
#include <unistd.h>

namespace warden::cli {
namespace {

// SIGUSR2 only wakes the thread when the Interrupt is destroyed.
constexpr int kWakeSignal = SIGUSR2;

sigset_t handled_signals(Interrupt::Command command) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, kWakeSignal);
  if (command == Interrupt::Command::serve) {
    sigaddset(&set, SIGHUP);
  }
  return set;
}

}  // namespace

Interrupt::Interrupt(Command command) : command_(command) {
  const sigset_t set = handled_signals(command_);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::thread([this] { run(); });
}

Interrupt::~Interrupt() {
  pthread_kill(thread_.native_handle(), kWakeSignal);
  thread_.join();
}

void Interrupt::set_file_to_remove(const std::string& path) {
  std::lock_guard lock(mutex_);
  file_to_remove_ = path;
}

void Interrupt::wait(uint64_t seen_hangups) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return requested() || hangups() > seen_hangups; });
}

void Interrupt::run() {
  const sigset_t set = handled_signals(command_);
  for (;;) {
    int received = 0;
    if (sigwait(&set, &received) != 0 || received == kWakeSignal) {
      return;
    }
    if (received == SIGHUP) {
      std::lock_guard lock(mutex_);
      hangups_.fetch_add(1, std::memory_order_acq_rel);
      changed_.notify_all();
      continue;
    }
    int expected = 0;
    if (signal_.compare_exchange_strong(expected, received, std::memory_order_acq_rel)) {
      static const char kScanNote[] =
          "warden: interrupted: finishing the scans in flight and writing the report "
          "(again to quit at once)\n";
      static const char kServeNote[] =
          "warden: stopping: answering the scans in flight (again to quit at once)\n";
      const bool serve = command_ == Command::serve;
      [[maybe_unused]] auto written = ::write(2, serve ? kServeNote : kScanNote,
                                              serve ? sizeof kServeNote - 1 : sizeof kScanNote - 1);
      {
        std::lock_guard lock(mutex_);
        changed_.notify_all();
      }
      continue;
    }
    // The second signal: quit now, leaving no half-written --output behind.
    {
      std::lock_guard lock(mutex_);
      if (!file_to_remove_.empty()) {
        ::unlink(file_to_remove_.c_str());
      }
    }
    std::_Exit(exit_code(received));
  }
}

}  // namespace warden::cli
