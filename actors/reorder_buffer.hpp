#pragma once
// The transactions of a remote scan from the first one not yet handed on to
// the last one read, each with its report once a node answered it: what puts
// the answers of several nodes back into input order, exactly once. Plain
// data, used by one scan on its calling thread (not thread-safe).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

#include "warden/protocol.hpp"
#include "warden/transaction.hpp"

namespace warden::actors {

class ReorderBuffer {
 public:
  // Appends a transaction read from the input; returns its sequence number
  // (0, 1, 2, ... in input order).
  uint64_t push(TransactionPtr transaction);

  // Transactions held: read and not yet handed on (sent, waiting for a node,
  // or answered and waiting for an earlier one).
  std::size_t size() const {
    return slots_.size();
  }
  bool empty() const {
    return slots_.empty();
  }

  // Whether `sequence` is held and has no report yet (it still needs an answer).
  bool unanswered(uint64_t sequence) const;

  // The transaction of a held sequence number.
  const TransactionPtr& transaction(uint64_t sequence) const;

  // Takes `report` as the answer of `sequence`; false, leaving it untouched,
  // when that transaction was answered already or handed on (a late answer).
  bool accept(uint64_t sequence, ScanReport&& report);

  // The next report in input order, once it and every earlier one was
  // answered; its transaction leaves the buffer.
  std::optional<ScanReport> pop_ready();

  // The sequence number of the first transaction not handed on yet.
  uint64_t first_held() const {
    return first_;
  }

 private:
  struct Slot {
    TransactionPtr transaction;
    std::optional<ScanReport> report;
  };

  const Slot* slot(uint64_t sequence) const;

  std::deque<Slot> slots_;
  uint64_t first_ = 0;  // sequence number of slots_.front()
};

}  // namespace warden::actors
