// The watchdog thread that stops an engine's JavaScript at its deadline.
#include "runtime/detail/watchdog.hpp"

namespace warden::runtime::detail {
namespace {

// How long JS gets to reach an interrupt check (where we record its position)
// before the watchdog terminates it directly.
constexpr std::chrono::milliseconds kInterruptGrace{30};

}  // namespace

Watchdog::Watchdog(v8::Isolate* isolate) : isolate_(isolate), thread_([this] { run(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Watchdog::arm(std::chrono::milliseconds budget) {
  bool wake;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    deadline_ = Clock::now() + budget;
    stage_ = Stage::armed;
    fired_ = false;
    fired_line_ = 0;
    fired_column_ = 0;
    // A thread already waiting for an earlier time wakes then and re-waits for
    // the new deadline: no wake-up (futex + context switch) per scan.
    wake = !timed_wait_ || deadline_ < waiting_until_;
  }
  if (wake)
    wake_.notify_all();
}

bool Watchdog::disarm() {
  std::lock_guard<std::mutex> lock(mutex_);
  stage_ = Stage::idle;
  bool fired = fired_;
  fired_ = false;
  return fired;
}

bool Watchdog::fired() {
  std::lock_guard<std::mutex> lock(mutex_);
  return fired_;
}

void Watchdog::on_interrupt(v8::Isolate* isolate, void* data) {
  auto* self = static_cast<Watchdog*>(data);
  std::lock_guard<std::mutex> lock(self->mutex_);
  // A stale interrupt (the script finished, maybe the next one is running
  // under a fresh deadline) must do nothing.
  if (self->stage_ != Stage::interrupt_requested)
    return;
  self->stage_ = Stage::terminated;
  {
    v8::HandleScope scope(isolate);
    v8::Local<v8::StackTrace> trace = v8::StackTrace::CurrentStackTrace(isolate, 1);
    if (trace->GetFrameCount() > 0) {
      v8::Local<v8::StackFrame> frame = trace->GetFrame(isolate, 0);
      self->fired_line_ = frame->GetLineNumber();
      self->fired_column_ = frame->GetColumn();
    }
  }
  isolate->TerminateExecution();
}

void Watchdog::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    if (stage_ != Stage::armed && stage_ != Stage::interrupt_requested) {
      wake_.wait(lock);
      continue;
    }
    timed_wait_ = true;
    waiting_until_ = deadline_;
    wake_.wait_until(lock, waiting_until_);
    timed_wait_ = false;
    if (stop_ || Clock::now() < deadline_)
      continue;  // woken early or re-armed
    if (stage_ == Stage::armed) {
      stage_ = Stage::interrupt_requested;
      fired_ = true;
      deadline_ = Clock::now() + kInterruptGrace;
      isolate_->RequestInterrupt(&Watchdog::on_interrupt, this);
    } else if (stage_ == Stage::interrupt_requested) {
      stage_ = Stage::terminated;
      isolate_->TerminateExecution();
    }
  }
}

}  // namespace warden::runtime::detail
