#pragma once
// The input side of `warden scan`: a thread that reads the HAR files in order
// and hands their transactions to the scan through a bounded queue, recording
// each input error at its place in the stream. Used by the scan command.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "apps/warden/bounded_queue.hpp"
#include "apps/warden/interrupt.hpp"
#include "apps/warden/report.hpp"
#include "warden/error.hpp"
#include "warden/transaction.hpp"

namespace warden::cli {

// One transaction on its way from the reader thread to the plugins.
struct QueuedTransaction {
  TransactionPtr transaction;
  TransactionRef ref;
};

// Reads every input in order on its own thread, pushing transactions into the
// bounded queue (blocking when the scanners lag, so a large file is read only
// as fast as it is scanned) and recording input errors. Transaction ids are
// "demo.har#3" when file names are unique among the inputs, else the path as
// given, so ids stay unique within the run.
class InputReader {
 public:
  // Stops reading (and handing out) at the first SIGINT/SIGTERM `interrupt` saw.
  InputReader(const std::vector<std::string>& inputs, std::size_t capacity,
              const Interrupt& interrupt);
  ~InputReader();  // stop()
  InputReader(const InputReader&) = delete;
  InputReader& operator=(const InputReader&) = delete;

  void start();

  // Pull side (scan_stream's `next`): blocks until a transaction is read;
  // nullopt once every input was read or the reader was stopped.
  std::optional<QueuedTransaction> next();

  // Unblocks and ends the reader early (error paths); idempotent.
  void stop();

  // Input errors whose position is at or before `transactions` handled, so
  // the report shows each after the findings of the entries read before it.
  std::vector<Error> take_errors_until(uint64_t transactions);
  std::vector<Error> take_all_errors();

  // Input bytes handed to the HAR parser so far (all files), for the progress bar.
  uint64_t bytes_read() const;

  uint64_t input_errors() const;

 private:
  // An input error and how many transactions had been queued before it.
  struct PendingInputError {
    Error error;
    uint64_t after_transactions = 0;
  };

  void run();

  const std::vector<std::string>& inputs_;
  const std::vector<std::string> prefixes_;
  BoundedQueue<QueuedTransaction> queue_;
  std::thread thread_;
  std::atomic<uint64_t> bytes_read_{0};
  std::atomic<uint64_t> input_errors_{0};
  std::mutex mutex_;
  std::deque<PendingInputError> errors_;
  const Interrupt& interrupt_;
};

// Summed size of the input files (those that can be sized), for the progress
// bar's percentage.
uint64_t total_input_bytes(const std::vector<std::string>& inputs);

}  // namespace warden::cli
