// A remote scan's loop: windows per node, answers back into input order,
// failover of a lost node's transactions, and dialling lost nodes again.
#include "actors/remote_scan.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>
#include <utility>

#include "actors/node_answer_check.hpp"
#include "actors/plugin_set_difference.hpp"
#include "actors/stream_chunk.hpp"
#include "runtime/inert_text.hpp"
#include "warden/logger.hpp"

namespace warden::actors {

namespace {

std::string in_ms(std::chrono::milliseconds duration) {
  return std::to_string(duration.count()) + " ms";
}

// A node that stops answers shutting_down for every plugin: not an answer,
// its transactions go to the other nodes.
bool node_stopping(const std::vector<ScanReport>& reports) {
  return std::any_of(reports.begin(), reports.end(), [](const ScanReport& report) {
    return std::any_of(report.failures.begin(), report.failures.end(),
                       [](const PluginFailure& failure) {
                         return failure.error.code == ErrorCode::shutting_down;
                       });
  });
}

}  // namespace

RemoteScan::RemoteScan(RemoteNodes& nodes, const Next& next, const OnReport& on_report)
    : nodes_(nodes),
      options_(nodes.options),
      next_(next),
      on_report_(on_report),
      self_(nodes.system),
      work_(nodes.links.size()) {
  const auto window = std::max<std::size_t>(1, options_.window_per_node);
  // As the local pipelined path: several chunks in flight per node.
  chunk_size_ = stream_chunk_size(window);
  // Outstanding plus waiting for an earlier answer: a stuck chunk at the
  // head holds back at most this many, never the whole input.
  buffer_limit_ = 2 * window * nodes_.links.size();
}

std::optional<Error> RemoteScan::run() {
  const auto start = Clock::now();
  for (std::size_t node = 0; node < nodes_.links.size(); ++node) {
    auto& link = nodes_.links[node];
    if (link.state == NodeLink::State::probing) {  // an earlier scan's probe ended with it
      link.state = NodeLink::State::lost;
      link.next_dial = start;
    }
    if (link.state == NodeLink::State::serving) {
      watch(node);
    }
  }
  for (;;) {
    while (self_->has_next_message()) {
      handle(*self_->dequeue());
    }
    deliver();
    if (exhausted_ && buffer_.empty()) {
      return std::nullopt;
    }
    const auto now = Clock::now();
    check_timeouts(now);
    check_dials(now);
    if (auto gone = check_give_up(now)) {
      return gone;
    }
    fill();
    if (exhausted_ && buffer_.empty()) {
      return std::nullopt;
    }
    const auto deadline = next_deadline(now);
    const auto wait = std::max(deadline - Clock::now(), Clock::duration::zero());
    if (self_->await_data(std::chrono::high_resolution_clock::now() +
                          std::chrono::duration_cast<std::chrono::nanoseconds>(wait))) {
      handle(*self_->dequeue());
    }
  }
}

void RemoteScan::handle(caf::mailbox_element& element) {
  auto& content = element.content();
  if (element.mid.is_response()) {
    const auto request = element.mid.request_id().integer_value();
    for (std::size_t node = 0; node < work_.size(); ++node) {
      if (work_[node].probe == request) {
        on_probe_answer(node, content);
        return;
      }
    }
    on_chunk_answer(request, content);
    return;
  }
  if (content.match_elements<caf::down_msg>()) {
    on_down(content.get_as<caf::down_msg>(0));
  }
}

void RemoteScan::on_chunk_answer(uint64_t request, caf::type_erased_tuple& content) {
  auto found = chunks_.find(request);
  if (found == chunks_.end()) {
    return;  // a chunk of a node found dead, or trimmed from the abandoned ones
  }
  Chunk chunk = std::move(found->second);
  chunks_.erase(found);
  auto& work = work_[chunk.node];
  auto& listed = chunk.abandoned ? work.abandoned : work.live;
  if (auto at = std::find(listed.begin(), listed.end(), request); at != listed.end()) {
    listed.erase(at);
  }
  if (!chunk.abandoned) {
    work.outstanding -= chunk.sequences.size();
  }
  std::string why;
  if (content.match_elements<std::vector<ScanReport>>()) {
    auto reports = content.move_if_unshared<std::vector<ScanReport>>(0);
    std::vector<std::optional<std::string>> sent;
    sent.reserve(chunk.sequences.size());
    for (const auto sequence : chunk.sequences) {
      sent.push_back(buffer_.unanswered(sequence)
                         ? std::optional<std::string>{buffer_.transaction(sequence)->id}
                         : std::nullopt);
    }
    if (auto refused = refuse_node_answer(reports, sent, nodes_.info.plugins)) {
      why = std::move(*refused);
    } else if (node_stopping(reports)) {
      why = "it is shutting down";
    } else {
      uint64_t answered = 0;
      for (std::size_t i = 0; i < reports.size(); ++i) {
        answered += buffer_.accept(chunk.sequences[i], std::move(reports[i])) ? 1 : 0;
      }
      const auto late = reports.size() - answered;
      nodes_.count(chunk.node, [&](RemoteNodeStats& stats) {
        stats.answered += answered;
        stats.late += late;
      });
      return;
    }
  } else if (content.match_elements<caf::error>()) {
    why = "its request failed: " + nodes_.system.render(content.get_as<caf::error>(0));
  } else {
    why = "it answered something else than reports";
  }
  if (!chunk.abandoned) {
    requeue(chunk.node, chunk.sequences);
    lose(chunk.node, why, false);
  }
}

void RemoteScan::on_probe_answer(std::size_t node, caf::type_erased_tuple& content) {
  auto& link = nodes_.links[node];
  work_[node].probe.reset();
  if (!content.match_elements<NodeInfo>()) {
    const auto why = content.match_elements<caf::error>()
                         ? nodes_.system.render(content.get_as<caf::error>(0))
                         : std::string{"an answer that is not a NodeInfo"};
    fail_probe(node, "describe failed: " + why);
    return;
  }
  const auto difference =
      plugin_set_difference(nodes_.info_node, nodes_.info, link.name, content.get_as<NodeInfo>(0));
  if (!difference.empty()) {
    fail_probe(node, "it serves other plugins now: " + difference);
    return;
  }
  link.state = NodeLink::State::serving;
  nodes_.count(node, [](RemoteNodeStats& stats) {
    stats.connected = true;
    ++stats.reconnects;
  });
  logger()->info("node {} is back and serves again", printable(link.name));
}

void RemoteScan::on_down(const caf::down_msg& down) {
  for (std::size_t node = 0; node < work_.size(); ++node) {
    auto& work = work_[node];
    if (!work.watched || work.watched != down.source) {
      continue;
    }
    work.watched = caf::actor_addr{};  // the same handle dialled again is watched anew
    const auto why = down.reason ? "it went down: " + nodes_.system.render(down.reason)
                                 : std::string{"it went away (its actor quit)"};
    switch (nodes_.links[node].state) {
      case NodeLink::State::serving:
        lose(node, why, true);
        break;
      case NodeLink::State::probing:
        fail_probe(node, why);
        break;
      case NodeLink::State::lost:
        break;
    }
    // Nothing taken from it can be answered now.
    for (auto request : work.abandoned) {
      chunks_.erase(request);
    }
    work.abandoned.clear();
  }
}

void RemoteScan::fill() {
  const auto window = std::max<std::size_t>(1, options_.window_per_node);
  // One transaction read ahead even while no node serves: an empty input
  // ends the scan at once instead of waiting for a node.
  if (!exhausted_ && buffer_.empty()) {
    if (auto transaction = next_()) {
      unsent_.insert(buffer_.push(std::move(*transaction)));
    } else {
      exhausted_ = true;
    }
  }
  for (;;) {
    std::optional<std::size_t> best;
    std::size_t best_room = 0;
    for (std::size_t node = 0; node < work_.size(); ++node) {
      if (nodes_.links[node].state != NodeLink::State::serving) {
        continue;
      }
      const auto outstanding = work_[node].outstanding;
      const auto room = outstanding >= window ? 0 : window - outstanding;
      if (room >= chunk_size_ && room > best_room) {
        best = node;
        best_room = room;
      }
    }
    if (!best) {
      return;
    }
    std::vector<uint64_t> sequences;
    while (sequences.size() < chunk_size_ && !unsent_.empty()) {
      const auto sequence = *unsent_.begin();
      unsent_.erase(unsent_.begin());
      if (buffer_.unanswered(sequence)) {  // a late answer may have come meanwhile
        sequences.push_back(sequence);
      }
    }
    while (sequences.size() < chunk_size_ && !exhausted_ && buffer_.size() < buffer_limit_) {
      auto transaction = next_();
      if (!transaction) {
        exhausted_ = true;
        break;
      }
      sequences.push_back(buffer_.push(std::move(*transaction)));
    }
    if (sequences.empty()) {
      return;
    }
    send(*best, std::move(sequences));
  }
}

void RemoteScan::send(std::size_t node, std::vector<uint64_t> sequences) {
  std::vector<TransactionPtr> batch;
  batch.reserve(sequences.size());
  for (auto sequence : sequences) {
    batch.push_back(buffer_.transaction(sequence));
  }
  const auto request =
      self_->request(nodes_.links[node].handle, caf::infinite, scan_atom::value, std::move(batch))
          .id()
          .request_id()
          .integer_value();
  auto& work = work_[node];
  work.live.push_back(request);
  work.outstanding += sequences.size();
  chunks_.emplace(request, Chunk{node, std::move(sequences), Clock::now(), false});
}

void RemoteScan::deliver() {
  while (auto report = buffer_.pop_ready()) {
    on_report_(std::move(*report));
  }
}

void RemoteScan::lose(std::size_t node, const std::string& why, bool dead) {
  auto& link = nodes_.links[node];
  auto& work = work_[node];
  if (link.state != NodeLink::State::serving) {
    return;
  }
  link.state = NodeLink::State::lost;
  link.problem = why;
  link.next_dial = Clock::now() + options_.reconnect_interval;
  nodes_.count(node, [](RemoteNodeStats& stats) {
    stats.connected = false;
    ++stats.disconnects;
  });
  logger()->warn("node {} lost ({}): its unanswered transactions go to the other nodes",
                 printable(link.name), printable(why));
  for (auto request : work.live) {
    auto chunk = chunks_.find(request);
    requeue(node, chunk->second.sequences);
    if (dead) {
      chunks_.erase(chunk);
    } else {
      chunk->second.abandoned = true;
      work.abandoned.push_back(request);
    }
  }
  work.live.clear();
  work.outstanding = 0;
  // A node lost again and again keeps only its latest chunks' late answers
  // in view: memory stays bounded, an older late answer is just dropped.
  const auto keep = 2 * (std::max<std::size_t>(1, options_.window_per_node) / chunk_size_ + 1);
  while (work.abandoned.size() > keep) {
    chunks_.erase(work.abandoned.front());
    work.abandoned.pop_front();
  }
}

void RemoteScan::requeue(std::size_t node, const std::vector<uint64_t>& sequences) {
  uint64_t resent = 0;
  for (auto sequence : sequences) {
    if (buffer_.unanswered(sequence) && unsent_.insert(sequence).second) {
      ++resent;
    }
  }
  nodes_.count(node, [&](RemoteNodeStats& stats) { stats.resent += resent; });
}

void RemoteScan::fail_probe(std::size_t node, const std::string& why) {
  auto& link = nodes_.links[node];
  link.state = NodeLink::State::lost;
  link.problem = why;
  link.next_dial = Clock::now() + options_.reconnect_interval;
  work_[node].probe.reset();
}

void RemoteScan::watch(std::size_t node) {
  auto& work = work_[node];
  const auto address = nodes_.links[node].handle.address();
  if (work.watched == address) {
    return;
  }
  if (work.watched) {
    self_->demonitor(work.watched);
  }
  self_->monitor(nodes_.links[node].handle);
  work.watched = address;
}

void RemoteScan::check_timeouts(Clock::time_point now) {
  for (std::size_t node = 0; node < work_.size(); ++node) {
    auto& link = nodes_.links[node];
    auto& work = work_[node];
    if (link.state == NodeLink::State::serving && !work.live.empty() &&
        now - chunks_.at(work.live.front()).sent >= options_.answer_timeout) {
      lose(node, "no answer within " + in_ms(options_.answer_timeout), false);
    } else if (link.state == NodeLink::State::probing && now >= work.probe_deadline) {
      fail_probe(node, "it did not answer describe within " +
                           in_ms(std::min(options_.connect_timeout, options_.answer_timeout)));
    }
  }
}

void RemoteScan::check_dials(Clock::time_point now) {
  for (std::size_t node = 0; node < work_.size(); ++node) {
    auto& link = nodes_.links[node];
    if (link.state != NodeLink::State::lost) {
      continue;
    }
    auto dialled = link.dial_result();
    if (!dialled) {
      if (now >= link.next_dial) {
        link.start_dial(options_.connector);
      }
      continue;
    }
    if (!dialled->ok()) {
      link.problem = dialled->error().message;
      link.next_dial = now + options_.reconnect_interval;
      continue;
    }
    // Reached again: it serves once its describe answer matches.
    link.handle = std::move(*dialled).value();
    watch(node);
    auto& work = work_[node];
    work.probe = self_->request(link.handle, caf::infinite, describe_atom::value)
                     .id()
                     .request_id()
                     .integer_value();
    work.probe_deadline = now + std::min(options_.connect_timeout, options_.answer_timeout);
    link.state = NodeLink::State::probing;
  }
}

bool RemoteScan::any_serving() const {
  return std::any_of(nodes_.links.begin(), nodes_.links.end(),
                     [](const NodeLink& link) { return link.state == NodeLink::State::serving; });
}

std::optional<Error> RemoteScan::check_give_up(Clock::time_point now) {
  if (any_serving()) {
    all_lost_since_.reset();
    return std::nullopt;
  }
  if (!all_lost_since_) {
    all_lost_since_ = now;
  }
  if (now - *all_lost_since_ < options_.give_up_after) {
    return std::nullopt;
  }
  std::string message = "every node was lost for " + in_ms(options_.give_up_after) + ":";
  for (const auto& link : nodes_.links) {
    message += " node " + link.name + " (" + link.problem + ");";
  }
  message += " the reports of the transactions before #" +
             std::to_string(buffer_.first_held() + 1) + " were handed on";
  if (!buffer_.empty() && buffer_.transaction(buffer_.first_held())) {
    message += ", '" + buffer_.transaction(buffer_.first_held())->id + "' got no answer";
  }
  return Error(ErrorCode::node_unreachable, message);
}

RemoteScan::Clock::time_point RemoteScan::next_deadline(Clock::time_point now) const {
  // Dials run on threads of their own and cannot wake this one: polled.
  constexpr auto kDialPoll = std::chrono::milliseconds{5};
  auto deadline = now + std::chrono::seconds{1};
  for (std::size_t node = 0; node < work_.size(); ++node) {
    const auto& link = nodes_.links[node];
    const auto& work = work_[node];
    switch (link.state) {
      case NodeLink::State::serving:
        if (!work.live.empty()) {
          deadline =
              std::min(deadline, chunks_.at(work.live.front()).sent + options_.answer_timeout);
        }
        break;
      case NodeLink::State::probing:
        deadline = std::min(deadline, work.probe_deadline);
        break;
      case NodeLink::State::lost:
        deadline = std::min(deadline, link.dial.valid() ? now + kDialPoll : link.next_dial);
        break;
    }
  }
  if (all_lost_since_) {
    deadline = std::min(deadline, *all_lost_since_ + options_.give_up_after);
  }
  return deadline;
}

}  // namespace warden::actors
