#pragma once
// Messages the network holds longer than a liveness bound. A bound after the last fault heals
// assumes the network delivers within it; a delay drawn from an unbounded distribution (or one a
// shrinker postponed past the end of the run) can exceed it in a correct protocol. Such a message
// is a network fault like a partition: while one is in flight nothing is owed, and its arrival
// counts as a fault healing. The liveness monitors of eventual delivery, completion and receipt
// gaps share this one notion.
#include <cstdint>
#include <deque>

#include "model/assert.hpp"
#include "model/engine.hpp"

namespace corridor::invariants {

class LateMessages {
 public:
  void reset(time_ns late_ns) {
    CORRIDOR_ASSERT(late_ns > 0);
    late_ns_ = late_ns;
    sent_ns_.clear();
    first_id_ = 0;
    late_arrival_ns_ = 0;
  }

  void observe(const EventView& v) {
    if (v.kind == EventKind::send) {
      on_send(v.message_id, v.true_ns);
    } else if (v.kind == EventKind::deliver || v.kind == EventKind::drop) {
      on_arrival(v.message_id, v.true_ns);
    }
  }

  // Whether a message sent more than late_ns before now_ns is still in flight (the front of the
  // window is the oldest message in flight).
  bool late_in_flight(time_ns now_ns) const { return !sent_ns_.empty() && now_ns - sent_ns_.front() > late_ns_; }
  // When the last late message arrived (0: none did): a bound counts from it as from a heal.
  time_ns late_arrival_ns() const { return late_arrival_ns_; }

 private:
  static constexpr std::size_t in_flight_max = 1'000'000;
  static constexpr time_ns arrived = -1;

  // Message ids grow by one with each send, so the messages in flight are a window of ids from
  // the oldest one still in flight: a deque indexed by id, no allocation per message.
  void on_send(std::uint64_t id, time_ns t_ns) {
    if (sent_ns_.empty()) first_id_ = id;
    if (id < first_id_ + sent_ns_.size()) return;  // a duplicate's copy keeps the first send
    while (first_id_ + sent_ns_.size() < id) sent_ns_.push_back(arrived);  // ids no send event showed
    sent_ns_.push_back(t_ns);
    CORRIDOR_ASSERT_MSG(sent_ns_.size() <= in_flight_max, "messages in flight without bound");
  }

  void on_arrival(std::uint64_t id, time_ns t_ns) {
    if (id < first_id_ || id >= first_id_ + sent_ns_.size()) return;  // a duplicate's second copy
    time_ns& sent_ns = sent_ns_[id - first_id_];
    if (sent_ns == arrived) return;
    if (t_ns - sent_ns > late_ns_) late_arrival_ns_ = t_ns;
    sent_ns = arrived;
    while (!sent_ns_.empty() && sent_ns_.front() == arrived) {
      sent_ns_.pop_front();
      ++first_id_;
    }
  }

  time_ns late_ns_ = 1;
  std::deque<time_ns> sent_ns_;  // by message id from first_id_: its send's true time, or arrived
  std::uint64_t first_id_ = 0;
  time_ns late_arrival_ns_ = 0;
};

}  // namespace corridor::invariants
