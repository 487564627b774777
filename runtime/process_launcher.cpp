// ProcessLauncher: finds warden-worker, keeps its fork server (restarting it
// once if it dies), and launches children: fork, then load over the channel.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <mutex>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/detail/syscall_policy.hpp"
#include "runtime/detail/worker_process_impl.hpp"
#include "runtime/inert_text.hpp"
#include "warden/worker_process.hpp"

namespace warden::runtime {
namespace {

using namespace std::chrono_literals;

// Compiling happens before the engine arms its load deadline (a huge file
// compiles for seconds); the host waits this much longer than load_timeout.
constexpr auto kLoadMargin = 5s;

std::string default_executable() {
  if (const char* path = std::getenv("WARDEN_WORKER"); path != nullptr && *path != '\0')
    return path;
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error)
    return "warden-worker";
  return (self.parent_path() / "warden-worker").string();
}

Error os_error(const char* what) {
  return Error{ErrorCode::crashed, std::string(what) + ": " + std::strerror(errno)};
}

}  // namespace

struct ProcessLauncher::Impl {
  ProcessOptions options;
  std::mutex mutex;
  std::shared_ptr<detail::ForkServerLink> link;
  bool restarted = false;

  // The current fork server; a dead one is replaced once per launcher.
  Result<std::shared_ptr<detail::ForkServerLink>> server(bool replace_dead) {
    std::lock_guard lock(mutex);
    if (link->alive() || !replace_dead || restarted)
      return link;
    restarted = true;
    auto fresh = detail::ForkServerLink::start(options.worker_executable);
    if (!fresh)
      return std::move(fresh).error();
    link = *fresh;
    return link;
  }

  std::size_t address_space(const EngineOptions& engine) const {
    if (options.address_space_limit_bytes != 0)
      return options.address_space_limit_bytes;
    return engine.limits.heap_limit_bytes + options.address_space_margin_bytes;
  }
};

ProcessLauncher::ProcessLauncher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ProcessLauncher::~ProcessLauncher() = default;

Result<std::shared_ptr<ProcessLauncher>> ProcessLauncher::start(ProcessOptions options) {
  if (options.worker_executable.empty())
    options.worker_executable = default_executable();
  auto link = detail::ForkServerLink::start(options.worker_executable);
  if (!link)
    return std::move(link).error();
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->link = *link;
  return std::shared_ptr<ProcessLauncher>(new ProcessLauncher(std::move(impl)));
}

std::string ProcessLauncher::confinement() const {
  const ProcessOptions& o = impl_->options;
  std::string text;
  if (o.address_space_limit_bytes == kNoAddressSpaceLimit)
    text = "no RLIMIT_AS";
  else if (o.address_space_limit_bytes != 0)
    text = "RLIMIT_AS " + std::to_string(o.address_space_limit_bytes >> 20) + " MiB";
  else
    text = "RLIMIT_AS heap limit + " + std::to_string(o.address_space_margin_bytes >> 20) + " MiB";
  if (o.seccomp)
    text += ", seccomp (" + std::to_string(detail::kAllowedSyscalls.size()) +
            " syscalls allowed, the rest fail with EPERM)";
  else
    text += ", no seccomp";
  return text + ", no inherited descriptors";
}

Result<std::unique_ptr<WorkerProcess>> ProcessLauncher::launch(const PluginSourcePtr& source,
                                                               const EngineOptions& options) {
  auto impl = std::make_unique<WorkerProcess::Impl>();
  impl->console = options.console;
  for (int attempt = 0;; ++attempt) {
    auto server = impl_->server(attempt == 1);
    if (!server)
      return std::move(server).error();
    int channel[2];
    int err[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, channel) != 0)
      return os_error("socketpair");
    if (::pipe2(err, O_CLOEXEC) != 0) {
      ::close(channel[0]);
      ::close(channel[1]);
      return os_error("pipe2");
    }
    const wire::LaunchRequest request{impl_->address_space(options), impl_->options.seccomp};
    auto child = (*server)->launch(request, channel[1], err[1]);
    ::close(channel[1]);
    ::close(err[1]);
    if (child) {
      impl->link = *server;
      impl->child = std::move(*child);
      impl->channel = channel[0];
      impl->stderr_fd = err[0];
      break;
    }
    ::close(channel[0]);
    ::close(err[0]);
    if (attempt == 1 || (*server)->alive())
      return std::move(child).error();
  }
  detail::set_nonblocking(impl->channel);
  detail::set_nonblocking(impl->stderr_fd);

  wire::LoadRequest load;
  load.path = source->path();
  load.code = source->code();
  if (auto cache = source->code_cache())
    load.code_cache = *cache;
  load.limits = options.limits;
  load.config_json = options.config_json;
  load.console = static_cast<bool>(options.console);
  const auto deadline = ProcessClock::now() + options.limits.load_timeout + kLoadMargin;
  const std::string path = printable(source->path());
  std::optional<wire::Frame> answer;
  if (detail::write_frame(impl->channel, wire::encode_load(load), deadline) != detail::Io::ok)
    impl->kill("it did not take its plugin before the load deadline");
  else
    answer = impl->next_answer(deadline, "the load of " + path);
  if (!answer) {
    const ProcessExit exit = impl->wait_exit();
    if (exit.kind == ProcessExit::Kind::killed)
      return Error{ErrorCode::load_timeout, "worker process killed: " + exit.detail,
                   source->path()};
    std::string why = exit.detail.empty() ? "no detail" : exit.detail;
    return Error{ErrorCode::crashed, "worker process died while loading (" + why + ")",
                 source->path()};
  }
  if (answer->type == wire::Type::load_failed) {
    auto error = wire::decode_error(answer->payload);
    return error ? std::move(error->error) : std::move(error).error();
  }
  auto loaded = answer->type == wire::Type::loaded
                    ? wire::decode_loaded(answer->payload)
                    : Result<wire::Loaded>(wire::malformed("unexpected answer to a load"));
  if (!loaded) {
    impl->kill("it sent a " + loaded.error().message);
    return Error{ErrorCode::crashed, "worker process " + loaded.error().message, source->path()};
  }
  if (!loaded->code_cache.empty() && !source->code_cache())
    source->set_code_cache(
        std::make_shared<const std::vector<uint8_t>>(std::move(loaded->code_cache)));
  impl->info = std::move(loaded->info);
  impl->heap_used_bytes = loaded->heap_used_bytes;
  return std::unique_ptr<WorkerProcess>(new WorkerProcess(std::move(impl)));
}

}  // namespace warden::runtime
