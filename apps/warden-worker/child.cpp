// A worker-process child: confinement, the load, then the scan loop.
#include "apps/warden-worker/child.hpp"

#include <memory>
#include <signal.h>
#include <string>
#include <sys/prctl.h>
#include <unistd.h>

#include "apps/warden-worker/confinement.hpp"
#include "runtime/detail/process_io.hpp"
#include "warden/engine.hpp"

namespace warden::worker {
namespace {

namespace wire = runtime::detail::wire;
using runtime::detail::read_frame_blocking;
using runtime::detail::write_frame_blocking;

[[noreturn]] void fail(const std::string& why) {
  write_frame_blocking(kChannelFd,
                       wire::encode_error(wire::Type::load_failed, Error{ErrorCode::crashed, why}));
  ::_exit(1);
}

// The fork server blocks signals for its own loop; a child starts clean.
void reset_signals(pid_t server) {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGCHLD, SIG_DFL);
  ::signal(SIGPIPE, SIG_IGN);  // a closed channel is an error from send(), not a signal
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != server)
    ::_exit(1);  // the server died before the line above
}

runtime::EngineOptions engine_options(const wire::LoadRequest& load) {
  runtime::EngineOptions options;
  options.limits = load.limits;
  options.config_json = load.config_json;
  if (load.console) {
    options.console = [](runtime::LogLevel level, std::string_view id, std::string_view text) {
      const auto frame = wire::encode_console({level, std::string(id), std::string(text)});
      if (!write_frame_blocking(kChannelFd, frame))
        ::_exit(0);  // the host is gone
    };
  }
  return options;
}

[[noreturn]] void serve(runtime::Engine& engine) {
  wire::FrameBuffer frames(wire::kMaxHostFrameBytes);
  for (;;) {
    auto frame = read_frame_blocking(kChannelFd, frames, nullptr);
    if (!frame || frame->type != wire::Type::scan)
      ::_exit(0);  // stop, end of file, or a host that speaks nonsense
    auto transaction = wire::decode_scan(frame->payload);
    if (!transaction)
      ::_exit(1);
    auto shared = std::make_shared<const Transaction>(std::move(*transaction));
    runtime::ProcessScan answer;
    answer.findings = engine.scan(shared);
    answer.reusable = engine.reusable();
    answer.executions = engine.executions();
    answer.heap_used_bytes = engine.heap_used_after_last_scan();
    if (!write_frame_blocking(kChannelFd, wire::encode_scan_done(answer)))
      ::_exit(0);
  }
}

}  // namespace

void run_child(int channel, int stderr_fd, pid_t server, const wire::LaunchRequest& request) {
  reset_signals(server);
  std::string why;
  if (!keep_only_channel(channel, stderr_fd, why))
    ::_exit(1);  // no channel to say it on; the host sees end of file and exit code 1
  if (!limit_address_space(request.address_space_limit_bytes, why))
    fail(why);
  wire::FrameBuffer frames(wire::kMaxHostFrameBytes);
  auto frame = read_frame_blocking(kChannelFd, frames, nullptr);
  if (!frame || frame->type != wire::Type::load)
    ::_exit(0);
  auto load = wire::decode_load(frame->payload);
  if (!load)
    fail(load.error().message);
  auto source = std::make_shared<const runtime::PluginSource>(load->path, load->code);
  const bool had_cache = !load->code_cache.empty();
  if (had_cache)
    source->set_code_cache(
        std::make_shared<const std::vector<uint8_t>>(std::move(load->code_cache)));
  auto engine = runtime::Engine::load(source, engine_options(*load));
  if (!engine) {
    write_frame_blocking(kChannelFd, wire::encode_error(wire::Type::load_failed, engine.error()));
    ::_exit(0);
  }
  // The engine (and its watchdog thread) exists: from here on a scan needs
  // no new descriptor, process or thread.
  if (request.seccomp && !apply_syscall_filter(why))
    fail("cannot apply the seccomp filter: " + why);
  wire::Loaded loaded;
  loaded.info = engine->info();
  loaded.heap_used_bytes = engine->stats().heap_used_bytes;
  if (!had_cache) {
    if (auto cache = source->code_cache())
      loaded.code_cache = *cache;
  }
  if (!write_frame_blocking(kChannelFd, wire::encode_loaded(loaded)))
    ::_exit(0);
  serve(*engine);
}

}  // namespace warden::worker
