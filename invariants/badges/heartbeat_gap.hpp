#pragma once
// Heartbeat gap. Assumption: a live peer's heartbeats arrive at most gap_ns_max apart. Boundary:
// receive (the "heartbeat" note). Node-local: the gap is measured on the receiver's own wall
// clock, between two heartbeats of the same peer; a badge when a heartbeat ends a longer gap.
#include <cstdint>
#include <vector>

#include "invariants/badges/badge_monitor.hpp"
#include "invariants/badges/badge_notes.hpp"

namespace corridor::invariants {

class HeartbeatGapMonitor final : public BadgeMonitor {
 public:
  explicit HeartbeatGapMonitor(time_ns gap_ns_max, BadgeNotes notes = {});
  const BadgeDeclaration& declaration() const override { return declaration_; }
  std::uint32_t event_kinds() const override { return kind_bit(EventKind::note) | kind_bit(EventKind::crash); }
  void on_run_start(const RunInfo& info) override;
  void observe(const EventView& event, const WorldView& world, BadgeSink& sink) override;

 private:
  static constexpr time_ns never_ns = INT64_MIN;
  time_ns gap_ns_max_;
  BadgeNotes notes_;
  BadgeDeclaration declaration_;
  std::uint32_t nodes_ = 0;
  std::vector<time_ns> last_ns_;  // nodes x nodes: receiver's wall clock at the peer's last heartbeat
};

}  // namespace corridor::invariants
