#pragma once
// One RemoteWarden::scan_stream call: hands chunks of transactions to the
// nodes within each node's window, puts the answers back into input order,
// sends what a lost node held to the others and dials lost nodes again. Runs
// on the calling thread with a caf::scoped_actor of its own, whose mailbox it
// reads by request id (answers of several nodes arrive in any order).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>

#include "actors/node_link.hpp"
#include "actors/reorder_buffer.hpp"
#include "warden/error.hpp"
#include "warden/protocol.hpp"
#include "warden/transaction.hpp"

namespace warden::actors {

class RemoteScan {
 public:
  using Next = std::function<std::optional<TransactionPtr>()>;
  using OnReport = std::function<void(ScanReport&&)>;

  RemoteScan(RemoteNodes& nodes, const Next& next, const OnReport& on_report);

  // Scans until the input is exhausted and every report was handed on
  // (nullopt), or every node was lost for give_up_after (the error names
  // each node and why it was lost).
  std::optional<Error> run();

 private:
  using Clock = std::chrono::steady_clock;

  // Transactions sent to one node in one request.
  struct Chunk {
    std::size_t node = 0;
    std::vector<uint64_t> sequences;
    Clock::time_point sent;
    // Taken from its node when the node was lost: its transactions went to
    // the others, and an answer now is accepted only where none came yet.
    bool abandoned = false;
  };

  // A node's part of this scan.
  struct NodeWork {
    std::deque<uint64_t> live;       // its chunks' request ids, oldest first
    std::deque<uint64_t> abandoned;  // chunks taken from it whose answer may still come
    std::size_t outstanding = 0;     // transactions in its live chunks
    caf::actor_addr watched;         // the handle this scan monitors
    std::optional<uint64_t> probe;   // its describe request while probing
    Clock::time_point probe_deadline;
  };

  void handle(caf::mailbox_element& element);
  void on_chunk_answer(uint64_t request, caf::type_erased_tuple& content);
  void on_probe_answer(std::size_t node, caf::type_erased_tuple& content);
  void on_down(const caf::down_msg& down);

  void fill();
  void send(std::size_t node, std::vector<uint64_t> sequences);
  void deliver();

  // Takes every live chunk from a serving node and marks it lost. `dead`:
  // its handle is gone, so no answer can come and its chunks are forgotten.
  void lose(std::size_t node, const std::string& why, bool dead);
  void requeue(std::size_t node, const std::vector<uint64_t>& sequences);
  void fail_probe(std::size_t node, const std::string& why);
  void watch(std::size_t node);

  void check_timeouts(Clock::time_point now);
  void check_dials(Clock::time_point now);
  std::optional<Error> check_give_up(Clock::time_point now);
  Clock::time_point next_deadline(Clock::time_point now) const;
  bool any_serving() const;

  RemoteNodes& nodes_;
  const RemoteOptions& options_;
  const Next& next_;
  const OnReport& on_report_;
  caf::scoped_actor self_;
  ReorderBuffer buffer_;
  std::set<uint64_t> unsent_;  // held, not on any live chunk: taken from lost nodes, or read early
  std::unordered_map<uint64_t, Chunk> chunks_;  // by request id
  std::vector<NodeWork> work_;
  std::size_t chunk_size_ = 1;
  std::size_t buffer_limit_ = 1;  // transactions held at most (outstanding + waiting for order)
  bool exhausted_ = false;
  std::optional<Clock::time_point> all_lost_since_;
};

}  // namespace warden::actors
