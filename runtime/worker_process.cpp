// A plugin worker in a child process, host side: scans under a per-scan
// deadline, console lines, killing through the fork server, and how it ended.
#include "warden/worker_process.hpp"

#include <cstring>
#include <signal.h>
#include <sstream>
#include <sys/wait.h>

#include "runtime/detail/worker_process_impl.hpp"
#include "runtime/inert_text.hpp"

namespace warden::runtime {
namespace {

using namespace std::chrono_literals;

// How long exit() waits for the fork server's report once the child is gone.
constexpr auto kExitReportWithin = 2s;
// What is kept of a child's stderr, and of the line quoted from it.
constexpr std::size_t kStderrKept = 16u << 10;
constexpr std::size_t kDetailBytes = 512;

std::string trim(std::string_view line) {
  while (!line.empty() && (line.front() == '#' || line.front() == ' ' || line.front() == '\t'))
    line.remove_prefix(1);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r'))
    line.remove_suffix(1);
  return std::string(line);
}

// V8's fatal line ("Fatal JavaScript invalid size error 134217729") from what
// the child wrote to stderr: the most specific line naming "Fatal", else the
// last non-empty line; escaped and bounded, as every plugin-driven text.
std::string fatal_detail(const std::string& text) {
  std::string fatal;
  std::string last;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::string trimmed = trim(line);
    if (trimmed.empty())
      continue;
    last = trimmed;
    if (trimmed.find("Fatal") == std::string::npos)
      continue;
    if (fatal.empty() || fatal.rfind("Fatal error in", 0) == 0)
      fatal = trimmed;
  }
  std::string detail = printable(fatal.empty() ? last : fatal);
  cut_to(detail, kDetailBytes);
  return detail;
}

}  // namespace

WorkerProcess::Impl::~Impl() {
  // Never waits: the kill goes to the fork server, which reaps the child.
  // Harmless when the child already exited (the server ignores reaped pids).
  if (child.exit)
    kill("the host let go of it");
  detail::close_fd(channel);
  detail::close_fd(stderr_fd);
}

void WorkerProcess::Impl::kill(const std::string& reason) {
  gone = true;
  if (!child.exit)
    return;
  if (auto server = link.lock()) {
    server->kill(child, reason);
    return;
  }
  std::lock_guard lock(child.exit->mutex);  // the server is gone, and the child with it
  if (!child.exit->kill_requested && !child.exit->status) {
    child.exit->kill_requested = true;
    child.exit->kill_reason = reason;
  }
}

std::optional<wire::Frame> WorkerProcess::Impl::next_answer(ProcessClock::time_point deadline,
                                                            const std::string& waiting_for) {
  detail::ReadFrame how{frames, stderr_fd, &stderr_text, kStderrKept, &outgoing, &outgoing_sent};
  for (;;) {
    wire::Frame frame;
    Error error;
    const detail::Io io = detail::read_frame(channel, how, frame, deadline, &error);
    if (io == detail::Io::timed_out) {
      kill("no answer to " + waiting_for + " before its deadline");
      return std::nullopt;
    }
    if (io == detail::Io::malformed) {
      kill("it sent a " + printable(error.message));
      return std::nullopt;
    }
    if (io == detail::Io::closed) {
      gone = true;
      return std::nullopt;
    }
    if (frame.type != wire::Type::console)
      return frame;
    auto line = wire::decode_console(frame.payload);
    if (!line) {
      kill("it sent a " + line.error().message);
      return std::nullopt;
    }
    if (console)
      console(line->level, line->plugin_id, line->text);
  }
}

void WorkerProcess::Impl::queue(std::string frame) {
  outgoing.erase(0, outgoing_sent);
  outgoing_sent = 0;
  outgoing += frame;
}

ProcessExit WorkerProcess::Impl::wait_exit() const {
  if (exit)
    return *exit;
  std::unique_lock lock(child.exit->mutex);
  const bool known =
      gone ? child.exit->changed.wait_for(
                 lock, kExitReportWithin,
                 [&] { return child.exit->status.has_value() || child.exit->server_lost; })
           : child.exit->status.has_value();
  if (!known)
    return ProcessExit{};  // still running
  const std::optional<int> status = child.exit->status;
  const bool kill_requested = child.exit->kill_requested;
  const std::string kill_reason = child.exit->kill_reason;
  lock.unlock();
  // The child is gone, so its stderr is at end of file: take what is left.
  if (stderr_fd >= 0) {
    detail::drain(stderr_fd, stderr_text, kStderrKept);
    detail::close_fd(stderr_fd);
  }
  ProcessExit result;
  if (!status && kill_requested) {
    result.kind = ProcessExit::Kind::killed;
    result.code = SIGKILL;
    result.detail = kill_reason;
  } else if (!status) {
    result.kind = ProcessExit::Kind::crashed;
    result.detail = "the worker fork server died with it; its exit status is unknown";
  } else if (WIFSIGNALED(*status)) {
    result.code = WTERMSIG(*status);
    if (kill_requested && result.code == SIGKILL) {
      result.kind = ProcessExit::Kind::killed;
      result.detail = kill_reason;
    } else {
      result.kind = ProcessExit::Kind::crashed;
      result.detail = fatal_detail(stderr_text);
      if (result.detail.empty())
        result.detail = std::string("signal ") + ::sigabbrev_np(result.code);
    }
  } else {
    result.code = WEXITSTATUS(*status);
    result.detail = fatal_detail(stderr_text);
    const bool fatal = result.detail.find("Fatal") != std::string::npos;
    result.kind = fatal ? ProcessExit::Kind::crashed : ProcessExit::Kind::exited;
  }
  exit = result;
  return result;
}

WorkerProcess::WorkerProcess(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

WorkerProcess::~WorkerProcess() = default;

const PluginInfo& WorkerProcess::info() const {
  return impl_->info;
}

uint64_t WorkerProcess::heap_used_bytes() const {
  return impl_->heap_used_bytes;
}

int WorkerProcess::pid() const {
  return impl_->child.pid;
}

std::size_t WorkerProcess::scan(const std::vector<TransactionPtr>& batch,
                                const std::function<void(ProcessScan&&)>& on_scan,
                                std::chrono::milliseconds per_scan_deadline) {
  // One request ahead: the child finds scan i+1 waiting when it finishes
  // scan i, instead of waiting for the host to wake up, read and write.
  // Scan i's deadline starts when the child could start it (the previous
  // answer arrived), so queueing ahead never eats into a scan's time.
  std::size_t answered = 0;
  if (batch.empty() || impl_->gone)
    return 0;
  impl_->queue(wire::encode_scan(*batch.front()));
  auto started = ProcessClock::now();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (i + 1 < batch.size())
      impl_->queue(wire::encode_scan(*batch[i + 1]));
    const std::string what = "the scan of transaction " + printable(batch[i]->id);
    std::optional<wire::Frame> frame = impl_->next_answer(started + per_scan_deadline, what);
    started = ProcessClock::now();
    if (!frame)
      break;
    if (frame->type != wire::Type::scan_done) {
      impl_->kill("it answered a scan with message type " +
                  std::to_string(static_cast<int>(frame->type)));
      break;
    }
    auto scan = wire::decode_scan_done(frame->payload);
    if (!scan) {
      impl_->kill("it sent a " + scan.error().message);
      break;
    }
    impl_->heap_used_bytes = scan->heap_used_bytes;
    ++answered;
    on_scan(std::move(*scan));
  }
  impl_->outgoing.clear();
  impl_->outgoing_sent = 0;
  return answered;
}

void WorkerProcess::kill() {
  impl_->kill("the host killed it");  // a no-op once the server reported its exit
}

ProcessExit WorkerProcess::exit() const {
  return impl_->wait_exit();
}

}  // namespace warden::runtime
