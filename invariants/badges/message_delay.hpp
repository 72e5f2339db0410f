#pragma once
// Message delay over bound. Assumption: messages are delivered within delay_ns_max. Boundary:
// send/receive. Omniscient: the delay is true time from the send to the delivery, which no node
// can measure. One badge per late delivery, observed by the receiver.
#include <array>
#include <cstdint>

#include "invariants/badges/badge_monitor.hpp"

namespace corridor::invariants {

class MessageDelayMonitor final : public BadgeMonitor {
 public:
  explicit MessageDelayMonitor(time_ns delay_ns_max);
  const BadgeDeclaration& declaration() const override { return declaration_; }
  std::uint32_t event_kinds() const override { return kind_bit(EventKind::send) | kind_bit(EventKind::deliver); }
  void on_run_start(const RunInfo& info) override;
  void observe(const EventView& event, const WorldView& world, BadgeSink& sink) override;

 private:
  // Send times by message id, in a ring: a message whose slot a later send took (more than
  // ring_size messages in flight) is not judged.
  static constexpr std::size_t ring_size = 1u << 12;
  struct Sent {
    std::uint64_t id = 0;
    time_ns sent_ns = 0;
  };

  time_ns delay_ns_max_;
  BadgeDeclaration declaration_;
  std::array<Sent, ring_size> sent_{};
};

}  // namespace corridor::invariants
