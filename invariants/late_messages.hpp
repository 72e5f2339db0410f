#pragma once
// Messages the network holds longer than a liveness bound. A bound after the last fault heals
// assumes the network delivers within it; a delay drawn from an unbounded distribution (or one a
// shrinker postponed past the end of the run) can exceed it in a correct protocol. Such a message
// is a network fault like a partition: while one is in flight nothing is owed, and its arrival
// counts as a fault healing. The liveness monitors of eventual delivery, completion and receipt
// gaps share this one notion.
#include <cstdint>
#include <map>

#include "model/assert.hpp"
#include "model/engine.hpp"

namespace corridor::invariants {

class LateMessages {
 public:
  void reset(time_ns late_ns) {
    CORRIDOR_ASSERT(late_ns > 0);
    late_ns_ = late_ns;
    sent_ns_.clear();
    late_arrival_ns_ = 0;
  }

  void observe(const EventView& v) {
    if (v.kind == EventKind::send) {
      sent_ns_.emplace(v.message_id, v.true_ns);  // a duplicate's copy keeps the first send
      CORRIDOR_ASSERT_MSG(sent_ns_.size() <= in_flight_max, "messages in flight without bound");
    } else if (v.kind == EventKind::deliver || v.kind == EventKind::drop) {
      const auto it = sent_ns_.find(v.message_id);
      if (it == sent_ns_.end()) return;  // a duplicate's second copy
      if (v.true_ns - it->second > late_ns_) late_arrival_ns_ = v.true_ns;
      sent_ns_.erase(it);
    }
  }

  // Whether a message sent more than late_ns before now_ns is still in flight (message ids grow
  // with each send, so the first entry is the oldest).
  bool late_in_flight(time_ns now_ns) const {
    return !sent_ns_.empty() && now_ns - sent_ns_.begin()->second > late_ns_;
  }
  // When the last late message arrived (0: none did): a bound counts from it as from a heal.
  time_ns late_arrival_ns() const { return late_arrival_ns_; }

 private:
  static constexpr std::size_t in_flight_max = 1'000'000;

  time_ns late_ns_ = 1;
  std::map<std::uint64_t, time_ns> sent_ns_;  // message id -> true time of its send
  time_ns late_arrival_ns_ = 0;
};

}  // namespace corridor::invariants
