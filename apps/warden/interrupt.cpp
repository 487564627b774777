// The sigwait thread behind `warden scan`'s Ctrl-C handling (interrupt.hpp).
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

sigset_t handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, kWakeSignal);
  return set;
}

}  // namespace

Interrupt::Interrupt() {
  const sigset_t set = handled_signals();
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

void Interrupt::run() {
  const sigset_t set = handled_signals();
  for (;;) {
    int received = 0;
    if (sigwait(&set, &received) != 0 || received == kWakeSignal) {
      return;
    }
    int expected = 0;
    if (signal_.compare_exchange_strong(expected, received, std::memory_order_acq_rel)) {
      static const char kNote[] =
          "warden: interrupted: finishing the scans in flight and writing the report "
          "(again to quit at once)\n";
      [[maybe_unused]] auto written = ::write(2, kNote, sizeof kNote - 1);
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
