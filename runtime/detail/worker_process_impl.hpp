#pragma once
// The state behind a WorkerProcess, shared by worker_process.cpp (scans, exit)
// and process_launcher.cpp (which builds it and runs the load). Private to runtime/.

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "runtime/detail/fork_server_link.hpp"
#include "runtime/detail/process_io.hpp"
#include "runtime/detail/process_wire.hpp"
#include "warden/worker_process.hpp"

namespace warden::runtime {

namespace wire = detail::wire;
using detail::ForkServerLink;
using detail::ProcessClock;

struct WorkerProcess::Impl {
  Impl() : frames(wire::kMaxChildFrameBytes) {}
  ~Impl();

  // Reads frames until one that is not a console line, passing console lines
  // to `console` and sending `outgoing` meanwhile; on a timeout, a malformed
  // frame or an unexpected end the child is killed or marked gone, and
  // nullopt returned.
  std::optional<wire::Frame> next_answer(ProcessClock::time_point deadline,
                                         const std::string& waiting_for);
  // Queues a request behind what is still unsent.
  void queue(std::string frame);
  // SIGKILL through the fork server, `reason` kept for exit().
  void kill(const std::string& reason);
  // Waits (bounded) for the exit status and the child's last stderr output.
  ProcessExit wait_exit() const;

  // Weak: the launcher owns the fork server; once it is gone, so are the children.
  std::weak_ptr<ForkServerLink> link;
  ForkServerLink::Child child;
  int channel = -1;
  mutable int stderr_fd = -1;
  mutable std::string stderr_text;  // what the child wrote to stderr, bounded
  wire::FrameBuffer frames;
  std::string outgoing;  // requests not yet (fully) sent; see next_answer
  std::size_t outgoing_sent = 0;
  ConsoleSink console;
  PluginInfo info;
  uint64_t heap_used_bytes = 0;
  // Atomic: the supervisor's deadline may kill() from its thread while scan() runs.
  std::atomic<bool> gone{false};  // the channel is closed or the child was killed
  mutable std::optional<ProcessExit> exit;
};

}  // namespace warden::runtime
