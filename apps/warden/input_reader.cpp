// The reader thread of `warden scan`: HAR files in, queued transactions and
// positioned input errors out (input_reader.hpp).
#include "apps/warden/input_reader.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <istream>
#include <map>
#include <memory>
#include <poll.h>
#include <streambuf>
#include <system_error>
#include <unistd.h>
#include <utility>

#include "apps/warden/har_warnings.hpp"
#include "apps/warden/input_files.hpp"
#include "warden/har_reader.hpp"

namespace warden::cli {
namespace {

namespace fs = std::filesystem;

// Reads a file or standard input through a 64 KiB buffer and counts the
// bytes handed to the parser, so the progress bar can show how far into the
// input we are. It waits for input in slices of 100 ms and reads as ended
// once a SIGINT/SIGTERM arrived, so an idle pipe on stdin cannot hold up the
// end of an interrupted run.
class CountingFileBuffer final : public std::streambuf {
 public:
  CountingFileBuffer(std::atomic<uint64_t>& counter, const Interrupt& interrupt)
      : counter_(counter), interrupt_(interrupt) {}
  ~CountingFileBuffer() override {
    if (fd_ > 0) {
      ::close(fd_);
    }
  }
  CountingFileBuffer(const CountingFileBuffer&) = delete;
  CountingFileBuffer& operator=(const CountingFileBuffer&) = delete;

  bool open(const std::string& path) {
    fd_ = path == kStdinInput ? 0 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    return fd_ >= 0;
  }

  // True when reading failed (not at the end of input).
  bool failed() const {
    return failed_;
  }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) {
      return traits_type::to_int_type(*gptr());
    }
    for (;;) {
      if (interrupt_.requested()) {
        return traits_type::eof();
      }
      pollfd ready{fd_, POLLIN, 0};
      const int polled = ::poll(&ready, 1, 100);
      if (polled == 0 || (polled < 0 && errno == EINTR)) {
        continue;
      }
      const ssize_t got = ::read(fd_, buffer_, sizeof buffer_);
      if (got < 0 && errno == EINTR) {
        continue;
      }
      if (got <= 0) {
        failed_ = got < 0;
        return traits_type::eof();
      }
      counter_.fetch_add(static_cast<uint64_t>(got), std::memory_order_relaxed);
      setg(buffer_, buffer_, buffer_ + got);
      return traits_type::to_int_type(*gptr());
    }
  }

 private:
  std::atomic<uint64_t>& counter_;
  const Interrupt& interrupt_;
  int fd_ = -1;
  bool failed_ = false;
  char buffer_[64 * 1024];
};

// Transaction id prefixes: "demo.har#" when file names are unique among the
// inputs, else the path as given, so ids stay unique within the run.
std::vector<std::string> id_prefixes(const std::vector<std::string>& inputs) {
  std::map<std::string, int> basenames;
  for (const auto& input : inputs) {
    ++basenames[fs::path(input).filename().string()];
  }
  std::vector<std::string> prefixes;
  std::map<std::string, int> used;
  for (const auto& input : inputs) {
    const std::string base = fs::path(input).filename().string();
    std::string prefix = basenames[base] == 1 ? base : input;
    if (int n = ++used[prefix]; n > 1) {
      prefix += "~" + std::to_string(n);
    }
    prefixes.push_back(prefix + "#");
  }
  return prefixes;
}

// The 0-based entry index in a transaction id made with `prefix`.
uint64_t entry_index(const std::string& id, const std::string& prefix) {
  if (id.size() > prefix.size() && id.compare(0, prefix.size(), prefix) == 0) {
    return std::strtoull(id.c_str() + prefix.size(), nullptr, 10);
  }
  return 0;
}

// Streams one HAR file into `on_entry`, counting the bytes read in `bytes_read`.
Result<runtime::HarReadSummary> read_input(const std::string& path, const std::string& prefix,
                                           const runtime::EntryHandler& on_entry,
                                           const runtime::HarWarningHandler& on_warning,
                                           std::atomic<uint64_t>& bytes_read,
                                           const Interrupt& interrupt) {
  std::error_code ec;
  if (path != kStdinInput && fs::is_directory(path, ec)) {
    return Error{ErrorCode::file_unreadable, path + ": is a directory", path};
  }
  CountingFileBuffer buffer(bytes_read, interrupt);
  if (!buffer.open(path)) {
    return Error{ErrorCode::file_unreadable,
                 path + ": cannot open for reading: " + std::strerror(errno), path};
  }
  std::istream in(&buffer);
  const std::string name = path == kStdinInput ? "stdin" : path;
  auto result = runtime::read_har_stream(in, name, on_entry, prefix, on_warning);
  if (buffer.failed()) {
    return Error{ErrorCode::file_unreadable, name + ": read error: " + std::strerror(errno), path};
  }
  return result;
}

}  // namespace

InputReader::InputReader(const std::vector<std::string>& inputs, std::size_t capacity,
                         const Interrupt& interrupt)
    : inputs_(inputs), prefixes_(id_prefixes(inputs)), queue_(capacity), interrupt_(interrupt) {}

InputReader::~InputReader() {
  stop();
}

void InputReader::start() {
  thread_ = std::thread([this] { run(); });
}

std::optional<QueuedTransaction> InputReader::next() {
  // After a signal nothing more is handed out: what is queued was never scanned.
  if (interrupt_.requested()) {
    return std::nullopt;
  }
  return queue_.pop();
}

void InputReader::stop() {
  queue_.close();
  if (thread_.joinable()) {
    thread_.join();
  }
}

std::vector<Error> InputReader::take_errors_until(uint64_t transactions) {
  std::lock_guard lock(mutex_);
  std::vector<Error> ready;
  while (!errors_.empty() && errors_.front().after_transactions <= transactions) {
    ready.push_back(std::move(errors_.front().error));
    errors_.pop_front();
  }
  return ready;
}

std::vector<Error> InputReader::take_all_errors() {
  return take_errors_until(UINT64_MAX);
}

uint64_t InputReader::bytes_read() const {
  return bytes_read_.load(std::memory_order_relaxed);
}

uint64_t InputReader::input_errors() const {
  return input_errors_.load();
}

void InputReader::run() {
  uint64_t queued = 0;
  for (std::size_t i = 0; i < inputs_.size(); ++i) {
    const std::string& path = inputs_[i];
    bool stopped = false;
    auto on_entry = [&](Transaction&& transaction) {
      if (interrupt_.requested()) {
        stopped = true;
        return false;
      }
      QueuedTransaction item;
      item.ref = TransactionRef{transaction.id, transaction.request.url, path,
                                entry_index(transaction.id, prefixes_[i])};
      item.transaction = std::make_shared<const Transaction>(std::move(transaction));
      if (!queue_.push(std::move(item))) {
        stopped = true;
        return false;
      }
      ++queued;
      return true;
    };
    HarWarnings warnings(path == kStdinInput ? "stdin" : path);
    auto on_warning = [&warnings](std::string&& warning) { warnings.add(std::move(warning)); };
    auto result = read_input(path, prefixes_[i], on_entry, on_warning, bytes_read_, interrupt_);
    warnings.finish();
    if (stopped || interrupt_.requested()) {
      break;
    }
    if (!result.ok()) {
      Error error = std::move(result).error();
      if (error.file.empty()) {
        error.file = path;
      }
      ++input_errors_;
      std::lock_guard lock(mutex_);
      errors_.push_back(PendingInputError{std::move(error), queued});
    }
  }
  queue_.close();
}

uint64_t total_input_bytes(const std::vector<std::string>& inputs) {
  uint64_t total = 0;
  for (const auto& input : inputs) {
    std::error_code ec;
    if (input == kStdinInput) {
      continue;
    }
    const auto size = fs::file_size(input, ec);
    if (!ec) {
      total += size;
    }
  }
  return total;
}

}  // namespace warden::cli
