// Deadline-bounded frame I/O over sockets, and descriptor-passing datagrams.
#include "runtime/detail/process_io.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace warden::runtime::detail {
namespace {

// Milliseconds until `deadline` for poll(), at least 0, rounded up.
int poll_timeout(ProcessClock::time_point deadline) {
  const auto left = deadline - ProcessClock::now();
  if (left <= ProcessClock::duration::zero())
    return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return ms > 60'000 ? 60'000 : static_cast<int>(ms);
}

constexpr std::size_t kChunk = 64u << 10;

// One receive buffer per thread, not one allocation (and zero fill) per frame.
char* receive_buffer() {
  thread_local std::array<char, kChunk> buffer;
  return buffer.data();
}

}  // namespace

void set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

void close_fd(int& fd) {
  if (fd >= 0)
    ::close(fd);
  fd = -1;
}

Io write_frame(int fd, std::string_view data, ProcessClock::time_point deadline) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
      return Io::closed;
    if (ProcessClock::now() >= deadline)
      return Io::timed_out;
    pollfd p{fd, POLLOUT, 0};
    const int ready = ::poll(&p, 1, poll_timeout(deadline));
    if (ready < 0 && errno != EINTR)
      return Io::closed;
    if (ready > 0 && (p.revents & (POLLERR | POLLHUP | POLLNVAL)) && !(p.revents & POLLOUT))
      return Io::closed;
  }
  return Io::ok;
}

void drain(int fd, std::string& text, std::size_t max) {
  std::array<char, 4096> chunk;
  // At most a pipe's capacity per call: a child that writes as fast as we
  // read must not keep the caller here.
  for (int round = 0; round < 16; ++round) {
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    const std::size_t room = text.size() < max ? max - text.size() : 0;
    text.append(chunk.data(), std::min<std::size_t>(room, static_cast<std::size_t>(n)));
  }
}

// Sends what it can of `how`'s outgoing bytes without blocking; false when
// the socket failed.
static bool flush_some(int fd, ReadFrame& how) {
  while (how.outgoing != nullptr && *how.outgoing_sent < how.outgoing->size()) {
    const std::size_t sent = *how.outgoing_sent;
    const ssize_t n = ::send(fd, how.outgoing->data() + sent, how.outgoing->size() - sent,
                             MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      *how.outgoing_sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
  return true;
}

Io read_frame(int fd, ReadFrame& how, wire::Frame& frame, ProcessClock::time_point deadline,
              Error* error) {
  char* chunk = receive_buffer();
  for (;;) {
    auto next = how.buffer.next();
    if (!next) {
      if (error)
        *error = std::move(next).error();
      return Io::malformed;
    }
    if (next->has_value()) {
      frame = std::move(**next);
      return Io::ok;
    }
    if (!flush_some(fd, how))
      return Io::closed;
    const ssize_t n = ::recv(fd, chunk, kChunk, MSG_DONTWAIT);
    if (n > 0) {
      how.buffer.feed(chunk, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0)
      return Io::closed;
    if (errno == EINTR)
      continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      return Io::closed;
    // Checked on every round, not only when poll() times out: a child that
    // keeps its stderr busy must not keep the host past the deadline.
    if (ProcessClock::now() >= deadline)
      return Io::timed_out;
    const bool writing = how.outgoing != nullptr && *how.outgoing_sent < how.outgoing->size();
    const short events = static_cast<short>(POLLIN | (writing ? POLLOUT : 0));
    std::array<pollfd, 2> p{pollfd{fd, events, 0}, pollfd{how.side_fd, POLLIN, 0}};
    const nfds_t count = how.side_fd >= 0 ? 2 : 1;
    if (::poll(p.data(), count, poll_timeout(deadline)) < 0 && errno != EINTR)
      return Io::closed;
    if (count == 2 && (p[1].revents & (POLLIN | POLLHUP))) {
      drain(how.side_fd, *how.side_text, how.side_max);
      if (p[1].revents & POLLHUP)
        how.side_fd = -1;  // the child closed its stderr; stop polling it
    }
  }
}

bool write_frame_blocking(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::optional<wire::Frame> read_frame_blocking(int fd, wire::FrameBuffer& buffer, Error* error) {
  char* chunk = receive_buffer();
  for (;;) {
    auto next = buffer.next();
    if (!next) {
      if (error)
        *error = std::move(next).error();
      return std::nullopt;
    }
    if (next->has_value())
      return std::move(**next);
    const ssize_t n = ::recv(fd, chunk, kChunk, 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return std::nullopt;
    buffer.feed(chunk, static_cast<std::size_t>(n));
  }
}

bool send_datagram(int fd, std::string_view data, const std::vector<int>& fds) {
  iovec iov{const_cast<char*>(data.data()), data.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int) * 2)> control{};
  if (!fds.empty()) {
    msg.msg_control = control.data();
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
    cmsghdr* header = CMSG_FIRSTHDR(&msg);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(header), fds.data(), sizeof(int) * fds.size());
  }
  for (;;) {
    const ssize_t n = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    return n == static_cast<ssize_t>(data.size());
  }
}

bool receive_datagram(int fd, std::string& data, std::vector<int>& fds) {
  data.assign(4096, '\0');
  iovec iov{data.data(), data.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int) * 2)> control{};
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  ssize_t n = 0;
  do {
    n = ::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n <= 0)
    return false;
  data.resize(static_cast<std::size_t>(n));
  fds.clear();
  for (cmsghdr* h = CMSG_FIRSTHDR(&msg); h != nullptr; h = CMSG_NXTHDR(&msg, h)) {
    if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
      continue;
    const std::size_t count = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < count; ++i) {
      int received = -1;
      std::memcpy(&received, CMSG_DATA(h) + i * sizeof(int), sizeof(int));
      fds.push_back(received);
    }
  }
  if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
    for (int& received : fds)
      close_fd(received);
    fds.clear();
    data.clear();  // parse_datagram rejects it
  }
  return true;
}

}  // namespace warden::runtime::detail
