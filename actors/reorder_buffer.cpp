// The reorder buffer of a remote scan: answers back into input order, each once.
#include "actors/reorder_buffer.hpp"

#include <utility>

namespace warden::actors {

uint64_t ReorderBuffer::push(TransactionPtr transaction) {
  slots_.push_back(Slot{std::move(transaction), std::nullopt});
  return first_ + slots_.size() - 1;
}

const ReorderBuffer::Slot* ReorderBuffer::slot(uint64_t sequence) const {
  if (sequence < first_ || sequence - first_ >= slots_.size()) {
    return nullptr;
  }
  return &slots_[sequence - first_];
}

bool ReorderBuffer::unanswered(uint64_t sequence) const {
  const auto* held = slot(sequence);
  return held != nullptr && !held->report;
}

const TransactionPtr& ReorderBuffer::transaction(uint64_t sequence) const {
  return slots_.at(sequence - first_).transaction;
}

bool ReorderBuffer::accept(uint64_t sequence, ScanReport&& report) {
  if (!unanswered(sequence)) {
    return false;
  }
  slots_[sequence - first_].report = std::move(report);
  return true;
}

std::optional<ScanReport> ReorderBuffer::pop_ready() {
  if (slots_.empty() || !slots_.front().report) {
    return std::nullopt;
  }
  auto report = std::move(slots_.front().report);
  slots_.pop_front();
  ++first_;
  return report;
}

}  // namespace warden::actors
